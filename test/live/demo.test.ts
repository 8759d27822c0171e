import {expect} from 'chai'
import {demoAction, resolveScenario, type DemoOptions} from '../../src/actions/demo.js'
import type {Io} from '../../src/actions/doctor-options.js'
import {InputError} from '../../src/util/errors.js'
import {FIXTURES_DIR} from '../helpers/reference.js'
import {MINI} from './helpers.js'

interface Report {source: {kind: string, path?: string}, findings: Array<{id: string, severity: string}>, coverage: {agents: {total: number, withStatus: number}}}

async function demo(opts: Partial<DemoOptions>): Promise<{code: number, report: Report, stderr: string}> {
  let out = ''
  let err = ''
  const io: Io = {stdout: (t) => { out += t }, stderr: (t) => (err += t), isTTY: false}
  const code = await demoAction({output: 'json', failOn: 'high', color: false, concurrency: 10, quiet: false, ...opts}, io)
  return {code, report: JSON.parse(out) as Report, stderr: err}
}

describe('ciltune demo', function () {
  this.timeout(120_000)

  it('runs the live doctor against the default scenario on a loopback simulator and returns its exit code', async () => {
    const {code, report, stderr} = await demo({})
    expect(report.source.kind).to.equal('live')
    expect(report.source.path).to.match(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(report.findings.map((f) => f.id)).to.include('bpf-map-pressure')
    expect(code).to.equal(1) // critical findings at the default --fail-on high
    expect(stderr).to.match(/simulated cluster "synthetic-lb4-pressure" with 3 agents/)
  })

  it('a healthy scenario exits 0 with no findings', async () => {
    const {code, report} = await demo({scenario: 'synthetic-healthy'})
    expect(report.findings).to.deep.equal([])
    expect(report.coverage.agents.withStatus).to.equal(3)
    expect(code).to.equal(0)
  })

  it('--nodes multiplies the scenario; a directory path works as a scenario', async () => {
    const {report} = await demo({scenario: MINI, nodes: 12, quiet: true})
    expect(report.coverage.agents.total).to.equal(12)
  })

  it('an unknown scenario is one line naming the shipped ones', () => {
    expect(resolveScenario('synthetic-healthy')).to.equal(`${FIXTURES_DIR}/synthetic-healthy`)
    let err: unknown
    try {
      resolveScenario('no-such-scenario')
    } catch (error) {
      err = error
    }
    expect(err).to.be.instanceOf(InputError)
    expect((err as Error).message).to.match(/^demo no-such-scenario: no such scenario directory; shipped scenarios: .*synthetic-lb4-pressure/)
  })
})
