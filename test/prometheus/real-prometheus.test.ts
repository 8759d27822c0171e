import {expect} from 'chai'
import {collectPrometheus} from '../../src/collect/prometheus.js'
import {FAMILIES} from '../../src/collect/prometheus-queries.js'
import {hoursUntilFull} from '../../src/collect/prometheus-trends.js'
import {metricSamples} from '../../src/rules/helpers.js'
import type {Snapshot} from '../../src/snapshot/schema.js'
import {Snapshot as SnapshotSchema} from '../../src/snapshot/schema.js'
import type {SimAgent} from '../helpers/metrics-endpoints.js'
import {agentSamples, instanceOf, openMetricsHistory, seedIncidentAgents} from '../helpers/metrics-endpoints.js'
import type {PrometheusServer} from '../helpers/prometheus-server.js'
import {countingProxy, requirePrometheus, startPrometheus} from '../helpers/prometheus-server.js'
import {snapshot} from '../helpers/snapshot.js'

/*
 * collectPrometheus against the real Prometheus binary, loaded with a one-hour history of
 * simulated agents (promtool blocks), so range queries and trends exist at once.
 */

const opts = (url: string) => ({url, timeoutMs: 10_000, rangeSeconds: 3600})

/** What the pressure query should return when some map is above 10 %: every series ≥ 0.1. */
function expectedPressure(agents: SimAgent[]): Array<{pod: string, map: string, value: number}> {
  return agents.flatMap((a) => agentSamples(a, 1).filter((s) => s.name === 'cilium_bpf_map_pressure')
    .map((s) => ({pod: a.pod, map: s.labels.map_name, value: s.value})))
    .filter((x) => x.value >= 0.1)
}

