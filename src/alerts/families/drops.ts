import type {AlertFacts} from '../facts.js'
import type {AlertDef, AlertGroup} from '../schema.js'
import {DROP_REASONS, MIXIN} from '../sources.js'

/*
 * Drops by reason. Only reasons that point at a cause fire: "Policy denied" is the policy working, and
 * "Service backend not found" is clients calling a service without endpoints (healthy is healthy).
 */

// reason strings exactly as cilium_drop_count_total labels them (pkg/monitor/api/drop.go)
export const MAP_FULL_REASONS = ['CT: Map insertion failed', 'No mapping for NAT masquerade', 'LB, sock cgroup: Reverse entry update failed', 'Fragmented packet entry update failed']
export const DATAPATH_REASONS = ['Missed tail call', 'Host datapath not ready', 'Endpoint policy program not available']

function reasonRegex(reasons: string[]): string {
  return reasons.map((r) => r.replace(/[.*+?^${}()|[\]\\]/g, '\\\\$&')).join('|')
}

function dropSeries(ns: string, reason: string, values: string): {series: string, values: string} {
  return {series: `cilium_drop_count_total{namespace="${ns}",pod="cilium-7xk2p",direction="EGRESS",reason="${reason}"}`, values}
}

function mapsText(facts: AlertFacts): string {
  const sized = facts.maps.filter((m) => ['ct-tcp', 'ct-any', 'nat'].includes(m.family) && m.size)
  return sized.length > 0 ? `; sizes in this cluster: ${sized.map((m) => `${m.label} ${m.size!.min === m.size!.max ? m.size!.min : `${m.size!.min}–${m.size!.max}`} (${m.size!.from})`).join(', ')}` : ''
}

function mapFull(facts: AlertFacts): AlertDef {
  const ns = facts.namespace.value
  return {
    alert: 'CiliumDropsMapFull', severity: 'critical', for: '5m',
    expr: `sum by (namespace, pod, reason) (rate(cilium_drop_count_total{reason=~"${reasonRegex(MAP_FULL_REASONS)}"}[5m])) > 0`,
    summary: 'Cilium agent {{ $labels.pod }} drops packets because a BPF map is full: {{ $labels.reason }}.',
    description: `Packets are dropped with reason "{{ $labels.reason }}" on {{ $labels.pod }}: a conntrack, NAT, socket reverse-NAT or fragment map could not take a new entry${mapsText(facts)}.`,
    threshold: `any such drop for 5 min (${MIXIN}: CiliumAgentConntrackTableFull and CiliumAgentNatTableFull, critical); reasons from ${DROP_REASONS}`,
    rule: 'datapath-drops',
    firing: {series: [dropSeries(ns, MAP_FULL_REASONS[0], '0+30x30')], labels: {namespace: ns, pod: 'cilium-7xk2p', reason: MAP_FULL_REASONS[0]}},
    healthy: [dropSeries(ns, MAP_FULL_REASONS[0], '5+0x30'), dropSeries(ns, 'Policy denied', '0+500x30')],
    evalMinutes: 20,
  }
}

function datapath(facts: AlertFacts): AlertDef {
  const ns = facts.namespace.value
  return {
    alert: 'CiliumDropsDatapath', severity: 'warning', for: '15m',
    expr: `sum by (namespace, pod, reason) (rate(cilium_drop_count_total{reason=~"${reasonRegex(DATAPATH_REASONS)}"}[5m])) > 0`,
    summary: 'Cilium agent {{ $labels.pod }} drops packets: {{ $labels.reason }}.',
    description: 'Packets are dropped with reason "{{ $labels.reason }}" on {{ $labels.pod }} for 15 min: BPF programs missing or not ready (regeneration failing, agent not converging). Brief drops while an agent starts are normal; these lasted.',
    threshold: `any such drop for 15 min, longer than an agent start (ciltune datapath-drops); reasons from ${DROP_REASONS}`,
    rule: 'datapath-drops',
    firing: {series: [dropSeries(ns, DATAPATH_REASONS[0], '0+3x40')], labels: {namespace: ns, pod: 'cilium-7xk2p', reason: DATAPATH_REASONS[0]}},
    healthy: [dropSeries(ns, DATAPATH_REASONS[1], '0+20x5 100+0x35')],
    evalMinutes: 30,
  }
}

export function dropAlerts(facts: AlertFacts): AlertGroup {
  return {name: 'ciltune-cilium-drops', alerts: [mapFull(facts), datapath(facts)]}
}
