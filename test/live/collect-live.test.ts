import {expect} from 'chai'
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {collectLive} from '../../src/collect/live.js'
import type {Collected} from '../../src/ingest/evidence.js'
import {InputError} from '../../src/util/errors.js'
import {FIXTURES_DIR} from '../helpers/reference.js'
import {expectReadOnly} from '../sim/read-only.js'
import {MINI, runSim, scenarios, type Running} from './helpers.js'

function kindsOf(c: Collected, agent?: string): string[] {
  return c.files.filter((f) => f.agent === agent).map((f) => String(f.kind)).sort()
}

describe('collectLive through @kubernetes/client-node against the simulated cluster', function () {
  this.timeout(60_000)
  let run: Running | undefined
  afterEach(async () => {
    if (run) expectReadOnly(run.sim.requests)
    await run?.stop()
    run = undefined
  })

  for (const scenario of scenarios()) {
    it(`${scenario}: every agent's command outputs and log, and the cluster files`, async () => {
      run = await runSim({scenarioDir: join(FIXTURES_DIR, scenario)})
      const c = await collectLive(run.live())
      expect(c.origin.kind).to.equal('live')
      expect(c.origin.context).to.equal('ciltune-sim')
      expect(c.agents).to.deep.equal(run.sim.agents.map((a) => a.pod).sort())
      expect(c.clusterErrors).to.deep.equal([])
      for (const a of run.sim.agents) {
        expect(c.agentNodes[a.pod]).to.equal(a.node)
        if (!existsSync(join(FIXTURES_DIR, scenario, a.pod, 'status.txt'))) {
          // a crash-looping agent: its pod says the container is not running, so no exec is tried; its log is still read
          expect(c.agentErrors[a.pod].map((e) => e.kind)).to.deep.equal(['unreachable'])
          expect(c.agentErrors[a.pod][0].message).to.match(/not running \(CrashLoopBackOff/)
          expect(kindsOf(c, a.pod)).to.include('agent-log')
          expect(run.sim.requests.some((r) => r.path.endsWith(`/${a.pod}/exec`))).to.equal(false)
          continue
        }
        expect(c.agentErrors[a.pod]).to.equal(undefined)
        // a command whose output the scenario did not capture prints nothing, and is skipped as in --from
        const captured = ['status.txt', 'service-list.txt', 'map-list.txt', 'metrics.prom', 'cilium-agent.log'].filter((f) => existsSync(join(FIXTURES_DIR, scenario, a.pod, f)))
        expect(kindsOf(c, a.pod)).to.have.length(captured.length)
        const status = c.files.find((f) => f.agent === a.pod && f.kind === 'status-text')
        expect(status?.path).to.equal(`pod/${a.pod}: cilium-dbg status --verbose`)
        expect(status?.text).to.equal(readFileSync(join(FIXTURES_DIR, scenario, a.pod, 'status.txt'), 'utf8'))
        // the log is asked for before the commands end (it comes from the kubelet): one round trip less per agent
        const mine = run.sim.requests.filter((r) => r.path.split('/')[6] === a.pod)
        const log = mine.findIndex((r) => r.path.endsWith('/log'))
        const execs = mine.map((r, i) => (r.path.endsWith('/exec') ? i : -1)).filter((i) => i >= 0)
        expect(log, 'log requested while the commands run').to.be.within(0, execs[execs.length - 1])
      }
      expect(kindsOf(c)).to.include.members(['configmap', 'helm-release', 'nodes', 'operator', 'pods'])
    })
  }

  it('falls back to `cilium …` on an agent without cilium-dbg, and records a crashing agent\'s failed commands', async () => {
    run = await runSim({scenarioDir: MINI})
    const c = await collectLive(run.live())
    expect(c.files.filter((f) => f.agent === 'cilium-minc3' && f.kind !== 'agent-log').map((f) => f.path)).to.deep.equal([
      'pod/cilium-minc3: cilium status --verbose', 'pod/cilium-minc3: cilium service list',
      'pod/cilium-minc3: cilium map list', 'pod/cilium-minc3: cilium metrics list',
    ])
    // the agent that does not answer on its socket: every command failed, its log still read
    expect(c.agentErrors['cilium-mind4'].map((e) => e.kind)).to.deep.equal(['failed', 'failed', 'failed', 'failed'])
    expect(c.agentErrors['cilium-mind4'][0].message).to.match(/exit code 1: .*cilium\.sock/)
    expect(kindsOf(c, 'cilium-mind4')).to.deep.equal(['agent-log'])
    expect(Object.keys(c.agentErrors)).to.deep.equal(['cilium-mind4'])
  })

  it('--node and --selector limit the agents visited; nothing is asked of the others', async () => {
    run = await runSim({scenarioDir: MINI})
    const c = await collectLive(run.live({nodes: ['mini-node-b']}))
    expect(c.agents).to.deep.equal(['cilium-minb2'])
    const execPods = new Set(run.sim.requests.filter((r) => r.path.endsWith('/exec')).map((r) => r.path.split('/')[6]))
    expect([...execPods]).to.deep.equal(['cilium-minb2'])
    const sel = await collectLive(run.live({selector: 'app.kubernetes.io/name=cilium-agent'}))
    expect(sel.agents).to.have.length(4)
    const labelQuery = run.sim.requests.find((r) => r.path.endsWith('/pods') && r.query.labelSelector?.[0]?.includes('app.kubernetes.io'))
    expect(labelQuery?.query.labelSelector?.[0]).to.equal('k8s-app=cilium,app.kubernetes.io/name=cilium-agent')
  })

  it('a namespace without Cilium agents is one clear error, not an empty report', async () => {
    run = await runSim({scenarioDir: MINI})
    const err = await collectLive(run.live({namespace: 'cilium-elsewhere'})).catch((e: unknown) => e)
    expect((err as Error).name).to.equal(InputError.name)
    expect((err as Error).message).to.match(/no Cilium agent pods .* in namespace cilium-elsewhere/)
  })

  it('counts Cilium objects with limit=1 and remainingItemCount, never listing them all', async () => {
    run = await runSim({scenarioDir: MINI, crdCounts: {ciliumEndpoints: 5000, ciliumEndpointSlices: 120, ciliumIdentities: 800}})
    const c = await collectLive(run.live())
    const counts = c.files.filter((f) => f.kind === 'cilium-resources').map((f) => JSON.parse(f.text) as {kind: string, count: number})
    expect(counts.sort((a, b) => a.kind.localeCompare(b.kind))).to.deep.equal([
      {kind: 'CiliumEndpointList', count: 5000}, {kind: 'CiliumEndpointSliceList', count: 120}, {kind: 'CiliumIdentityList', count: 800},
    ])
    // the counted kinds are asked for one item; the objects read whole (CiliumNodes …) are paged as every list
    const counted = /\/(ciliumendpoints|ciliumendpointslices|ciliumidentities)$/
    const crdRequests = run.sim.requests.filter((r) => r.path.startsWith('/apis/cilium.io/') && counted.test(r.path))
    expect(crdRequests).to.have.length(3)
    for (const r of crdRequests) expect(r.query.limit).to.deep.equal(['1'])
    const whole = run.sim.requests.filter((r) => r.path.startsWith('/apis/cilium.io/') && !counted.test(r.path))
    expect(whole.map((r) => r.path.split('/').slice(3).join('/')).sort()).to.deep.equal(['v2/ciliumlocalredirectpolicies', 'v2/ciliumnodeconfigs', 'v2/ciliumnodes', 'v2alpha1/ciliumnodeconfigs'])
    for (const r of whole) expect(r.query.limit).to.deep.equal(['500'])
  })

  it('a Helm release RBAC forbids is a cluster error; the rest is still collected', async () => {
    run = await runSim({scenarioDir: MINI, faults: {forbidResources: ['secrets']}})
    const c = await collectLive(run.live())
    expect(c.clusterErrors).to.have.length(1)
    expect(c.clusterErrors[0].kind).to.equal('forbidden')
    expect(c.clusterErrors[0].command).to.match(/secrets/)
    expect(kindsOf(c)).to.include.members(['configmap', 'nodes', 'pods'])
    expect(kindsOf(c)).to.not.include('helm-release')
    expect(c.files.filter((f) => f.kind === 'status-text')).to.have.length(3)
  })

  it('visits a multiplied cluster with bounded concurrency and reports progress up to the total', async () => {
    run = await runSim({scenarioDir: MINI, nodes: 40})
    const seen: Array<[number, number, number]> = []
    const c = await collectLive(run.live({concurrency: 4, progress: (d, t, f) => seen.push([d, t, f])}))
    expect(c.agents).to.have.length(40)
    expect(c.files.filter((f) => f.kind === 'status-text')).to.have.length(30) // 10 of 40 are copies of the crashing agent
    expect(seen[0]).to.deep.equal([0, 40, 0])
    expect(seen.at(-1)).to.deep.equal([40, 40, 10])
    for (let i = 1; i < seen.length; i++) expect(seen[i][0]).to.equal(seen[i - 1][0] + 1)
  })
})
