import {CRITICAL, HIGH} from '../../rules/lib/pressure.js'
import type {AlertFacts, MapFact} from '../facts.js'
import type {AlertDef, AlertGroup} from '../schema.js'
import {METRICS_DOC, MIXIN, count, pct} from '../sources.js'

/*
 * Per map family: time to full by predict_linear over 6 h, and a fixed pressure threshold. The mixin alerts only at
 * 90 %; conntrack and NAT are LRU maps that evict live entries before they read full, so they warn earlier.
 */

const LRU = new Set(['ct-tcp', 'ct-any', 'nat'])
const HORIZON_H = 24 // a map size change needs a reviewed Helm change and a rolling agent restart: a day to do it
const FORECAST_FLOOR = 0.5 // below half full a 6 h slope on a GC saw-tooth says little (ciltune sizing target)

function sizeText(m: MapFact, facts: AlertFacts): string {
  const ratio = facts.ratio && ['ct-tcp', 'ct-any', 'nat', 'neigh', 'sock-revnat'].includes(m.family) ? `, dynamic size ratio ${facts.ratio.value} from ${facts.ratio.from}` : ''
  if (!m.size) return `size not in the evidence${ratio}`
  const sz = m.size.min === m.size.max ? count(m.size.min) : `${count(m.size.min)}–${count(m.size.max)}`
  return `size ${sz} entries from ${m.size.from}${ratio}`
}

function seriesOf(m: MapFact, ns: string, pod: string, values: string): {series: string, values: string} {
  const name = SAMPLE[m.family] ?? m.family
  return {series: `cilium_bpf_map_pressure{namespace="${ns}",pod="${pod}",map_name="${name}"}`, values}
}

// a real map_name of each family for the unit-test series (cilium_bpf_map_pressure labels, metrics.md §2.1)
const SAMPLE: Record<string, string> = {
  'ct-tcp': 'ct4_global', 'ct-any': 'ct_any4_global', 'nat': 'snat_v4_external', 'neigh': 'nodeport_neigh4', 'sock-revnat': 'lb4_reverse_sk',
  'lb-services': 'lb4_services_v2', 'lb-backends': 'lb4_backends_v3', 'lb-revnat': 'lb4_reverse_nat', 'policy': 'policy_00215', 'ipcache': 'ipcache',
}

function fullSoon(m: MapFact, facts: AlertFacts): AlertDef {
  const sel = `cilium_bpf_map_pressure{map_name=~"${m.mapNames}"}`
  const ns = facts.namespace.value
  const labels = {namespace: ns, pod: 'cilium-7xk2p', map_name: SAMPLE[m.family] ?? m.family}
  return {
    alert: 'CiliumBpfMapFullSoon', severity: 'warning', for: '1h', labels: {map_family: m.family},
    expr: `predict_linear(${sel}[6h], ${HORIZON_H} * 3600) >= 1 and ${sel} > ${FORECAST_FLOOR}`,
    summary: `${m.label} map {{ $labels.map_name }} on {{ $labels.pod }} is on course to be full within ${HORIZON_H} h.`,
    description: `At the 6 h trend, ${m.label} map {{ $labels.map_name }} (${sizeText(m, facts)}) reaches 100 % within ${HORIZON_H} h; a full map drops new flows or fails to program services/policies.`,
    threshold: `full (pressure 1.0 = map full, ${METRICS_DOC}) within ${HORIZON_H} h at the predict_linear 6 h slope; only above ${pct(FORECAST_FLOOR)} fill (ciltune sizing target); ${sizeText(m, facts)}`,
    rule: 'bpf-map-pressure',
    firing: {series: [seriesOf(m, ns, labels.pod, '0.55+0.0005x100')], labels},
    healthy: [seriesOf(m, ns, labels.pod, '0.6+0x100')],
    evalMinutes: 75, // predict_linear fits the samples it has: 75 min of them hold the slope
  }
}

function pressure(m: MapFact, facts: AlertFacts): AlertDef {
  const t = LRU.has(m.family) ? HIGH : 0.9
  const why = LRU.has(m.family) ? `${pct(HIGH)}: an LRU map evicts live entries before it reads full (ciltune bpf-map-pressure; ${MIXIN} uses 90%)` : `90% per ${MIXIN}`
  const ns = facts.namespace.value
  const labels = {namespace: ns, pod: 'cilium-7xk2p', map_name: SAMPLE[m.family] ?? m.family}
  return {
    alert: 'CiliumBpfMapPressureHigh', severity: 'warning', for: '15m', labels: {map_family: m.family},
    expr: `cilium_bpf_map_pressure{map_name=~"${m.mapNames}"} >= ${t}`,
    summary: `${m.label} map {{ $labels.map_name }} on {{ $labels.pod }} is above ${pct(t)} full.`,
    description: `${m.label} map {{ $labels.map_name }} (${sizeText(m, facts)}) is above ${pct(t)} of its entries for 15 min.`,
    threshold: `${why}; ${sizeText(m, facts)}; fires before the critical ${pct(CRITICAL)} of ciltune doctor`,
    rule: 'bpf-map-pressure',
    firing: {series: [seriesOf(m, ns, labels.pod, `${(t + 0.05).toFixed(2)}x30`)], labels},
    healthy: [seriesOf(m, ns, labels.pod, `${(t - 0.1).toFixed(2)}x30`)],
    evalMinutes: 25,
  }
}

export function mapAlerts(facts: AlertFacts): AlertGroup {
  return {name: 'ciltune-cilium-bpf-maps', alerts: facts.maps.flatMap((m) => [fullSoon(m, facts), pressure(m, facts)])}
}
