import {expect} from 'chai'
import {join} from 'node:path'
import {gunzipSync} from 'node:zlib'
import {renderMetricsList} from '../../src/sim/metrics-list.js'
import {startSimCluster, type SimCluster} from '../../src/sim/server.js'

const MINI = join(import.meta.dirname, 'scenario-mini')

async function getJson(sim: SimCluster, path: string): Promise<{status: number, body: any}> {  
  const res = await fetch(sim.url + path)
  return {status: res.status, body: await res.json()}
}

describe('simulated API server: REST', function () {
  let sim: SimCluster
  afterEach(async () => sim?.stop())

  it('serves the scenario agents as Running pods of the cilium DaemonSet, with the label selector applied', async () => {
    sim = await startSimCluster({scenarioDir: MINI})
    const pods = await getJson(sim, '/api/v1/namespaces/kube-system/pods?labelSelector=k8s-app%3Dcilium')
    expect(pods.body.kind).to.equal('PodList')
    expect(pods.body.items.map((p: {metadata: {name: string}}) => p.metadata.name)).to.deep.equal(['cilium-mina1', 'cilium-minb2', 'cilium-minc3', 'cilium-mind4'])
    expect(pods.body.items[0].spec.nodeName).to.equal('mini-node-a')
    expect(pods.body.items[0].status.phase).to.equal('Running')
    const none = await getJson(sim, '/api/v1/namespaces/kube-system/pods?labelSelector=k8s-app%3Dother')
    expect(none.body.items).to.have.length(0)
    const ds = await getJson(sim, '/apis/apps/v1/daemonsets?fieldSelector=metadata.name%3Dcilium')
    expect(ds.body.items[0].metadata.namespace).to.equal('kube-system')
    expect((await getJson(sim, '/version')).body.minor).to.equal('32')
  })

  it('multiplies a scenario to N agents on N nodes and pages lists with limit/continue', async () => {
    sim = await startSimCluster({scenarioDir: MINI, nodes: 9})
    const first = await getJson(sim, '/api/v1/namespaces/kube-system/pods?labelSelector=k8s-app%3Dcilium&limit=5')
    expect(first.body.items).to.have.length(5)
    expect(first.body.metadata.remainingItemCount).to.equal(4)
    const rest = await getJson(sim, `/api/v1/namespaces/kube-system/pods?labelSelector=k8s-app%3Dcilium&limit=5&continue=${first.body.metadata.continue}`)
    const names = [...first.body.items, ...rest.body.items].map((p: {metadata: {name: string}}) => p.metadata.name)
    expect(new Set(names).size).to.equal(9)
    const nodes = await getJson(sim, '/api/v1/nodes')
    expect(nodes.body.items).to.have.length(9)
    expect(new Set(nodes.body.items.map((n: {metadata: {name: string}}) => n.metadata.name)).size).to.equal(9)
  })

  it('stores the Helm release as Helm does: base64 twice, gzip, JSON with the user values as config', async () => {
    sim = await startSimCluster({scenarioDir: MINI})
    const list = await getJson(sim, '/api/v1/namespaces/kube-system/secrets?labelSelector=owner%3Dhelm%2Cname%3Dcilium')
    expect(list.body.items).to.have.length(1)
    const helmValue = Buffer.from(list.body.items[0].data.release, 'base64').toString()
    const release = JSON.parse(gunzipSync(Buffer.from(helmValue, 'base64')).toString())
    expect(release.config.bpf.lbMapMax).to.equal(65536)
    expect(release.chart.metadata.version).to.equal('1.18.7')
  })

  it('refuses writes, answers 404 for absent CRDs, and applies cluster-level RBAC faults', async () => {
    sim = await startSimCluster({scenarioDir: MINI, faults: {forbidResources: ['secrets']}})
    expect((await fetch(sim.url + '/api/v1/namespaces/kube-system/pods', {method: 'POST', body: '{}'})).status).to.equal(405)
    expect((await getJson(sim, '/apis/cilium.io/v2/ciliumendpoints?limit=1')).status).to.equal(404)
    expect((await getJson(sim, '/api/v1/namespaces/kube-system/secrets')).status).to.equal(403)
    expect(sim.requests.map((r) => r.method)).to.include('POST') // recorded even when refused
  })

  it('counts synthesized CRD objects through limit=1 and remainingItemCount', async () => {
    sim = await startSimCluster({scenarioDir: MINI, crdCounts: {ciliumIdentities: 4321}})
    const r = await getJson(sim, '/apis/cilium.io/v2/ciliumidentities?limit=1')
    expect(r.body.items).to.have.length(1)
    expect(r.body.items.length + r.body.metadata.remainingItemCount).to.equal(4321)
  })

  it('serves the agent metrics through the pod proxy and the agent log', async () => {
    sim = await startSimCluster({scenarioDir: MINI})
    const m = await fetch(sim.url + '/api/v1/namespaces/kube-system/pods/cilium-mina1:9962/proxy/metrics')
    expect(await m.text()).to.match(/^cilium_bpf_map_pressure\{map_name="lb4_services_v2"\} 0\.012$/m)
    const log = await fetch(sim.url + '/api/v1/namespaces/kube-system/pods/cilium-mina1/log?container=cilium-agent&tailLines=1')
    expect((await log.text()).trim().split('\n')).to.have.length(1)
    const prev = await fetch(sim.url + '/api/v1/namespaces/kube-system/pods/cilium-mina1/log?container=cilium-agent&previous=true')
    expect(prev.status).to.equal(400)
  })
})

describe('simulated API server: metrics list rendering', function () {
  it('renders exposition as the tabular `metrics list`: quoted labels, %f values, histograms folded to their sum', () => {
    const out = renderMetricsList([
      '# TYPE cilium_bpf_map_pressure gauge',
      'cilium_bpf_map_pressure{map_name="lb4_services_v2"} 0.95',
      '# TYPE x_seconds histogram',
      'x_seconds_bucket{le="1"} 3',
      'x_seconds_sum 1.5',
      'x_seconds_count 3',
    ].join('\n'))
    const lines = out.trim().split('\n')
    expect(lines[0]).to.match(/^Metric\s+Labels\s+Value$/)
    expect(lines[1]).to.match(/^cilium_bpf_map_pressure\s+map_name="lb4_services_v2"\s+0\.950000$/)
    expect(lines[2]).to.match(/^x_seconds\s+1\.500000$/)
    expect(lines).to.have.length(3)
  })
})

