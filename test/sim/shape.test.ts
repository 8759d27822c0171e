import {expect} from 'chai'
import {join} from 'node:path'
import {CappedBytes, type OutputBytes} from '../../src/collect/caps.js'
import {connectKube, type Kube} from '../../src/collect/kube-client.js'
import {parseServiceList} from '../../src/parse/service-list.js'
import {parseStatusText} from '../../src/parse/status-text.js'
import {FIXTURES_DIR, readReference, requireReference} from '../helpers/reference.js'
import {runSim, type Running} from '../live/helpers.js'

const LB4 = join(FIXTURES_DIR, 'synthetic-lb4-pressure')
const REAL_VERBOSE = 'status-verbose_1.18.0_health-endpoint-timeout-vxlan-legacy-TRUNCATED-unattributed.txt'
const REAL_PLAIN = 'status_1.18.7_health-1of3-masq-disabled-eks.txt'

/** The "Cluster health:" section's lines, header excluded, up to the next top-level label. */
function healthSection(text: string): string[] {
  const lines = text.split('\n')
  const start = lines.findIndex((l) => l.startsWith('Cluster health:'))
  const out: string[] = []
  for (const l of lines.slice(start + 1)) {
    if (/^(?!Name\s)\S/.test(l)) break
    out.push(l)
  }
  return out
}

/** A line's shape: names, addresses, durations and times replaced, padding kept as one run of spaces. */
function shape(line: string): string {
  return line
    .replace(/\d{4}-\d\d-\d\dT[\d:]+Z/g, 'TS')
    .replace(/\d+(\.\d+)?(µs|ms|s)\b/g, 'DUR')
    .replace(/\d+\.\d+\.\d+\.\d+/g, 'IP')
    .replace(/^( {2})\S+( \(localhost\))?:$/, '$1NODE$2:')
    .replace(/^( {2})\S+( \(localhost\))?( {3,})/, '$1NODE$2$3')
    .replace(/\b\d+\/\d+\b/g, 'X/Y')
    .replace(/ {3,}/g, '   ')
}

