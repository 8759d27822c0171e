import {agentsWith, capEvidence, ev, agentPhrase, distinctEvidence, gaugeByAgent, groupBy} from '../src/rules/helpers.js'
import type {CheckResult, Evidence} from '../src/rules/types.js'
import {defineRule} from '../src/rules/types.js'

interface Target {node: string, host: boolean, endpoints: boolean, from: Set<string>}

const PROBE_DISABLED = /probe disabled/i

function pathWords(t: Target): string {
  if (t.host && t.endpoints) return 'host and health endpoint'
  return t.host ? 'host' : 'health endpoint'
}

type StatusAgent = ReturnType<typeof agentsWith<'status'>>[number]
type Gauges = ReturnType<typeof gaugeByAgent>
interface Reporting {agent: string, reachable: number, total: number}
interface LocalOnly {agent: string, nodes: string[], evidence: Evidence[]}
interface HealthRows {reporting: Reporting[], targets: Map<string, Target>, evidence: Evidence[], covered: Set<string>, localOnly: LocalOnly[]}

/** Cluster health tables below M/M, per agent: the unreachable targets, or only the agent's own health endpoint. */
function readHealthRows(withHealth: StatusAgent[]): HealthRows {
  const reporting: Reporting[] = []
  const targets = new Map<string, Target>()
  const evidence: Evidence[] = []
  const covered = new Set<string>()
  const localOnly: LocalOnly[] = []
  for (const a of withHealth) {
    const ch = a.status.clusterHealth
    if (!ch || ch.reachable === undefined || ch.total === undefined) continue
    covered.add(a.name)
    const badRows = ch.nodes.filter((n) => !n.hostOk || !n.endpointsOk)
    if (ch.reachable >= ch.total && badRows.length === 0) continue
    // Only this node's own health endpoint fails while its host path answers: the health endpoint on that
    // node is broken (controller, IP, interface), nothing between nodes — tunnel ports are the wrong lead.
    // Judged per agent, so another agent's (or another cluster's) rows never change the diagnosis.
    if (badRows.length > 0 && badRows.every((n) => n.localhost && n.hostOk && !n.endpointsOk)) {
      localOnly.push({agent: a.name, nodes: badRows.map((n) => `${n.name} (localhost)`), evidence: [ev(ch.src), ...badRows.map((n) => ev(n.src))]})
      continue
    }
    reporting.push({agent: a.name, reachable: ch.reachable, total: ch.total})
    evidence.push(ev(ch.src))
    for (const n of badRows) {
      const name = n.localhost ? `${n.name} (localhost)` : n.name
      const t = targets.get(name) ?? {node: name, host: false, endpoints: false, from: new Set<string>()}
      t.host ||= !n.hostOk
      t.endpoints ||= !n.endpointsOk
      t.from.add(a.name)
      targets.set(name, t)
      evidence.push(ev(n.src))
    }
  }
  return {reporting, targets, evidence, covered, localOnly}
}

/** One finding for the cluster, naming the most-reported unreachable nodes. */
function unreachableFinding({reporting, targets, evidence}: HealthRows): CheckResult[] {
  if (reporting.length > 0) {
    const worst = reporting.reduce((w, r) => ((r.total - r.reachable) / r.total > (w.total - w.reachable) / w.total ? r : w))
    const frac = (worst.total - worst.reachable) / Math.max(worst.total, 1)
    const ranked = [...targets.values()].sort((x, y) => y.from.size - x.from.size || x.node.localeCompare(y.node))
    const names = reporting.map((r) => r.agent)
    const list = ranked.slice(0, 5).map((t) => `${t.node} (${pathWords(t)}${reporting.length > 1 ? `, from ${t.from.size} agent${t.from.size === 1 ? '' : 's'}` : ''})`)
    const more = ranked.length > 5 ? ` … (+${ranked.length - 5} more)` : ''
    const head = reporting.length === 1
      ? `${worst.total - worst.reachable}/${worst.total} nodes unreachable from ${worst.agent}`
      : `${reporting.length} agents see unreachable nodes (worst: ${worst.agent} with ${worst.reachable}/${worst.total} reachable)`
    const endpointsOnly = ranked.length > 0 && ranked.every((t) => !t.host)
    return [{
      severity: frac > 0.1 ? 'critical' : 'high',
      messageId: 'nodes-unreachable',
      message: `${head}${list.length > 0 ? `: ${list.join(', ')}${more}` : ''}`,
      agents: names,
      evidence: capEvidence(distinctEvidence(evidence)),
      helm: [],
      fix: endpointsOnly
        ? 'Only health-endpoint (pod network) paths fail: check the tunnel port (VXLAN 8472/UDP, Geneve 6081/UDP) or native routes, MTU, and encryption keys between these nodes.'
        : 'Host paths fail: check ICMP and TCP 4240 between nodes (security groups / firewalls), then routes and MTU.',
    }]
  }
  return []
}

