import type {AlertFacts} from '../facts.js'
import type {AlertDef, AlertGroup} from '../schema.js'
import {KSM, MIXIN} from '../sources.js'

/*
 * Agents and operator not ready (kube-state-metrics: the agent's own metrics vanish when it is down) and
 * unreachable nodes (cilium-health). The node count sizes the "many" variants: one node away is a warning,
 * a tenth of the cluster is an outage.
 */

const MANY_SHARE = 0.1 // heuristic: a tenth of the nodes at once is no longer one sick node

function manyThreshold(facts: AlertFacts): number | undefined {
  if (!facts.nodes) return undefined
  const n = Math.ceil(facts.nodes.value * MANY_SHARE)
  return n > 1 ? n : undefined // on a small cluster the "any" alert already is the "many" one
}

function agents(facts: AlertFacts): AlertDef[] {
  const ns = facts.namespace.value
  const sel = `kube_daemonset_status_number_unavailable{namespace="${ns}",daemonset="cilium"}`
  const series = (v: string) => ({series: sel, values: v})
  const labels = {namespace: ns, daemonset: 'cilium'}
  const out: AlertDef[] = [{
    alert: 'CiliumAgentsUnavailable', severity: 'warning', for: '10m',
    expr: `${sel} > 0`,
    summary: 'Cilium agents are not ready on some nodes.',
    description: `The cilium DaemonSet in ${ns} has unavailable pods for 10 min: pods on those nodes get no network setup and their policies are not updated.`,
    threshold: `any unavailable agent for 10 min (${KSM} kube_daemonset_status_number_unavailable; ciltune agent-not-ok)`,
    rule: 'agent-not-ok',
    firing: {series: [series('1x20')], labels},
    healthy: [series('1x3 0x17')],
    evalMinutes: 15,
  }]
  const many = manyThreshold(facts)
  if (many) {
    out.push({
      alert: 'CiliumAgentsUnavailableMany', severity: 'critical', for: '5m',
      expr: `${sel} >= ${many}`,
      summary: `At least ${many} Cilium agents are not ready.`,
      description: `${many} or more of the cilium DaemonSet pods in ${ns} are unavailable for 5 min: a tenth of the cluster's ${facts.nodes!.value} nodes has no working datapath control.`,
      threshold: `${many} = 10% of ${facts.nodes!.value} nodes (${facts.nodes!.from}; heuristic share)`,
      rule: 'agent-not-ok',
      firing: {series: [series(`${many}x20`)], labels},
      healthy: [series(`${many - 1}x20`)],
      evalMinutes: 15,
    })
  }
  return out
}

function operator(facts: AlertFacts): AlertDef[] {
  const ns = facts.namespace.value
  const avail = `kube_deployment_status_replicas_available{namespace="${ns}",deployment="cilium-operator"}`
  const spec = `kube_deployment_spec_replicas{namespace="${ns}",deployment="cilium-operator"}`
  const want = facts.operatorReplicas ? `${facts.operatorReplicas.value} replicas at generation (${facts.operatorReplicas.from})` : 'replicas not in the evidence'
  const labels = {namespace: ns, deployment: 'cilium-operator'}
  return [{
    alert: 'CiliumOperatorUnavailable', severity: 'warning', for: '10m',
    expr: `${avail} < ${spec}`,
    summary: 'cilium-operator has fewer available replicas than desired.',
    description: `cilium-operator in ${ns} runs below its desired replicas for 10 min (${want}): IPAM, identity and CiliumEndpointSlice work has no standby.`,
    threshold: `available < spec.replicas for 10 min (${KSM}; ciltune operator-not-ready)`,
    rule: 'operator-not-ready',
    firing: {series: [{series: avail, values: '1x20'}, {series: spec, values: '2x20'}], labels},
    healthy: [{series: avail, values: '2x20'}, {series: spec, values: '2x20'}],
    evalMinutes: 15,
  }, {
    alert: 'CiliumOperatorDown', severity: 'critical', for: '5m',
    expr: `${avail} == 0 and ${spec} > 0`,
    summary: 'No cilium-operator replica is available.',
    description: `cilium-operator in ${ns} has no available replica for 5 min: new nodes get no pod CIDR, identities are not garbage-collected, CiliumEndpointSlices stop (${want}).`,
    threshold: `zero available for 5 min (${KSM}; ciltune operator-not-ready)`,
    rule: 'operator-not-ready',
    firing: {series: [{series: avail, values: '0x20'}, {series: spec, values: '2x20'}], labels},
    healthy: [{series: avail, values: '0x20'}, {series: spec, values: '0x20'}],
    evalMinutes: 15,
  }]
}

function unreachable(facts: AlertFacts): AlertDef[] {
  const ns = facts.namespace.value
  const s = (pod: string, v: string) => ({series: `cilium_unreachable_nodes{namespace="${ns}",pod="${pod}"}`, values: v})
  const of = facts.nodes ? ` of ${facts.nodes.value} nodes (${facts.nodes.from})` : ''
  const out: AlertDef[] = [{
    alert: 'CiliumUnreachableNodes', severity: 'warning', for: '15m',
    expr: 'max by (namespace, pod) (cilium_unreachable_nodes) > 0',
    summary: 'Cilium agent {{ $labels.pod }} cannot reach some nodes.',
    description: `cilium-health on {{ $labels.pod }} has reported unreachable nodes${of} for 15 min: MTU, firewall (ICMP, TCP 4240, the tunnel port) or encryption keys between nodes.`,
    threshold: `any unreachable node for 15 min (${MIXIN}: CiliumUnreachableNodes, 15 min)`,
    rule: 'unreachable-nodes',
    firing: {series: [s('cilium-7xk2p', '1x30')], labels: {namespace: ns, pod: 'cilium-7xk2p'}},
    healthy: [s('cilium-7xk2p', '1x5 0x25')],
    evalMinutes: 25,
  }]
  const many = manyThreshold(facts)
  if (many) {
    out.push({
      alert: 'CiliumUnreachableNodesMany', severity: 'critical', for: '5m',
      expr: `max(cilium_unreachable_nodes) >= ${many}`,
      summary: `An agent cannot reach ${many} or more nodes.`,
      description: `At least one agent reports ${many} or more unreachable nodes${of} for 5 min: a network partition, not one sick node.`,
      threshold: `${many} = 10% of ${facts.nodes!.value} nodes (${facts.nodes!.from}; heuristic share)`,
      rule: 'unreachable-nodes',
      firing: {series: [s('cilium-7xk2p', `${many}x20`), s('cilium-9qw4d', '0x20')], labels: {}},
      healthy: [s('cilium-7xk2p', `${many - 1}x20`)],
      evalMinutes: 15,
    })
  }
  return out
}

export function healthAlerts(facts: AlertFacts): AlertGroup {
  return {name: 'ciltune-cilium-health', alerts: [...agents(facts), ...operator(facts), ...unreachable(facts)]}
}
