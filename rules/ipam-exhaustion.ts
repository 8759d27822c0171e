import {agentNode, agentsWith, capEvidence, ev, percent, configText, distinctEvidence, nameList} from '../src/rules/helpers.js'
import type {CheckResult, Evidence, HelmSuggestion, Severity} from '../src/rules/types.js'
import {defineRule} from '../src/rules/types.js'
import type {CiliumNodeInfo, Snapshot} from '../src/snapshot/schema.js'

// Heuristic thresholds from the brief / R-IPAM-01.
const HIGH = 0.9
const CRITICAL = 0.98

interface Use {agent: string, node?: string, family: string, used: number, total: number, cidr?: string, src: Evidence}

function mask(cidr: string | undefined): number | undefined {
  const m = /\/(\d+)$/.exec(cidr ?? '')
  return m ? Number(m[1]) : undefined
}

export default defineRule({
  meta: {
    id: 'ipam-exhaustion',
    title: 'Pod IP pool near exhaustion',
    severity: 'critical',
    versions: '*',
    needs: [['status'], ['metrics'], ['counts']],
    messages: {'pool-exhausted': 'the pod IP pool is nearly exhausted', 'operator-allocation-failed': 'the operator could not allocate pod addresses for a node'},
    description: 'Status "IPAM: IPv4: N/M allocated [from CIDR]" (host-scope and ENI/cluster-pool forms), cilium_ip_addresses / cilium_ipam_capacity per agent, or a CiliumNode\'s status.ipam.used against its spec.ipam.podCIDRs / spec.ipam.pool: >= 90 % used is high, >= 98 % critical (heuristic). Also a CiliumNode whose status.ipam.operator-status.error is set (e.g. "allocator full": the cluster pool has no block left for the node): critical when the node has no pod CIDR and no pool at all, medium otherwise (a multi-pool error may be stale, cilium#28758).',
    why: 'When a node\'s pool is exhausted, new pods on that node stay in ContainerCreating with CNI "no IPs available" errors.',
    fix: 'cluster-pool: larger per-node blocks (ipam.operator.clusterPoolIPv4MaskSize, new nodes only) or more pool CIDRs; multi-pool; ENI: prefix delegation or more ENIs; or lower maxPods per node.',
    sources: [
      'https://github.com/cilium/cilium/blob/main/pkg/ipam/hostscope.go',
      'https://github.com/cilium/cilium/blob/main/pkg/metrics/status.go',
      'https://docs.cilium.io/en/stable/observability/metrics/',
      'https://github.com/cilium/cilium/issues/41130',
      'https://github.com/cilium/cilium/issues/28758',
    ],
  },
  check(ctx) {
    const s = ctx.snapshot
    const uses = statusUses(s)
    uses.push(...metricUses(s, new Set(agentsWith(s, 'status').filter((a) => a.status.ipam).map((a) => a.name))))
    uses.push(...ciliumNodeUses(s, new Set(uses.map((u) => u.node ?? u.agent))))
    const failed = (s.cluster.ciliumNodes ?? []).filter((n) => n.operatorError)
    if (uses.length === 0 && failed.length === 0) ctx.notEvaluated('no IPAM line in status, no cilium_ipam_capacity/cilium_ip_addresses metrics and no CiliumNode IPAM')
    const mode = configText(s, 'ipam')?.value ?? 'cluster-pool'
    const out: CheckResult[] = []
    if (failed.length > 0) out.push(allocationFailed(failed, mode))
    for (const [sev, lo, hi] of [['critical', CRITICAL, Infinity], ['high', HIGH, CRITICAL]] as Array<[Severity, number, number]>) {
      const hits = uses.filter((u) => u.total > 0 && u.used / u.total >= lo && u.used / u.total < hi)
        .sort((x, y) => y.used / y.total - x.used / x.total)
      if (hits.length > 0) out.push(exhausted(sev, hits, mode))
    }
    return out
  },
})

/** Pools from the status "IPAM:" line of each agent. */
function statusUses(s: Snapshot): Use[] {
  const uses: Use[] = []
  for (const a of agentsWith(s, 'status')) {
    const ipam = a.status.ipam
    if (!ipam) continue
    for (const p of ipam.pools) uses.push({agent: a.name, node: agentNode(a), family: p.family, used: p.used, total: p.total, cidr: p.cidr, src: ev(ipam.src)})
  }
  return uses
}

/** cilium_ipam_capacity / cilium_ip_addresses for agents whose status did not show IPAM. */
function metricUses(s: Snapshot, covered: Set<string>): Use[] {
  const cap = new Map<string, {v: number, src: Evidence}>()
  const addr = new Map<string, {v: number, src: Evidence}>()
  for (const a of s.agents) {
    for (const m of a.metrics?.samples ?? []) {
      const key = `${a.name}\u0000${(m.labels.family ?? 'ipv4').toLowerCase()}`
      if (m.name === 'cilium_ipam_capacity') cap.set(key, {v: m.value, src: ev(m.src)})
      if (m.name === 'cilium_ip_addresses') addr.set(key, {v: (addr.get(key)?.v ?? 0) + m.value, src: ev(m.src)})
    }
  }
  const uses: Use[] = []
  for (const [key, c] of cap) {
    const [agent, fam] = key.split('\u0000')
    const u = addr.get(key)
    if (!u || covered.has(agent)) continue
    uses.push({agent, family: fam === 'ipv6' ? 'IPv6' : 'IPv4', used: u.v, total: c.v, src: u.src})
  }
  return uses
}