function localEndpointFinding(localOnly: LocalOnly[]): CheckResult[] {
  if (localOnly.length > 0) {
    const names = localOnly.map((l) => l.agent)
    return [{
      severity: 'high',
      messageId: 'local-health-endpoint',
      message: `the local cilium-health endpoint is unreachable on ${agentPhrase(names)} (${[...new Set(localOnly.flatMap((l) => l.nodes))].slice(0, 5).join(', ')}: host reachable, its own health endpoint not)`,
      agents: names,
      evidence: capEvidence(distinctEvidence(localOnly.flatMap((l) => l.evidence))),
      helm: [],
      fix: 'Check the health endpoint on that node, not the network between nodes: the cilium-health-ep controller (cilium-dbg status --all-controllers), that the reserved:health endpoint exists with an IP (cilium-dbg endpoint list), and cilium-dbg health status --verbose on that node; restarting the agent pod recreates the health endpoint.',
    }]
  }
  return []
}

/** The health daemon itself is not answering: connectivity is then unknown, which is itself a problem. */
function daemonFindings(withHealth: StatusAgent[]): CheckResult[] {
  const out: CheckResult[] = []
  const daemonBad = withHealth.filter((a) => {
    const d = a.status.healthDaemon
    const ch = a.status.clusterHealth
    const dBad = d !== undefined && !/^(ok|disabled)$/i.test(d.state)
    const chBad = ch !== undefined && ch.reachable === undefined && !PROBE_DISABLED.test(ch.text) && ch.text.trim() !== ''
    return dBad || chBad
  })
  for (const list of groupBy(daemonBad, (a) => a.status.healthDaemon?.state ?? 'cluster-health').values()) {
    const names = list.map((a) => a.name)
    const a0 = list[0].status
    const text = a0.healthDaemon && !/^ok$/i.test(a0.healthDaemon.state)
      ? `${a0.healthDaemon.state} ${a0.healthDaemon.message}`.trim()
      : a0.clusterHealth?.text ?? ''
    out.push({
      severity: 'high',
      messageId: 'health-daemon-not-ok',
      message: `cilium-health daemon not Ok on ${agentPhrase(names)}: ${text}; node connectivity cannot be measured there`,
      agents: names,
      evidence: capEvidence(distinctEvidence(list.flatMap((a) => [a.status.healthDaemon, a.status.clusterHealth].filter((x) => x !== undefined).map((x) => ev(x.src))))),
      helm: [],
      fix: 'Check the cilium-health-ep controller and the health endpoint pod IP on those nodes; restart the agent if the health endpoint is gone.',
    })
  }

  return out
}

/** Metrics, for agents whose status did not already say it. */
function metricFinding(covered: Set<string>, unreachNodes: Gauges, unreachEps: Gauges, connUnreach: Gauges): CheckResult[] {
  const metricBad: Array<{agent: string, nodes: number, eps: number, src: Evidence[]}> = []
  for (const agent of new Set([...unreachNodes.keys(), ...unreachEps.keys(), ...connUnreach.keys()])) {
    if (covered.has(agent)) continue
    const n = unreachNodes.get(agent)
    const e = unreachEps.get(agent)
    const c = connUnreach.get(agent)
    if ((n?.value ?? 0) > 0 || (e?.value ?? 0) > 0 || (c?.value ?? 0) > 0) {
      // Without the older gauges, the connectivity-status count stands in for unreachable nodes.
      const nodes = n ? n.value : c?.value ?? 0
      metricBad.push({agent, nodes, eps: e?.value ?? 0, src: [...(n?.src ?? []), ...(e?.src ?? []), ...(c?.src ?? [])].map(ev)})
    }
  }
  if (metricBad.length > 0) {
    const names = metricBad.map((m) => m.agent)
    const maxN = Math.max(...metricBad.map((m) => m.nodes))
    const maxE = Math.max(...metricBad.map((m) => m.eps))
    return [{
      severity: 'high',
      messageId: 'metric-unreachable',
      message: `Health metrics report unreachable peers on ${agentPhrase(names)}: up to ${maxN} node(s) and ${maxE} health endpoint(s) (cilium_unreachable_nodes, cilium_unreachable_health_endpoints, cilium_node_health_connectivity_status)`,
      agents: names.filter((n) => n !== 'cluster'),
      evidence: capEvidence(distinctEvidence(metricBad.flatMap((m) => m.src))),
      helm: [],
    }]
  }
  return []
}

