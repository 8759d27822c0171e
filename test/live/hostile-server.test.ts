import {expect} from 'chai'
import {join} from 'node:path'
import {collectLive} from '../../src/collect/live.js'
import {FIXTURES_DIR} from '../helpers/reference.js'
import {expectReadOnly} from '../sim/read-only.js'
import {runSim, type Running} from './helpers.js'

const HEALTHY = join(FIXTURES_DIR, 'synthetic-healthy')

describe('live collection against a misbehaving API server and hostile flags', function () {
  this.timeout(60_000)
  let run: Running | undefined
  afterEach(async () => {
    const r = run
    run = undefined
    try {
      // a refused flag makes no request at all, which is the point; otherwise every request was a read
      if (r && r.sim.requests.length > 0) expectReadOnly(r.sim.requests)
    } finally {
      await r?.stop()
    }
  })

  it('a namespace that is not a Kubernetes name is refused before any request, naming the flag', async () => {
    run = await runSim({scenarioDir: HEALTHY})
    for (const ns of ['kube-system/pods?command=id&x=', 'Kube-System', '../x', 'a'.repeat(64)]) {
      const before = run.sim.requests.length
      let message = ''
      await collectLive(run.live({namespace: ns})).catch((e: Error) => (message = e.message))
      expect(message).to.match(/^--namespace ".*": not a Kubernetes namespace name/)
      expect(run.sim.requests.length).to.equal(before)
    }
  })

  it('a node name that is not a Kubernetes name is refused', async () => {
    run = await runSim({scenarioDir: HEALTHY})
    let message = ''
    await collectLive(run.live({nodes: ['node-1&command=id']})).catch((e: Error) => (message = e.message))
    expect(message).to.match(/^--node "node-1&command=id": not a Kubernetes node name/)
  })

  it('a list whose continue token repeats forever stops with one line, after a bounded number of requests', async () => {
    run = await runSim({scenarioDir: HEALTHY, faults: {repeatContinue: ['pods']}})
    let message = ''
    await collectLive(run.live({namespace: 'kube-system'})).catch((e: Error) => (message = e.message))
    expect(message).to.match(/cannot list Cilium agent pods .*repeated a continue token/)
    const podLists = run.sim.requests.filter((r) => r.path.endsWith('/pods')).length
    expect(podLists).to.be.at.most(3)
  })
})