describe('simulator: real shapes for an N-node cluster', function () {
  this.timeout(60_000)
  let run: Running
  let kube: Kube
  const exec = async (pod: string, argv: string[]) => (await kube.exec(run.sim.namespace, pod, 'cilium-agent', argv, 10_000)).stdout

  before(async () => {
    run = await runSim({scenarioDir: LB4, nodes: 12, shape: {services: 400, backendsPerService: 3, unreachableNodes: 2, variation: true}})
    kube = await connectKube({kubeconfig: run.kubeconfig})
  })
  after(async () => run?.stop())

  it('status --verbose: every agent prints a 7-line block for each of the N nodes, its own first as (localhost)', async () => {
    const pod = run.sim.agents[3].pod
    const text = await exec(pod, ['cilium-dbg', 'status', '--verbose'])
    const section = healthSection(text)
    expect(section[0]).to.match(/^Name\s+IP\s+Node\s+Endpoints$/)
    expect(section.length - 1).to.equal(12 * 7)
    expect(section[1]).to.equal(`  ${run.sim.agents[3].node} (localhost):`)
    const s = parseStatusText(text, 'status.txt')
    expect(s.clusterHealth).to.include({reachable: 10, total: 12})
    expect(s.clusterHealth!.nodes).to.have.length(12)
    const down = s.clusterHealth!.nodes.filter((n) => !n.endpointsOk).map((n) => n.name)
    expect(down).to.deep.equal(run.sim.agents.slice(-2).map((a) => a.node))
  })

  it('plain status: only the unhealthy nodes, as x/y rows', async () => {
    const text = await exec(run.sim.agents[0].pod, ['cilium-dbg', 'status'])
    const rows = healthSection(text).slice(1)
    expect(rows).to.have.length(2)
    for (const r of rows) expect(r).to.match(/^ {2}\S+\s+172\.16\.\d+\.\d+\s+1\/1\s+0\/1$/)
  })

  it('each line of the shaped health section has the shape of a line in real 1.18 outputs', function () {
    requireReference(this)
    const real = new Set([...healthSection(readReference(REAL_VERBOSE)), ...healthSection(readReference(REAL_PLAIN))].map(shape))
    return Promise.all([exec(run.sim.agents[5].pod, ['cilium-dbg', 'status', '--verbose']), exec(run.sim.agents[5].pod, ['cilium-dbg', 'status'])]).then((texts) => {
      const unseen = texts.flatMap(healthSection).map(shape).filter((l) => !real.has(l))
      expect([...new Set(unseen)]).to.deep.equal([])
    })
  })

  it('service list: the chosen number of Services with their backends; one degraded agent is out of sync', async () => {
    const normal = parseServiceList(await exec(run.sim.agents[0].pod, ['cilium-dbg', 'service', 'list']), 'a')
    expect(normal.services).to.have.length(400)
    expect(normal.unrecognized).to.deep.equal([])
    const generated = normal.services.filter((s) => s.ip.startsWith('10.100.'))
    expect(generated.length).to.be.greaterThan(200)
    for (const s of generated) expect(s.backends.map((b) => b.state)).to.deep.equal(['active', 'active', 'active'])
    const last = run.sim.agents[run.sim.agents.length - 1].pod
    const degraded = parseServiceList(await exec(last, ['cilium-dbg', 'service', 'list']), 'b')
    const terminating = degraded.services.filter((s) => s.backends.length > 0 && s.backends.every((b) => b.state === 'terminating'))
    expect(terminating.map((s) => s.frontend)).to.deep.equal([generated[0].frontend])
  })

  it('a large output arrives as the API server relays it: messages of at most 32 KiB, together the whole text', async () => {
    const chunks: number[] = []
    const whole = new CappedBytes(1 << 24)
    const record = (): OutputBytes => ({
      cap: whole.cap, held: 0, truncated: false,
      push: (c: Buffer) => chunks.push(c.length) > 0 && whole.push(c),
      bytes: () => whole.bytes(), text: () => whole.text(),
    })
    const pod = run.sim.agents[0].pod
    await kube.exec(run.sim.namespace, pod, 'cilium-agent', ['cilium-dbg', 'service', 'list'], 10_000, record)
    expect(whole.held).to.be.greaterThan(64 * 1024)
    expect(chunks.length).to.equal(Math.ceil(whole.held / 32768))
    expect(Math.max(...chunks)).to.equal(32768)
    expect(whole.text()).to.equal(await exec(pod, ['cilium-dbg', 'service', 'list']))
  })

  it('variation: one agent a patch behind (status and image), restarted agents with a previous log', async () => {
    const skewed = run.sim.agents[1].pod
    expect(parseStatusText(await exec(skewed, ['cilium-dbg', 'status', '--verbose']), 's').cilium?.version).to.equal('1.18.0')
    expect(parseStatusText(await exec(run.sim.agents[0].pod, ['cilium-dbg', 'status', '--verbose']), 's').cilium?.version).to.equal('1.18.1')
    const pods = JSON.parse(await kube.get(`/api/v1/namespaces/${run.sim.namespace}/pods`, 10_000)) as {items: Array<{metadata: {name: string}, spec: {containers: Array<{image: string}>}, status: {containerStatuses: Array<{restartCount: number}>}}>}
    const images = new Map(pods.items.map((p) => [p.metadata.name, p.spec.containers[0].image]))
    expect(images.get(skewed)).to.match(/:v1\.18\.0$/)
    expect(images.get(run.sim.agents[0].pod)).to.match(/:v1\.18\.1$/)
    const restarted = pods.items.filter((p) => p.status.containerStatuses[0].restartCount > 0).map((p) => p.metadata.name)
    expect(restarted).to.have.length.greaterThan(0)
    const previous = await kube.get(`/api/v1/namespaces/${run.sim.namespace}/pods/${restarted[0]}/log?previous=true`, 10_000)
    expect(previous.length).to.be.greaterThan(0)
  })
})

describe('simulator: a scenario served as written', function () {
  this.timeout(60_000)
  it('without --nodes or shape options the scenario texts are served unchanged', async () => {
    const run = await runSim({scenarioDir: LB4})
    try {
      const kube = await connectKube({kubeconfig: run.kubeconfig})
      const out = await kube.exec(run.sim.namespace, 'cilium-4kc6t', 'cilium-agent', ['cilium-dbg', 'status', '--verbose'], 10_000)
      const {readFileSync} = await import('node:fs')
      expect(out.stdout).to.equal(readFileSync(join(LB4, 'cilium-4kc6t', 'status.txt'), 'utf8'))
    } finally {
      await run.stop()
    }
  })
})