function exhausted(sev: Severity, hits: Use[], mode: string): CheckResult {
  const helm: HelmSuggestion[] = []
  const m = mask(hits.find((h) => h.family === 'IPv4')?.cidr)
  if (mode === 'cluster-pool' && m !== undefined && m > 16) {
    helm.push({
      path: 'ipam.operator.clusterPoolIPv4MaskSize',
      value: m - 1,
      reason: `per-node /${m} blocks (${2 ** (32 - m) - 2} usable) are nearly full; /${m - 1} doubles them`,
      cost: 'applies to nodes added after the change only; existing nodes keep their pod CIDR (replace nodes to pick it up); the cluster pool CIDR must have room',
    })
  }
  const facts = hits.map((h) => `${h.agent} ${h.family} ${h.used}/${h.total} (${percent(h.used / h.total)})`)
  return {
    severity: sev,
    messageId: 'pool-exhausted',
    message: `Pod IP pool ${sev === 'critical' ? '>= 98 %' : '>= 90 %'} used on ${hits.length} agent(s): ${nameList(facts, 5)} (IPAM mode ${mode})`,
    agents: [...new Set(hits.filter((h) => !h.agent.startsWith('CiliumNode ')).map((h) => h.agent))],
    evidence: capEvidence(distinctEvidence(hits.map((h) => h.src))),
    helm,
    fix: /eni|azure|alibaba/.test(mode)
      ? 'Cloud IPAM: enable prefix delegation (ENI), allow more ENIs / IPs per node, or lower maxPods.'
      : mode === 'kubernetes'
        ? 'kubernetes IPAM uses the node podCIDR from kube-controller-manager (--node-cidr-mask-size); lower maxPods or use larger node CIDRs for new nodes.'
        : 'Add pool CIDRs (ipam.operator.clusterPoolIPv4PodCIDRList) or larger per-node blocks for new nodes; lower maxPods on existing ones.',
  }
}

/** Usable addresses of an IPv4 pod CIDR as the agent counts them (network and broadcast excluded). */
function ipv4Capacity(cidr: string): number | undefined {
  const m = /^\d{1,3}(?:\.\d{1,3}){3}\/(\d+)$/.exec(cidr)
  const bits = m ? Number(m[1]) : undefined
  return bits !== undefined && bits >= 8 && bits <= 30 ? 2 ** (32 - bits) - 2 : undefined
}

/** CiliumNode status.ipam.used against the node's pool (crd/ENI/Azure) or its IPv4 pod CIDRs, for nodes no agent reported. */
function ciliumNodeUses(s: Snapshot, covered: Set<string>): Use[] {
  const uses: Use[] = []
  for (const n of s.cluster.ciliumNodes ?? []) {
    if (covered.has(n.name) || n.used === undefined) continue
    const cidrs = n.podCIDRs.map(ipv4Capacity).filter((c): c is number => c !== undefined)
    const total = n.poolSize ?? (cidrs.length > 0 ? cidrs.reduce((a, b) => a + b, 0) : undefined)
    if (!total) continue
    const cidr = n.poolSize === undefined && n.podCIDRs.length === 1 ? n.podCIDRs[0] : undefined
    uses.push({agent: `CiliumNode ${n.name}`, node: n.name, family: 'IPv4', used: n.used, total, cidr, src: ev(n.src)})
  }
  return uses
}

function allocationFailed(nodes: CiliumNodeInfo[], mode: string): CheckResult {
  const starved = nodes.filter((n) => n.podCIDRs.length === 0 && !n.poolSize)
  const facts = nodes.map((n) => `${n.name}: "${n.operatorError!.text}"${n.podCIDRs.length === 0 && !n.poolSize ? ' (no pod CIDR, no pool)' : ''}`)
  return {
    severity: starved.length > 0 ? 'critical' : 'medium',
    messageId: 'operator-allocation-failed',
    message: `cilium-operator reports an IPAM allocation error on ${nodes.length} CiliumNode(s): ${nameList(facts, 5)}` +
      (starved.length > 0
        ? `; ${starved.length} node(s) have no pod addresses at all, so their agents cannot start and no pod there gets an IP`
        : '; the nodes still have addresses, so the error may be stale (multi-pool keeps old errors, cilium#28758) or the pool cannot grow'),
    agents: [],
    evidence: capEvidence(nodes.map((n) => ev(n.operatorError!.src))),
    helm: [],
    fix: /cluster-pool/.test(mode)
      ? 'The cluster pool has no free block for these nodes: add a CIDR to ipam.operator.clusterPoolIPv4PodCIDRList (existing ones cannot change) or, for new clusters, a larger list / smaller clusterPoolIPv4MaskSize. kubectl get ciliumnodes -o yaml shows status.ipam.operator-status on each node.'
      : /multi-pool/.test(mode)
        ? 'Add CIDRs to the CiliumPodIPPool the nodes allocate from (kubectl get ciliumpodippools); the operator log names the pool ("Failed to allocate PodCIDRs to node").'
        : 'The operator cannot give these nodes addresses: check the cloud limits (ENIs/IPs per instance, subnet free addresses) and the operator log.',
  }
}
