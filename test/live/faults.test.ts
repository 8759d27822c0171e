import {expect} from 'chai'
import {join} from 'node:path'
import {runDoctor} from '../../src/actions/doctor.js'
import {collectLive} from '../../src/collect/live.js'
import type {FaultKind} from '../../src/sim/faults.js'
import {FIXTURES_DIR} from '../helpers/reference.js'
import {expectReadOnly} from '../sim/read-only.js'
import {runSim, type Running} from './helpers.js'

const HEALTHY = join(FIXTURES_DIR, 'synthetic-healthy')
const FAULTS: FaultKind[] = ['timeout', 'forbidden', 'error500', 'drop']

/** One agent per fault on a healthy 6-agent cluster: the collection completes and names each. */
async function faultySim(): Promise<{run: Running, faulty: Record<FaultKind, string>, healthy: string[]}> {
  const probe = await runSim({scenarioDir: HEALTHY, nodes: 6})
  const pods = probe.sim.agents.map((a) => a.pod)
  await probe.stop()
  const faulty = Object.fromEntries(FAULTS.map((f, i) => [f, pods[i]])) as Record<FaultKind, string>
  const run = await runSim({scenarioDir: HEALTHY, nodes: 6, faults: {agents: Object.fromEntries(FAULTS.map((f, i) => [pods[i], f]))}})
  return {run, faulty, healthy: pods.slice(FAULTS.length)}
}

describe('live collection with faulty agents', function () {
  this.timeout(60_000)
  let run: Running | undefined
  afterEach(async () => {
    if (run) expectReadOnly(run.sim.requests)
    await run?.stop()
    run = undefined
  })

  it('timeout, 403, 500 and a dropped connection each become that agent\'s error; the others are read in full', async () => {
    const s = await faultySim()
    run = s.run
    const c = await collectLive(run.live({timeoutMs: 1500}))
    expect(c.agents).to.have.length(6)
    const kinds = (pod: string) => c.agentErrors[pod]?.map((e) => e.kind)
    expect(kinds(s.faulty.timeout)).to.deep.equal(['timeout'])
    expect(kinds(s.faulty.forbidden)).to.deep.equal(['forbidden'])
    expect(kinds(s.faulty.error500)).to.deep.equal(['failed'])
    expect(kinds(s.faulty.drop)).to.deep.equal(['unreachable'])
    expect(c.agentErrors[s.faulty.error500][0].message).to.match(/HTTP 500/)
    expect(c.agentErrors[s.faulty.forbidden][0].command).to.equal('cilium-dbg status --verbose')
    for (const pod of s.healthy) {
      expect(c.agentErrors[pod]).to.equal(undefined)
      expect(c.files.filter((f) => f.agent === pod).map((f) => f.kind)).to.include.members(['status-text', 'service-list', 'map-list', 'metrics'])
    }
    // no evidence at all from a faulty agent, and it was left alone after the first hard failure
    for (const pod of Object.values(s.faulty)) expect(c.files.filter((f) => f.agent === pod)).to.have.length(0)
    const execs = (pod: string) => run!.sim.requests.filter((r) => r.path.endsWith(`/${pod}/exec`)).length
    expect(execs(s.faulty.error500)).to.equal(2) // one retry after a 5xx
    expect(execs(s.faulty.drop)).to.equal(2) // one retry after a reset
    expect(execs(s.faulty.forbidden)).to.equal(1) // a refusal is not retried
    expect(execs(s.faulty.timeout)).to.equal(1) // nor is a timeout
  })

  it('an exec whose upgrade is never answered times out and leaves no connection open', async () => {
    const probe = await runSim({scenarioDir: HEALTHY})
    const victim = probe.sim.agents[0].pod
    await probe.stop()
    run = await runSim({scenarioDir: HEALTHY, faults: {agents: {[victim]: 'stall'}}})
    const c = await collectLive(run.live({timeoutMs: 1000}))
    expect(c.agentErrors[victim].map((e) => e.kind)).to.deep.equal(['timeout'])
    expect(Object.keys(c.agentErrors)).to.deep.equal([victim])
    await new Promise((r) => setTimeout(r, 100))
    expect(run.sim.heldOpen()).to.equal(0)
  })

  it('doctor still reports, names the unreadable agents, counts their checks not evaluated, and fails the run', async () => {
    const s = await faultySim()
    run = s.run
    let out = ''
    const code = await runDoctor({live: run.live({timeoutMs: 1500}), output: 'json', failOn: 'high', color: false},
      {stdout: (t) => { out += t }, stderr: () => undefined, isTTY: false})
    const report = JSON.parse(out) as {
      findings: Array<{id: string, severity: string, agents?: string[], message: string}>
      coverage: {agents: {total: number, incomplete: number, withStatus: number}, agentChecksNotEvaluated: number}
      summary: {exitCode: number}
    }
    const unreachable = report.findings.find((f) => f.id === 'agent-unreachable' && f.severity === 'high')
    expect(unreachable?.agents?.slice().sort()).to.deep.equal(Object.values(s.faulty).sort())
    expect(unreachable?.message).to.match(/timeout/).and.match(/forbidden/).and.match(/failed/).and.match(/unreachable/)
    expect(report.coverage.agents).to.include({total: 6, incomplete: 4, withStatus: 2})
    expect(report.coverage.agentChecksNotEvaluated).to.be.greaterThan(0)
    expect(code).to.equal(1)
    expect(report.summary.exitCode).to.equal(1)
  })
})
