import {expect} from 'chai'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {parseAllDocuments} from 'yaml'
import {collectLive} from '../../src/collect/live.js'
import {parseRoute, type RecordedRequest} from '../../src/sim/server.js'
import {FIXTURES_DIR, PROJECT_DIR} from '../helpers/reference.js'
import {MINI, runSim} from './helpers.js'

interface Rule {apiGroups: string[], resources: string[], verbs: string[], resourceNames?: string[]}
interface Doc {kind: string, metadata: {name: string, namespace?: string}, rules?: Rule[]}

const docs = parseAllDocuments(readFileSync(join(PROJECT_DIR, 'deploy', 'rbac.yaml'), 'utf8')).map((d) => d.toJS() as Doc)

/** What RBAC would check for a request: API group, resource[/subresource], verb, namespace, name. */
function attributes(r: RecordedRequest): {group: string, resource: string, verb: string, namespace?: string, name?: string} {
  const route = parseRoute(r.path)
  if (!route) throw new Error(`not a resource path: ${r.path}`)
  const group = r.path.startsWith('/apis/') ? r.path.split('/')[2] : ''
  const name = route.name?.replace(/:\d+$/, '')
  const resource = route.sub ? `${route.resource}/${route.sub.split('/')[0]}` : route.resource
  return {group, resource, verb: name === undefined ? 'list' : 'get', namespace: route.namespace, name: route.sub ? name : name}
}

function allowed(a: ReturnType<typeof attributes>): boolean {
  return docs.filter((d) => d.kind === 'ClusterRole' || (d.kind === 'Role' && d.metadata.namespace === a.namespace)).some((d) =>
    (d.rules ?? []).some((r) => r.apiGroups.includes(a.group) && r.resources.includes(a.resource) && r.verbs.includes(a.verb) &&
      (!r.resourceNames || (a.name !== undefined && !a.resource.includes('/') && r.resourceNames.includes(a.name)))))
}

describe('deploy/rbac.yaml', function () {
  this.timeout(60_000)

  it('grants the Cilium object lists and the operator pods\' logs (get/list only)', async () => {
    const run = await runSim({scenarioDir: join(FIXTURES_DIR, 'synthetic-operator-objects')})
    try {
      await collectLive(run.live())
      const api = run.sim.requests.filter((r) => /\/(ciliumnodes|ciliumlocalredirectpolicies|ciliumnodeconfigs)$|\/pods\/cilium-operator-[^/]+\/log$/.test(r.path))
      expect(api.map((r) => r.path.split('/').pop()).sort()).to.deep.equal(['ciliumlocalredirectpolicies', 'ciliumnodeconfigs', 'ciliumnodes', 'log', 'log'])
      for (const r of api) expect(allowed(attributes(r)), `${r.path} ${JSON.stringify(attributes(r))}`).to.equal(true)
    } finally {
      await run.stop()
    }
    const cilium = docs.flatMap((d) => (d.rules ?? []).filter((r) => r.apiGroups.includes('cilium.io')))
    for (const r of cilium) expect(r.verbs.every((v) => ['get', 'list'].includes(v)), r.resources.join(',')).to.equal(true)
  })

  it('grants every request a live collection makes, and nothing that writes except pods/exec', async () => {
    const run = await runSim({scenarioDir: MINI, crdCounts: {ciliumEndpoints: 10, ciliumEndpointSlices: 2, ciliumIdentities: 5}})
    try {
      await collectLive(run.live())
      const api = run.sim.requests.filter((r) => r.path !== '/version' && !/^\/apis?(\/[^/]+(\/[^/]+)?)?$/.test(r.path))
      expect(api.length).to.be.greaterThan(10)
      for (const r of api) expect(allowed(attributes(r)), `${r.path} ${JSON.stringify(attributes(r))}`).to.equal(true)
    } finally {
      await run.stop()
    }
    const writes = docs.flatMap((d) => (d.rules ?? []).filter((r) => r.verbs.some((v) => !['get', 'list'].includes(v))))
    expect(writes).to.deep.equal([{apiGroups: [''], resources: ['pods/exec'], verbs: ['get', 'create']}])
  })
})