export default defineRule({
  meta: {
    id: 'unreachable-nodes',
    title: 'Nodes or health endpoints unreachable',
    severity: 'critical',
    versions: '*',
    needs: [['status'], ['metrics']],
    messages: {'nodes-unreachable': 'nodes unreachable in cluster health', 'local-health-endpoint': 'the local health endpoint is unreachable', 'health-daemon-not-ok': 'the cilium-health daemon is not Ok', 'metric-unreachable': 'health metrics report unreachable peers'},
    description: 'Cluster health "N/M reachable" with N < M, per-node rows with an unreachable host or endpoint path, a cilium-health daemon that is not Ok, cilium_unreachable_nodes / cilium_unreachable_health_endpoints > 0 and cilium_node_health_connectivity_status{status="unreachable"} > 0 (1.17+). "Probe disabled" is not an alarm.',
    why: 'Node-to-node (host) or pod-network (health endpoint) paths are broken: MTU, firewall (ICMP, TCP 4240, VXLAN 8472/UDP, Geneve 6081/UDP), routes, or IPsec/WireGuard keys. Pods on those nodes cannot talk across them.',
    fix: 'Probe the named nodes from the reporting node (cilium-dbg health status --verbose shows ICMP/HTTP per path); check security groups / firewalls for ICMP, TCP 4240 and the tunnel port, and MTU.',
    sources: [
      'https://github.com/cilium/cilium/blob/main/pkg/health/client/client.go',
      'https://github.com/cilium/cilium/blob/main/pkg/metrics/status.go',
      'https://docs.cilium.io/en/stable/operations/system_requirements/',
    ],
  },
  check(ctx) {
    const agents = agentsWith(ctx.snapshot, 'status')
    const withHealth = agents.filter((a) => a.status.clusterHealth || a.status.healthDaemon)
    const unreachNodes = gaugeByAgent(ctx.snapshot, 'cilium_unreachable_nodes')
    const unreachEps = gaugeByAgent(ctx.snapshot, 'cilium_unreachable_health_endpoints')
    // 1.17+ aggregated form: peers per status, by type (node / endpoint).
    const connUnreach = gaugeByAgent(ctx.snapshot, 'cilium_node_health_connectivity_status', (l) => l.status === 'unreachable')
    if (withHealth.length === 0 && unreachNodes.size === 0 && unreachEps.size === 0 && connUnreach.size === 0) {
      ctx.notEvaluated('no Cluster health / Cilium health daemon line in status (early exit?) and no cilium_unreachable_* metrics')
    }
    const allDisabled = withHealth.length > 0 && withHealth.every((a) => a.status.clusterHealth && PROBE_DISABLED.test(a.status.clusterHealth.text) &&
      (!a.status.healthDaemon || /^(ok|disabled)$/i.test(a.status.healthDaemon.state)))
    if (allDisabled && unreachNodes.size === 0 && unreachEps.size === 0 && connUnreach.size === 0) {
      ctx.notEvaluated('health probing is disabled (Cluster health: Probe disabled); node connectivity was not measured')
    }

    const rows = readHealthRows(withHealth)
    const out = [
      ...unreachableFinding(rows),
      ...localEndpointFinding(rows.localOnly),
      ...daemonFindings(withHealth),
      ...metricFinding(rows.covered, unreachNodes, unreachEps, connUnreach),
    ]
    // "Cilium health daemon: Ok" alone (a paste cut before "Cluster health") says the daemon runs, not that
    // nodes are reachable: without a reachable count or metrics nothing was measured.
    const measured = withHealth.some((a) => a.status.clusterHealth) || unreachNodes.size > 0 || unreachEps.size > 0 || connUnreach.size > 0
    if (out.length === 0 && !measured) {
      ctx.notEvaluated('status shows the cilium-health daemon but no Cluster health line (truncated output?) and there are no cilium_unreachable_* metrics: node connectivity was not measured')
    }
    return out
  },
})
