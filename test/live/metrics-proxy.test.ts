import {expect} from 'chai'
import {join} from 'node:path'
import {collectLive} from '../../src/collect/live.js'
import {buildSnapshot} from '../../src/ingest/build.js'
import {FIXTURES_DIR} from '../helpers/reference.js'
import {runSim, type Running} from './helpers.js'

describe('agent metrics through the pod proxy when exec is forbidden', function () {
  this.timeout(60_000)
  let run: Running | undefined
  afterEach(async () => {
    await run?.stop()
    run = undefined
  })

  it('reads :9962/metrics of an agent whose exec RBAC refuses, and still names the refusal', async () => {
    const scenario = join(FIXTURES_DIR, 'synthetic-lb4-pressure')
    const probe = await runSim({scenarioDir: scenario})
    const victim = probe.sim.agents[0].pod
    await probe.stop()
    run = await runSim({scenarioDir: scenario, faults: {agents: {[victim]: 'forbidden-exec'}}})
    const snap = buildSnapshot(await collectLive(run.live()))
    const a = snap.agents.find((x) => x.name === victim)!
    expect(a.errors.map((e) => e.kind)).to.deep.equal(['forbidden'])
    expect(a.status).to.equal(undefined)
    const pressure = a.metrics?.samples.find((s) => s.name === 'cilium_bpf_map_pressure' && s.labels.map_name === 'lb4_services_v2')
    expect(pressure?.value).to.be.closeTo(1.44, 0.01)
    expect(pressure?.src.file).to.equal(`pod/${victim}: proxy :9962/metrics`)
    const proxied = run.sim.requests.filter((r) => r.path.includes('/proxy/metrics'))
    expect(proxied.map((r) => r.method)).to.deep.equal(['GET'])
    // its log comes from the kubelet, which the refusal does not touch: it may say why the agent struggles
    expect(a.logs.map((l) => l.file)).to.deep.equal([`pod/${victim}: logs cilium-agent`])
    expect(run.sim.requests.filter((r) => r.path.endsWith(`/${victim}/log`)).map((r) => r.method)).to.deep.equal(['GET'])
  })

  it('an agent refused everything (exec and proxy) keeps only the forbidden error', async () => {
    const scenario = join(FIXTURES_DIR, 'synthetic-lb4-pressure')
    const probe = await runSim({scenarioDir: scenario})
    const victim = probe.sim.agents[0].pod
    await probe.stop()
    run = await runSim({scenarioDir: scenario, faults: {agents: {[victim]: 'forbidden'}}})
    const snap = buildSnapshot(await collectLive(run.live()))
    const a = snap.agents.find((x) => x.name === victim)!
    expect(a.errors.map((e) => e.kind)).to.deep.equal(['forbidden'])
    expect(a.metrics).to.equal(undefined)
    expect(a.logs).to.have.length(0)
  })
})
