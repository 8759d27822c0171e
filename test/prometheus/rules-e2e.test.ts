import {expect} from 'chai'
import {collectPrometheus} from '../../src/collect/prometheus.js'
import {parseExposition} from '../../src/parse/metrics-exposition.js'
import {runRules} from '../../src/rules/engine.js'
import type {Rule} from '../../src/rules/types.js'
import type {Snapshot} from '../../src/snapshot/schema.js'
import {Snapshot as SnapshotSchema, emptyAgent, emptySnapshot} from '../../src/snapshot/schema.js'
import {agentSamples, exposition, openMetricsHistory, seedIncidentAgents} from '../helpers/metrics-endpoints.js'
import type {PrometheusServer} from '../helpers/prometheus-server.js'
import {freePort, requirePrometheus, startPrometheus} from '../helpers/prometheus-server.js'
import {at, status} from '../helpers/snapshot.js'

/*
 * The seed's metric-only incident (lb4_services_v2 at 1.44, rising "CT: Map insertion failed")
 * found end to end: real Prometheus → collectPrometheus → a snapshot holding only `prometheus` →
 * the rule engine; and the same findings from the agents' own /metrics (the fallback without Prometheus).
 * The rules are imported one by one so a half-written rule elsewhere cannot break this test.
 */

const ruleFiles = ['bpf-map-pressure', 'datapath-drops', 'agent-not-ok']

async function rules(): Promise<Rule[]> {
  return Promise.all(ruleFiles.map(async (f) => (await import(`../../rules/${f}.js`) as {default: Rule}).default))
}

function prometheusOnly(p: NonNullable<Snapshot['prometheus']>): Snapshot {
  const s = emptySnapshot('prometheus', p.url)
  s.prometheus = p
  return SnapshotSchema.parse(s)
}

const essence = (f: {id: string, severity: string, title: string, agents: string[]}) => ({id: f.id, severity: f.severity, title: f.title, agents: [...f.agents].sort()})

describe('metric-only incident end to end (real Prometheus → rules)', function () {
  this.timeout(60_000)
  let prom: PrometheusServer | undefined
  const agents = seedIncidentAgents(5)
  let viaPrometheus: ReturnType<typeof runRules>

  before(async function () {
    await requirePrometheus(this)
    prom = await startPrometheus({openmetrics: openMetricsHistory(agents)})
    const evidence = await collectPrometheus({url: prom.url, timeoutMs: 10_000, rangeSeconds: 3600})
    expect(evidence.errors).to.deep.equal([])
    viaPrometheus = runRules(await rules(), prometheusOnly(evidence))
  })
  after(async () => {
    await prom?.stop()
  })

  it('Prometheus alone: the full lb4_services_v2 map on the right agent, critical', () => {
    const f = viaPrometheus.findings.find((x) => x.id === 'bpf-map-pressure')
    expect(f, JSON.stringify(viaPrometheus.outcomes)).to.not.equal(undefined)
    expect(f!.severity).to.equal('critical')
    expect(f!.agents).to.include(agents[0].pod)
    expect(f!.message).to.include('lb4_services_v2')
    expect(f!.evidence.some((e) => e.source.startsWith(`${prom!.url} query: `) && /lb4_services_v2.* 1\.44$/.test(e.text))).to.equal(true)
  })

  it('Prometheus alone: rising "CT: Map insertion failed" drops, with the trend as evidence', () => {
    const f = viaPrometheus.findings.find((x) => x.id === 'datapath-drops' && x.title.includes('CT: Map insertion failed'))
    expect(f, JSON.stringify(viaPrometheus.findings.map((x) => x.title))).to.not.equal(undefined)
    expect(f!.severity).to.equal('critical')
    expect(f!.agents).to.deep.equal([agents[0].pod])
    expect(f!.message).to.match(/rising 3600\/h/)
    // the agent-status rule has no evidence here: not evaluated, not passed
    expect(viaPrometheus.outcomes.find((o) => o.id === 'agent-not-ok')!.result).to.equal('not-evaluated')
  })

  it('the agents\' own /metrics (no Prometheus) give the same findings', async () => {
    const s = emptySnapshot('live')
    s.agents = agents.map((a) => ({
      ...emptyAgent(a.pod),
      node: a.node,
      metrics: parseExposition(exposition(agentSamples(a, 1)), `pod/${a.pod}: GET :9962/metrics`),
    }))
    const viaAgents = runRules(await rules(), SnapshotSchema.parse(s))
    const ids = ['bpf-map-pressure', 'datapath-drops']
    const pick = (r: ReturnType<typeof runRules>) => r.findings.filter((f) => ids.includes(f.id)).map(essence)
    expect(pick(viaAgents)).to.have.length.greaterThan(1)
    expect(pick(viaAgents)).to.deep.equal(pick(viaPrometheus))
  })

  it('an unreachable Prometheus: the metric rules are not evaluated, the status evidence is still used', async () => {
    const evidence = await collectPrometheus({url: `http://127.0.0.1:${await freePort()}`, timeoutMs: 2000, rangeSeconds: 3600})
    const s = emptySnapshot('live')
    s.prometheus = evidence
    s.agents = [{...emptyAgent('cilium-a0x7k'), status: status({cilium: {state: 'Failure', message: 'kube-apiserver unreachable', src: at('Cilium:   Failure   kube-apiserver unreachable', 9)}})}]
    const r = runRules(await rules(), SnapshotSchema.parse(s))
    const outcome = (id: string) => r.outcomes.find((o) => o.id === id)!.result
    expect(outcome('bpf-map-pressure')).to.equal('not-evaluated')
    expect(outcome('datapath-drops')).to.equal('not-evaluated')
    expect(outcome('agent-not-ok')).to.equal('fired')
    expect(evidence.errors.map((e) => e.kind)).to.deep.equal(['unreachable'])
  })
})
