import {expect} from 'chai'
import {collectPrometheus} from '../../src/collect/prometheus.js'
import type {AgentEndpoints} from '../helpers/metrics-endpoints.js'
import {seedIncidentAgents, startAgentEndpoints} from '../helpers/metrics-endpoints.js'
import type {PrometheusServer} from '../helpers/prometheus-server.js'
import {requirePrometheus, startPrometheus, waitForSeries} from '../helpers/prometheus-server.js'

/*
 * The real path: Prometheus scrapes simulated agents' /metrics every second, as it scrapes
 * :9962 in a cluster. Slower than the block-based tests (first sample after ~5 s), so one suite.
 * Simulated time runs 3600× (one second = one hour), so values move between scrapes.
 */

describe('collectPrometheus on a Prometheus scraping simulated agents', function () {
  this.timeout(60_000)
  const agents = seedIncidentAgents(3)
  let endpoints: AgentEndpoints | undefined
  let prom: PrometheusServer | undefined

  before(async function () {
    await requirePrometheus(this)
    endpoints = await startAgentEndpoints(agents)
    prom = await startPrometheus({
      targets: endpoints.addresses.map((address, i) => ({address, labels: {pod: agents[i].pod, node: agents[i].node}})),
      scrapeIntervalSeconds: 1,
    })
    await waitForSeries(prom.url, 'cilium_bpf_map_pressure', 30_000)
    // enough scrapes of every agent for a trend (≥ 3 points each)
    await waitForSeries(prom.url, 'min(count_over_time(cilium_version[1m])) >= 4', 30_000)
  })
  after(async () => {
    await prom?.stop()
    await endpoints?.close()
  })

  it('reads every agent under its pod label, with the scrape-time instance', async () => {
    const r = await collectPrometheus({url: prom!.url, timeoutMs: 5000, rangeSeconds: 30})
    expect(r.errors).to.deep.equal([])
    const versions = r.samples.filter((s) => s.name === 'cilium_version')
    expect(versions.map((s) => s.labels.pod).sort()).to.deep.equal(agents.map((a) => a.pod).sort())
    for (const s of versions) expect(endpoints!.addresses).to.include(s.labels.instance)
    expect(endpoints!.scrapes.every((n) => n >= 4)).to.equal(true)
  })

  it('values that moved between scrapes give rising trends for the hot agent only', async () => {
    const r = await collectPrometheus({url: prom!.url, timeoutMs: 5000, rangeSeconds: 30})
    const lb = r.trends.find((t) => t.metric === 'cilium_bpf_map_pressure' && t.labels.map_name === 'lb4_services_v2' && t.labels.pod === agents[0].pod)
    expect(lb, JSON.stringify(r.trends.map((t) => t.src.text))).to.not.equal(undefined)
    // 0.24 per simulated hour = 0.24 × 3600 per real hour
    expect(lb!.slopePerHour).to.be.greaterThan(0)
    expect(lb!.src.text).to.include('already full')
    const drops = r.trends.find((t) => t.metric === 'cilium_drop_count_total' && t.labels.reason === 'CT: Map insertion failed')!
    expect(drops.labels.pod).to.equal(agents[0].pod)
    expect(drops.slopePerHour).to.be.greaterThan(0)
    const calm = r.trends.filter((t) => t.metric === 'cilium_bpf_map_pressure' && t.labels.pod !== agents[0].pod)
    expect(calm.length).to.be.greaterThan(0)
    for (const t of calm) expect(t.slopePerHour, t.src.text).to.equal(0)
  })
})
