import {expect} from 'chai'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Report} from '../../src/report/model.js'
import {cli} from '../helpers/cli.js'

const LB4 = 'fixtures/synthetic-lb4-pressure'
const HEALTHY = 'fixtures/synthetic-healthy'

describe('ciltune doctor (the built CLI)', function () {
  this.timeout(60_000)
  let tmp: string
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'ciltune-cli-'))
  })
  after(() => rmSync(tmp, {recursive: true, force: true}))

  it('prints the JSON contract with typed Helm values and exits 1 on high findings', async () => {
    const r = await cli(['doctor', '--from', LB4, '--output', 'json'])
    expect(r.code, r.stderr).to.equal(1)
    const report = Report.parse(JSON.parse(r.stdout))
    expect(report.findings.length).to.be.greaterThan(0)
    for (const f of report.findings) {
      expect(f).to.include.keys('id', 'severity', 'title', 'evidence', 'helm')
      for (const e of f.evidence) expect(e).to.include.keys('source', 'line', 'text')
      for (const h of f.helm) {
        expect(h).to.include.keys('path', 'value', 'reason')
        if (/Max$|Ratio$/.test(h.path)) expect(typeof h.value, h.path).to.equal('number')
        if (/enabled$|hostLegacyRouting$/.test(h.path)) expect(typeof h.value, h.path).to.equal('boolean')
      }
    }
    expect(report.coverage.rules.total).to.be.greaterThan(10)
    expect(report.agents.map((a) => a.name)).to.have.length(3)
  })

  it('exits the same way in every output format, and --fail-on moves the threshold', async () => {
    for (const output of ['table', 'yaml', 'markdown']) {
      expect((await cli(['doctor', '--from', LB4, '--output', output])).code, output).to.equal(1)
    }
    expect((await cli(['doctor', '--from', LB4, '--fail-on', 'none'])).code).to.equal(0)
    expect((await cli(['doctor', '--from', HEALTHY, '--output', 'json'])).code).to.equal(0)
  })

  it('writes no colour when piped, with NO_COLOR or --no-color; --color forces it', async () => {
    // eslint-disable-next-line no-control-regex
    const ansi = /\x1b\[/
    expect((await cli(['doctor', '--from', LB4])).stdout).to.not.match(ansi)
    expect((await cli(['doctor', '--from', LB4, '--no-color'], {FORCE_COLOR: '1'})).stdout).to.not.match(ansi)
    expect((await cli(['doctor', '--from', LB4, '--color'])).stdout).to.match(ansi)
  })

  it('bad input: one line naming the source, exit 2, no stack trace', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['doctor', '--from', 'no/such/dir'], /no\/such\/dir: no such file or directory/],
      [['doctor', '--from', LB4, '--output', 'xml'], /xml/],
      [['explain', 'no-such-rule'], /no rule "no-such-rule"/],
    ]
    const broken = join(tmp, 'broken-snapshot.json')
    writeFileSync(broken, JSON.stringify({schemaVersion: 1, createdAt: 'x', origin: {kind: 'files'}, cluster: {errors: []}, agents: [{name: 1}], skipped: []}))
    cases.push([['doctor', '--from', broken], /broken-snapshot\.json: not a valid ciltune snapshot/])

    for (const [args, re] of cases) {
      const r = await cli(args)
      expect(r.code, args.join(' ')).to.equal(2)
      expect(r.stderr, args.join(' ')).to.match(re)
      expect(r.stderr).to.not.match(/^\s+at /m)
    }
  })

  it('input with nothing recognizable is a high finding (exit 1), never an empty healthy report', async () => {
    const garbage = join(tmp, 'notes.txt')
    writeFileSync(garbage, 'we restarted the agents at 03:12, no change\nthen drained node 4\n')
    const r = await cli(['doctor', '--from', garbage, '--output', 'json'])
    expect(r.code).to.equal(1)
    const report = Report.parse(JSON.parse(r.stdout))
    expect(report.findings.map((f) => [f.id, f.severity])).to.deep.equal([['no-evidence', 'high']])
    expect(report.findings[0].message).to.contain('notes.txt')
  })

  it('one pasted line nobody understands: said not understood (info), exit 3 (incomplete), neither a high alarm nor passed', async () => {
    const line = join(tmp, 'line.txt')
    writeFileSync(line, 'we restarted the agents at 03:12, no change\n')
    const r = await cli(['doctor', '--from', line, '--output', 'json'])
    expect(r.code).to.equal(3)
    const report = Report.parse(JSON.parse(r.stdout))
    expect(report.findings.map((f) => [f.id, f.messageId, f.severity])).to.deep.equal([['no-evidence', 'line-not-understood', 'info']])
    expect(report.findings[0].evidence[0].text).to.equal('we restarted the agents at 03:12, no change')
  })

  it('saves a snapshot and reads it back to the same findings', async () => {
    const snap = join(tmp, 'snap.json')
    const a = await cli(['doctor', '--from', LB4, '--output', 'json', '--save-snapshot', snap])
    const b = await cli(['doctor', '--from', snap, '--output', 'json'])
    const ids = (s: string) => (JSON.parse(s) as {findings: Array<{id: string, severity: string, message: string}>}).findings.map((f) => `${f.severity} ${f.id} ${f.message}`)
    expect(ids(b.stdout)).to.deep.equal(ids(a.stdout))
    expect(b.code).to.equal(a.code)
  })

  it('lists rules and explains one', async () => {
    const list = await cli(['rules', '--output', 'json'])
    const rules = JSON.parse(list.stdout) as Array<{id: string}>
    expect(rules.map((r) => r.id)).to.include('bpf-map-pressure')
    const ex = await cli(['explain', 'bpf-map-pressure'])
    expect(ex.code).to.equal(0)
    expect(ex.stdout).to.contain('Why it matters').and.contain('Fix')
  })
})
