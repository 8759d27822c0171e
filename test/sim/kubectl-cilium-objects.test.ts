import {expect} from 'chai'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {FIXTURES_DIR} from '../helpers/reference.js'
import {expectReadOnly} from './read-only.js'
import {kubectl, useKubectlSim} from './kubectl.js'

const SCENARIO = join(FIXTURES_DIR, 'synthetic-operator-objects')

interface List {kind: string, apiVersion: string, items: Array<{kind: string, metadata: {name: string, namespace?: string}}>}

/** The real kubectl reads the Cilium objects and the operator log the simulator serves, as it would from a cluster. */
describe('simulated API server: Cilium objects and operator logs with the real kubectl', function () {
  this.timeout(60_000)
  const env = useKubectlSim(SCENARIO)

  const lists: Array<{args: string[], kind: string, names: string[]}> = [
    {args: ['get', 'ciliumnodes', '-o', 'json'], kind: 'CiliumNode', names: ['mesa-cp-1', 'mesa-wk-1', 'mesa-wk-2', 'mesa-wk-3']},
    {args: ['get', 'ciliumlocalredirectpolicies', '-A', '-o', 'json'], kind: 'CiliumLocalRedirectPolicy', names: ['nodelocaldns']},
    {args: ['get', 'ciliumnodeconfigs', '-n', 'kube-system', '-o', 'json'], kind: 'CiliumNodeConfig', names: ['control-plane-map-ratio']},
  ]
  for (const l of lists) {
    it(`kubectl ${l.args.join(' ')}`, async () => {
      const r = await kubectl(env.kc, l.args)
      expect(r.stderr).to.equal('')
      expect(r.code).to.equal(0)
      const list = JSON.parse(r.stdout) as List
      expect(list.items.map((i) => i.kind)).to.deep.equal(l.names.map(() => l.kind))
      expect(list.items.map((i) => i.metadata.name)).to.deep.equal(l.names)
    })
  }

  it('kubectl get ciliumnode NAME reads one object with its IPAM status', async () => {
    const r = await kubectl(env.kc, ['get', 'ciliumnode', 'mesa-wk-3', '-o', 'jsonpath={.status.ipam.operator-status.error}'])
    expect(r.code).to.equal(0)
    expect(r.stdout).to.equal('allocator full')
  })

  it('kubectl logs of an operator pod prints its cilium-operator log', async () => {
    const r = await kubectl(env.kc, ['logs', '-n', 'kube-system', 'cilium-operator-6d9c8f7b54-k2x9p', '-c', 'cilium-operator', '--tail', '2'])
    expect(r.code).to.equal(0)
    expect(r.stdout).to.equal(readFileSync(join(SCENARIO, 'cilium-operator.log'), 'utf8').split('\n').slice(-3).join('\n'))
  })

  it('everything kubectl sent was a GET', () => {
    expectReadOnly(env.sim.requests)
  })
})