describe('collectPrometheus against a real Prometheus (promtool blocks, 1 h history)', function () {
  this.timeout(60_000)
  const servers: PrometheusServer[] = []
  let five: PrometheusServer
  let fiveAgents: SimAgent[]
  let result: Awaited<ReturnType<typeof collectPrometheus>>

  before(async function () {
    await requirePrometheus(this)
    fiveAgents = seedIncidentAgents(5)
    five = await startPrometheus({openmetrics: openMetricsHistory(fiveAgents)})
    servers.push(five)
    result = await collectPrometheus(opts(five.url))
  })
  // also runs when a test or the before hook failed: no Prometheus outlives the suite
  after(async () => {
    await Promise.all(servers.map((s) => s.stop()))
  })

  it('answers without errors and validates against the snapshot schema', () => {
    expect(result.errors).to.deep.equal([])
    const s = snapshot({prometheus: result})
    expect(SnapshotSchema.safeParse(s).success).to.equal(true)
  })

  it('map pressure per pod and map_name ≥ 10 %, with the values each agent exported', () => {
    const got = result.samples.filter((s) => s.name === 'cilium_bpf_map_pressure')
    const want = expectedPressure(fiveAgents)
    expect(got).to.have.length(want.length)
    for (const w of want) {
      const g = got.find((s) => s.labels.pod === w.pod && s.labels.map_name === w.map)
      expect(g, `${w.pod} ${w.map}`).to.not.equal(undefined)
      expect(g!.value).to.be.closeTo(w.value, 1e-9)
    }
    const worst = got.find((s) => s.labels.map_name === 'lb4_services_v2' && s.value > 1)!
    expect(worst.labels).to.include({pod: fiveAgents[0].pod, node: 'worker-0', instance: instanceOf(fiveAgents[0], 0)})
    expect(worst.value).to.be.closeTo(1.44, 1e-9)
    expect(worst.src.file).to.equal(`${five.url} query: max by (pod, kubernetes_pod_name, node, kubernetes_node, instance, map_name) (cilium_bpf_map_pressure) >= 0.1`)
    expect(worst.src.line).to.equal(0)
    expect(worst.src.text).to.match(/^cilium_bpf_map_pressure\{.*map_name="lb4_services_v2".*pod="cilium-a0x7k"\} 1\.44$/)
  })

  it('the rules see each sample under its agent (pod)', () => {
    const s: Snapshot = snapshot({prometheus: result})
    const agents = new Set(metricSamples(s, 'cilium_bpf_map_pressure').map((x) => x.agent))
    expect([...agents].sort()).to.deep.equal(fiveAgents.map((a) => a.pod).sort())
  })

  it('trends: rising map pressure has a positive slope and a "full in" forecast; a flat map has slope 0', () => {
    const lb = result.trends.find((t) => t.metric === 'cilium_bpf_map_pressure' && t.labels.pod === fiveAgents[0].pod && t.labels.map_name === 'lb4_services_v2')!
    expect(lb.slopePerHour).to.be.closeTo(0.24, 0.01)
    expect(lb.current).to.be.closeTo(1.44, 1e-9)
    expect(lb.windowSeconds).to.equal(3600)
    expect(lb.src.text).to.include('already full')
    const ct = result.trends.find((t) => t.metric === 'cilium_bpf_map_pressure' && t.labels.pod === fiveAgents[0].pod && t.labels.map_name === 'ct4_global')!
    expect(ct.slopePerHour).to.be.closeTo(0.2, 0.01)
    expect(hoursUntilFull(ct.current, ct.slopePerHour)).to.be.closeTo(0.9, 0.05)
    expect(ct.src.text).to.match(/full in about 5\d min/)
    const flat = result.trends.find((t) => t.metric === 'cilium_bpf_map_pressure' && t.labels.pod === fiveAgents[1].pod && t.labels.map_name === 'ct4_global')!
    expect(flat.slopePerHour).to.equal(0)
    expect(flat.src.text).to.not.include('full in')
  })

  it('the seed incident is in the evidence: lb4_services_v2 at 1.44, rising "CT: Map insertion failed" drops, failed map updates', () => {
    const drop = result.samples.find((s) => s.name === 'cilium_drop_count_total' && s.labels.reason === 'CT: Map insertion failed')!
    expect(drop.labels).to.include({pod: fiveAgents[0].pod, direction: 'EGRESS'})
    expect(drop.value).to.equal(3700)
    const dropTrend = result.trends.find((t) => t.metric === 'cilium_drop_count_total' && t.labels.reason === 'CT: Map insertion failed')!
    expect(dropTrend.labels.pod).to.equal(fiveAgents[0].pod)
    expect(dropTrend.slopePerHour).to.be.closeTo(3600, 5)
    const ops = result.samples.filter((s) => s.name === 'cilium_bpf_map_ops_total')
    expect(ops.map((s) => [s.labels.pod, s.labels.map_name, s.labels.outcome, s.value])).to.deep.equal([[fiveAgents[0].pod, 'lb4_services_v2', 'fail', 130]])
  })

  it('trends only for the hottest series: at most 3 agents per map, none for drops of 0', () => {
    const perMap = new Map<string, number>()
    for (const t of result.trends.filter((x) => x.metric === 'cilium_bpf_map_pressure')) perMap.set(t.labels.map_name, (perMap.get(t.labels.map_name) ?? 0) + 1)
    expect([...perMap.values()].every((n) => n <= 3)).to.equal(true)
    expect(result.trends.filter((t) => t.metric === 'cilium_endpoint_regenerations_total')).to.deep.equal([])
  })

  it('families no agent exports are listed absent; exported ones are not, even when their filtered query is empty', () => {
    const exported = new Set(agentSamples(fiveAgents[1], 0).map((s) => s.name))
    expect(result.absent).to.deep.equal(FAMILIES.map((f) => f.family).filter((f) => !exported.has(f)))
    expect(result.absent).to.not.include('cilium_bpf_map_ops_total')
  })

  it('the number of queries is the same for 5 and for 500 agents', async () => {
    const agents500 = [...seedIncidentAgents(500)]
    const big = await startPrometheus({openmetrics: openMetricsHistory(agents500, {stepSeconds: 600})})
    servers.push(big)
    const p5 = await countingProxy(five.url)
    const p500 = await countingProxy(big.url)
    try {
      const r5 = await collectPrometheus(opts(p5.url))
      const r500 = await collectPrometheus(opts(p500.url))
      expect(r500.errors).to.deep.equal([])
      expect(r500.samples.filter((s) => s.name === 'cilium_bpf_map_pressure')).to.have.length(expectedPressure(agents500).length)
      expect(r5.samples.length).to.be.lessThan(r500.samples.length)
      expect(p500.requests.length).to.equal(p5.requests.length)
      expect([...p500.requests].sort()).to.deep.equal([...p5.requests].sort())
      // one metric-name probe, one instant query per exported family (two when nothing in it is wrong), range queries for trends
      expect(p5.requests.filter((r) => r === '/api/v1/label/__name__/values')).to.have.length(1)
      const instant = p5.requests.filter((r) => r === '/api/v1/query').length
      expect(instant).to.be.within(FAMILIES.length - r5.absent.length, 2 * (FAMILIES.length - r5.absent.length))
    } finally {
      await p5.close()
      await p500.close()
    }
  })

  it('a healthy cluster: quiet families are read for three agents only, so the rules still see them exported', async () => {
    const healthy: SimAgent[] = Array.from({length: 40}, (_, i) => ({pod: `cilium-h${i}`, node: `n${i}`, mapPressure: {ct4_global: 0.04, lb4_services_v2: 0.001}}))
    const srv = await startPrometheus({openmetrics: openMetricsHistory(healthy)})
    servers.push(srv)
    const r = await collectPrometheus(opts(srv.url))
    expect(r.errors).to.deep.equal([])
    const perFamily = (name: string) => r.samples.filter((s) => s.name === name)
    for (const name of ['cilium_bpf_map_pressure', 'cilium_controllers_failing', 'cilium_hive_status', 'cilium_unreachable_nodes']) {
      const agentsSeen = new Set(perFamily(name).map((s) => s.labels.pod))
      expect(agentsSeen.size, name).to.equal(3)
    }
    expect(perFamily('cilium_controllers_failing').every((s) => s.value === 0)).to.equal(true)
    expect(perFamily('cilium_bpf_map_pressure')).to.have.length(6) // 3 agents × 2 maps
    expect(perFamily('cilium_version')).to.have.length(40) // compared across agents: all of them
    expect(r.absent).to.not.include('cilium_controllers_failing')
  })

  it('a static scrape config (instance only): samples and trends keyed by instance', async () => {
    const agents = seedIncidentAgents(4).map((a) => ({...a, omit: ['cilium_hive_status']}))
    const srv = await startPrometheus({openmetrics: openMetricsHistory(agents, {labelStyle: 'instance'})})
    servers.push(srv)
    const r = await collectPrometheus(opts(srv.url))
    expect(r.errors).to.deep.equal([])
    const lb = r.samples.find((s) => s.name === 'cilium_bpf_map_pressure' && s.value > 1)!
    expect(lb.labels.pod).to.equal(undefined)
    expect(lb.labels.instance).to.equal(instanceOf(agents[0], 0))
    const s = snapshot({prometheus: r})
    expect(metricSamples(s, 'cilium_bpf_map_pressure').find((x) => x.value > 1)!.agent).to.equal(instanceOf(agents[0], 0))
    const t = r.trends.find((x) => x.metric === 'cilium_bpf_map_pressure' && x.labels.map_name === 'lb4_services_v2' && x.labels.instance === instanceOf(agents[0], 0))!
    expect(t.slopePerHour).to.be.closeTo(0.24, 0.01)
    expect(t.src.file).to.include('instance=~"10\\\\.0\\\\.0\\\\.1:9962|')
    expect(r.absent).to.include('cilium_hive_status')
  })

  it('annotation-based scrape labels (kubernetes_pod_name) become pod and node; a restarted agent\'s counter still trends up', async () => {
    const agents = seedIncidentAgents(3)
    agents[0] = {...agents[0], restartAt: 0.5}
    const srv = await startPrometheus({openmetrics: openMetricsHistory(agents, {labelStyle: 'annotations'})})
    servers.push(srv)
    const r = await collectPrometheus(opts(srv.url))
    expect(r.errors).to.deep.equal([])
    const lb = r.samples.find((s) => s.name === 'cilium_bpf_map_pressure' && s.value > 1)!
    expect(lb.labels).to.include({pod: agents[0].pod, node: 'worker-0'})
    expect(lb.labels.kubernetes_pod_name).to.equal(undefined)
    const drop = r.trends.find((t) => t.metric === 'cilium_drop_count_total' && t.labels.reason === 'CT: Map insertion failed')!
    expect(drop.labels.pod).to.equal(agents[0].pod)
    // 3600/h before and after the restart (the one step lost in the restart costs ~90/h);
    // without reset handling the fall to 0 would make it about -400/h
    expect(drop.slopePerHour).to.be.closeTo(3600, 150)
    expect(drop.current).to.be.lessThan(2000)
  })
})
