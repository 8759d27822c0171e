import {agentsWith, capEvidence, ev, percent, configText, distinctEvidence, nameList} from '../src/rules/helpers.js'
import type {CheckResult, Evidence, HelmSuggestion, Severity} from '../src/rules/types.js'
import {defineRule} from '../src/rules/types.js'
import type {Snapshot} from '../src/snapshot/schema.js'

// Heuristic thresholds from the brief / R-IPAM-01.
const HIGH = 0.9
const CRITICAL = 0.98

interface Use {agent: string, family: string, used: number, total: number, cidr?: string, src: Evidence}

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
    needs: [['status'], ['metrics']],
    messages: {'pool-exhausted': 'the pod IP pool is nearly exhausted'},
    description: 'Status "IPAM: IPv4: N/M allocated [from CIDR]" (host-scope and ENI/cluster-pool forms) or cilium_ip_addresses / cilium_ipam_capacity per agent: >= 90 % used is high, >= 98 % critical (heuristic).',
    why: 'When a node\'s pool is exhausted, new pods on that node stay in ContainerCreating with CNI "no IPs available" errors.',
    fix: 'cluster-pool: larger per-node blocks (ipam.operator.clusterPoolIPv4MaskSize, new nodes only) or more pool CIDRs; multi-pool; ENI: prefix delegation or more ENIs; or lower maxPods per node.',
    sources: [
      'https://github.com/cilium/cilium/blob/main/pkg/ipam/hostscope.go',
      'https://github.com/cilium/cilium/blob/main/pkg/metrics/status.go',
      'https://docs.cilium.io/en/stable/observability/metrics/',
    ],
  },
  check(ctx) {
    const s = ctx.snapshot
    const uses = statusUses(s)
    uses.push(...metricUses(s, new Set(agentsWith(s, 'status').filter((a) => a.status.ipam).map((a) => a.name))))
    if (uses.length === 0) ctx.notEvaluated('no IPAM line in status and no cilium_ipam_capacity/cilium_ip_addresses metrics')
    const mode = configText(s, 'ipam')?.value ?? 'cluster-pool'
    const out: CheckResult[] = []
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
    for (const p of ipam.pools) uses.push({agent: a.name, family: p.family, used: p.used, total: p.total, cidr: p.cidr, src: ev(ipam.src)})
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
    agents: [...new Set(hits.map((h) => h.agent))],
    evidence: capEvidence(distinctEvidence(hits.map((h) => h.src))),
    helm,
    fix: /eni|azure|alibaba/.test(mode)
      ? 'Cloud IPAM: enable prefix delegation (ENI), allow more ENIs / IPs per node, or lower maxPods.'
      : mode === 'kubernetes'
        ? 'kubernetes IPAM uses the node podCIDR from kube-controller-manager (--node-cidr-mask-size); lower maxPods or use larger node CIDRs for new nodes.'
        : 'Add pool CIDRs (ipam.operator.clusterPoolIPv4PodCIDRList) or larger per-node blocks for new nodes; lower maxPods on existing ones.',
  }
}
