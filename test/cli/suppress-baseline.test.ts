import {expect} from 'chai'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {applyConfig} from '../../src/config/apply.js'
import {CiltuneConfig} from '../../src/config/schema.js'
import {cli} from '../helpers/cli.js'
import {FIXTURES_DIR} from '../helpers/reference.js'
import {renderedFor, reportFor} from './_report.js'

describe('.ciltune.yaml suppressions and --baseline', function () {
  this.timeout(60_000)
  let tmp: string
  before(() => (tmp = mkdtempSync(join(tmpdir(), 'ciltune-supp-'))))
  after(() => rmSync(tmp, {recursive: true, force: true}))
  const write = (name: string, text: string) => {
    const p = join(tmp, name)
    writeFileSync(p, text)
    return p
  }

  it('suppresses by rule, counts it in the summary and lists it; severity overrides change the exit code', async () => {
    const config = write('a.yaml', [
      'suppress:',
      '  - {rule: services-without-backends, reason: "test namespace, owners know", expires: 2999-01-01}',
      '  - {rule: datapath-drops, reason: "old suppression", expires: 2000-01-01}',
      'severity:',
      '  bpf-map-full: info',
      '  bpf-map-pressure: info',
      '  degraded-modules: medium',
    ].join('\n'))
    const {report, code} = await reportFor('synthetic-lb4-pressure', {config})
    expect(report.findings.map((f) => f.id)).to.not.include('services-without-backends')
    expect(report.suppressed.map((f) => [f.id, f.suppressedBy.reason])).to.deep.equal([['services-without-backends', 'test namespace, owners know']])
    expect(report.summary.suppressed).to.equal(1)
    expect(report.findings.map((f) => f.id)).to.include('datapath-drops') // expired: suppresses nothing
    expect(report.config.expired).to.deep.equal([{match: 'rule=datapath-drops', reason: 'old suppression', expires: '2000-01-01'}])
    expect(report.config.severityOverrides).to.equal(3)
    expect(code).to.equal(0) // nothing left at high or above
    const table = (await renderedFor('synthetic-lb4-pressure', {config}, 100)).out
    expect(table).to.match(/· 1 suppressed/)
    expect(table).to.match(/Expired suppression \(rule=datapath-drops, expired 2000-01-01: old suppression\)/)
  })

  it('agent and node selectors match only when every affected agent matches; messageId selects one message', () => {
    const f = (agents: string[], messageId = 'other') => ({id: 'r', messageId, severity: 'high' as const, title: 't', message: 'm', agents, evidence: [], helm: [], code: 'CT1000', docUrl: 'u', fingerprint: 'r||t'})
    const agents = [{name: 'a1', node: 'n1'}, {name: 'a2', node: 'n2'}]
    const cfg = CiltuneConfig.parse({suppress: [{node: 'n1', reason: 'draining'}, {messageId: 'fatal-oom', reason: 'known'}]})
    const out = applyConfig([f(['a1']), f(['a1', 'a2']), f([]), f(['a2'], 'fatal-oom')], cfg, agents, '2026-01-01')
    expect(out.suppressed.map((s) => s.suppressedBy.match)).to.deep.equal(['node=n1', 'messageId=fatal-oom'])
    expect(out.findings.map((x) => x.agents)).to.deep.equal([['a1', 'a2'], []])
  })

  it('a bad .ciltune.yaml is one clear line and exit 2; ./.ciltune.yaml is found in the working directory', async () => {
    const cwd = mkdtempSync(join(tmp, 'cwd-'))
    writeFileSync(join(cwd, '.ciltune.yaml'), 'suppress:\n  - rule: debug-logging\n')
    const r = await cli(['doctor', '--from', join(FIXTURES_DIR, 'synthetic-lb4-pressure')], {}, cwd)
    expect(r.code).to.equal(2)
    expect(r.stderr).to.match(/^ciltune: .*\.ciltune\.yaml: suppress\.0\.reason: .*\(expected suppress: \[\{rule\|messageId\|agent\|node, reason, expires\?\}\]/)
    expect(r.stderr.trim().split('\n')).to.have.length(1)
    const typo = write('typo.yaml', 'supress: []\n')
    const t = await cli(['doctor', '--from', 'fixtures/synthetic-lb4-pressure', '--config', typo])
    expect(t.stderr).to.match(/typo\.yaml: top level: Unrecognized key: "supress"/)
    writeFileSync(join(cwd, '.ciltune.yaml'), 'suppress:\n  - {rule: services-without-backends, reason: known}\n')
    const ok = await cli(['doctor', '--from', join(FIXTURES_DIR, 'synthetic-lb4-pressure'), '-o', 'json'], {}, cwd)
    expect((JSON.parse(ok.stdout) as {summary: {suppressed: number}}).summary.suppressed).to.equal(1)
  })

  it('--baseline: only new findings shown, resolved ones listed, exit code on new findings only', async () => {
    const lb4 = await cli(['doctor', '--from', 'fixtures/synthetic-lb4-pressure', '-o', 'json'])
    const base = write('base.json', lb4.stdout)
    const same = await cli(['doctor', '--from', 'fixtures/synthetic-lb4-pressure', '-o', 'json', '--baseline', base])
    const sameReport = JSON.parse(same.stdout) as {findings: unknown[], baseline: {unchanged: number, resolved: unknown[]}}
    expect(same.code).to.equal(0)
    expect(sameReport.findings).to.have.length(0)
    expect(sameReport.baseline.unchanged).to.equal((JSON.parse(lb4.stdout) as {findings: unknown[]}).findings.length)
    const healthy = await cli(['doctor', '--from', 'fixtures/synthetic-healthy', '--baseline', base])
    expect(healthy.code).to.equal(0)
    expect(healthy.stdout).to.match(/Baseline .*base\.json: 0 new, 0 unchanged \(not shown\), 5 resolved\./)
    expect(healthy.stdout).to.match(/resolved: \[CT\d{4}-\d{2}\] bpf-map-pressure: /)
    const fromHealthy = write('healthy.json', (await cli(['doctor', '--from', 'fixtures/synthetic-healthy', '-o', 'json'])).stdout)
    const worse = await cli(['doctor', '--from', 'fixtures/synthetic-lb4-pressure', '--baseline', fromHealthy, '-o', 'json'])
    expect(worse.code).to.equal(1)
    expect((JSON.parse(worse.stdout) as {findings: unknown[]}).findings).to.have.length(5)
    const bad = await cli(['doctor', '--from', 'fixtures/synthetic-healthy', '--baseline', write('x.json', '{"a":1}')])
    expect(bad.stderr).to.equal(`ciltune: --baseline ${join(tmp, 'x.json')}: not a ciltune report (expected {findings: [{id, title}]}, as doctor -o json writes)\n`)
  })
})
