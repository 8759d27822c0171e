import {expect} from 'chai'
import {execFileSync, spawnSync} from 'node:child_process'
import {PROJECT_DIR} from '../helpers/reference.js'
import {renderedFor} from './_report.js'

// eslint-disable-next-line no-control-regex
const visible = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '')

describe('the table fits the terminal', function () {
  this.timeout(60_000)

  for (const columns of [80, 100, 160]) {
    it(`${columns} columns: no line wider, summary first, one row per finding, each Helm change once, suggest last`, async () => {
      const {out} = await renderedFor('synthetic-lb4-pressure', {color: true}, columns)
      const lines = visible(out).trimEnd().split('\n')
      for (const l of lines) expect([...l].length, l).to.be.at.most(columns)
      expect(lines[1]).to.match(/^3 critical, 1 high, 1 medium, 0 info · 3 agents read · \d+ checks not evaluated/)
      expect(lines.filter((l) => /^│ (CRITICAL|HIGH|MEDIUM|INFO) +│ CT\d{4}/.test(l))).to.have.length(5)
      expect(lines.filter((l) => l.includes('bpf.lbMapMax='))).to.have.length(1)
      expect(lines.at(-1)).to.match(/^Next: `ciltune suggest`/)
    })
  }

  it('the strongest evidence line sits under each finding; --wide keeps the full detail', async () => {
    const {out} = await renderedFor('synthetic-lb4-pressure', {}, 80)
    expect(out).to.match(/│ metrics\.prom:\d+ cilium_bpf_map_pressu/)
    expect(out).to.match(/│ status\.txt:\d+ job-reconcile/)
    const wide = (await renderedFor('synthetic-lb4-pressure', {wide: true}, 80)).out
    expect(wide).to.match(/fix: bpf\.lbMapMax: 1024/)
    expect(wide.split('\n').length).to.be.greaterThan(out.split('\n').length * 2)
  })

  it('evidence with terminal control sequences is shown inert', async () => {
    const {renderTable} = await import('../../src/report/table.js')
    const {report} = await (await import('./_report.js')).reportFor('synthetic-lb4-pressure')
    report.findings[0].evidence.unshift({source: 'x.log', line: 3, text: 'level=error msg="\x1b]0;pwned\x07\x1b[2J"'})
    const out = renderTable(report, {color: false, wide: false, width: 80})
    expect(out).to.not.match(/\x1b/) // eslint-disable-line no-control-regex
    expect(out).to.not.match(/\x07/) // eslint-disable-line no-control-regex
    expect(out).to.include('\\x1b]0;pwn')
  })

  it('under tmux at 80x24, `ciltune demo` shows the summary and the critical findings on the first screen', function () {
    if (spawnSync('tmux', ['-V']).status !== 0) this.skip()
    const session = `ciltune-test-${process.pid}`
    const sock = `/tmp/ciltune-tmux-${process.pid}.sock` // a private server: never the user's tmux
    const tmux = (...a: string[]) => execFileSync('tmux', ['-S', sock, ...a], {encoding: 'utf8'})
    tmux('new-session', '-d', '-s', session, '-x', '80', '-y', '24', '-c', PROJECT_DIR)
    try {
      tmux('send-keys', '-t', session, `clear; node bin/run.js demo --quiet; printf DONE-$?`, 'Enter')
      let screen = ''
      for (let i = 0; i < 200 && !/DONE-\d/.test(screen); i++) {
        execFileSync('sleep', ['0.1'])
        screen = tmux('capture-pane', '-p', '-t', session)
      }
      const lines = screen.split('\n')
      expect(screen).to.match(/DONE-1/)
      // The whole report fits one 24-line screen after `clear`: its first line is still on top.
      expect(lines[0]).to.match(/^ciltune doctor: http:\/\/127\.0\.0\.1:\d+ \(Cilium /)
      expect(screen).to.match(/\n3 critical, 1 high, 1 medium, 0 info · 3 agents read/)
      expect(lines.filter((l) => /^│ CRITICAL /.test(l))).to.have.length(3)
      expect(screen).to.not.match(/\d+m +│|\[\d+m/) // no colour code split by wrapping
      for (const l of lines) expect([...l].length).to.be.at.most(80)
    } finally {
      tmux('kill-session', '-t', session)
    }
  })
})
