import type {Snapshot} from '../src/snapshot/schema.js'
import {capEvidence, ev, metricSamples, configuredSize, agentOf, ciliumMetricsPresent, counterText, fmtCount, groupBy, slopeText, trendFor, sizingFor} from '../src/rules/helpers.js'
import type {CheckResult, Severity} from '../src/rules/types.js'
import {defineRule} from '../src/rules/types.js'
import type {FamilyId} from '../src/cilium/maps.js'
import {familyOf} from '../src/cilium/maps.js'

const DROPS = 'cilium_drop_count_total'
const PRESSURE = 'cilium_bpf_map_pressure'

interface Reason {
  reason: string
  code: number
  severity: Severity
  families?: FamilyId[] // maps whose size is the usual cause
  minCount?: number // below this, without a rising trend, it is background noise
  what: string
  fix?: string
}

/** Drop reasons (pkg/monitor/api/drop.go) that point at a capacity or datapath problem. */
const REASONS: Reason[] = [
  {reason: 'CT: Map insertion failed', code: 155, severity: 'critical', families: ['ct-tcp', 'ct-any'], what: 'packets dropped because a conntrack entry could not be created (CT map full)', fix: 'grow the CT maps; also check conntrack GC (conntrack-gc)'},
  {reason: 'No mapping for NAT masquerade', code: 167, severity: 'high', families: ['nat'], what: 'SNAT could not allocate a NAT entry (NAT map full or source ports exhausted)', fix: 'grow the NAT map; if one egress IP fans out to one remote endpoint the limit is source ports, not map size (egress gateway with more IPs)'},
  {reason: 'LB, sock cgroup: Reverse entry update failed', code: 7, severity: 'high', families: ['sock-revnat'], what: 'socket-LB could not store the reverse NAT entry (sock rev-NAT map full)'},
  {reason: 'Fragmented packet entry update failed', code: 10, severity: 'medium', families: ['frag'], what: 'the IPv4 fragment map (default 8192) is full', fix: 'raise bpf-fragments-map-max (extraConfig, max 65536) or avoid fragmentation (MTU)'},
  {reason: 'Service backend not found', code: 158, severity: 'medium', minCount: 100, what: 'traffic to services whose backend is gone (no endpoints, or LB map out of sync)', fix: 'check services without backends (services-without-backends) and LB map capacity'},
  {reason: 'Missed tail call', code: 140, severity: 'medium', minCount: 10, what: 'a BPF tail call target was missing (program regeneration race or datapath bug)', fix: 'check endpoint regeneration failures and agent logs; upgrade if it persists'},
]

const ONE_DOWN: Record<Severity, Severity> = {critical: 'medium', high: 'medium', medium: 'info', info: 'info'}

function worstPressure(snapshot: Snapshot, agent: string, fams: FamilyId[]): {fam: FamilyId, p: number, map: string} | undefined {
  let best: {fam: FamilyId, p: number, map: string} | undefined
  for (const s of metricSamples(snapshot, PRESSURE)) {
    const map = s.labels.map_name ?? ''
    const fam = familyOf(map)
    if (s.agent !== agent || !fams.includes(fam)) continue
    if (!best || s.value > best.p) best = {fam, p: s.value, map}
  }
  return best
}

export default defineRule({
  meta: {
    id: 'datapath-drops',
    title: 'Datapath drops caused by full maps',
    severity: 'critical',
    versions: '*',
    needs: [['metrics']],
    messages: {drops: 'packets dropped for a reason that points at a cause', 'policy-denied-map-full': 'policy-denied drops where a policy map is full'},
    description: 'cilium_drop_count_total by reason: "CT: Map insertion failed", "No mapping for NAT masquerade", "LB, sock cgroup: Reverse entry update failed", "Fragmented packet entry update failed", "Service backend not found", "Missed tail call", and "Policy denied" only where the policy map is full.',
    why: 'These drops mean packets are lost because a BPF map could not take a new entry; "Policy denied" alone is normal when policies exist, but with a full policy map it means allowed peers are dropped.',
    fix: 'Grow the map the drop reason names (bpf.mapDynamicSizeRatio or bpf.ctTcpMax/bpf.ctAnyMax, bpf.natMax, bpf.policyMapMax).',
    prerequisites: 'Agent restart; CT/NAT maps are re-created (connection state lost per node during the rollout).',
    sources: [
      'https://github.com/cilium/cilium/blob/main/pkg/monitor/api/drop.go',
      'https://docs.cilium.io/en/stable/observability/metrics/',
      'https://docs.cilium.io/en/stable/network/ebpf/maps/',
    ],
  },
  check(ctx) {
    const {snapshot} = ctx
    if (!ciliumMetricsPresent(snapshot)) ctx.notEvaluated('no Cilium agent metrics (Prometheus returned no cilium_* series); enable Helm `prometheus.enabled: true` or collect `cilium-dbg metrics list`')
    const drops = metricSamples(snapshot, DROPS).filter((s) => s.value > 0)
    const results: CheckResult[] = []
    for (const r of REASONS) {
      const mine = drops.filter((s) => s.labels.reason === r.reason)
      if (mine.length === 0) continue
      const perAgent = groupBy(mine, agentOf)
      const totals = [...perAgent].map(([agent, ss]) => {
        const total = ss.reduce((n, s) => n + s.value, 0)
        const trends = ss.map((s) => trendFor(snapshot, DROPS, {reason: r.reason, direction: s.labels.direction ?? ''}, agent))
          .filter((t) => t !== undefined)
        return {agent, total, ss, trend: trends.sort((a, b) => b.slopePerHour - a.slopePerHour)[0]}
      }).sort((a, b) => b.total - a.total)
      const anyTrend = totals.some((t) => t.trend)
      const rising = totals.filter((t) => t.trend && t.trend.slopePerHour > 0)
      const sum = totals.reduce((n, t) => n + t.total, 0)
      if (r.minCount && sum < r.minCount && rising.length === 0) continue
      let severity = r.severity
      if (anyTrend && rising.length === 0) severity = ONE_DOWN[severity] // happened, but not any more
      if (rising.length > 0 && severity === 'high') severity = 'critical'
      const w = totals[0]
      const agentObj = snapshot.agents.find((a) => a.name === w.agent)
      let helm: CheckResult['helm'] = []
      let fam: FamilyId | undefined
      if (r.families) {
        const wp = worstPressure(snapshot, w.agent, r.families)
        fam = wp?.fam ?? r.families[0]
        const size = configuredSize(snapshot, agentObj, wp?.map ?? (fam === 'ct-tcp' ? 'ct4_global' : fam === 'nat' ? 'snat_v4_external' : fam === 'sock-revnat' ? 'lb4_reverse_sk' : 'ipv4_frag_datagrams'))
        // insert failures mean the map was full at that moment, whatever the pressure reads now
        helm = sizingFor(snapshot, fam, Math.max(wp?.p ?? 1, 1), size?.size).helm
      }
      const trendNote = w.trend ? slopeText(w.trend) : 'since agent start'
      results.push({
        severity,
        title: `Drops: ${r.reason}`,
        messageId: 'drops',
        message: `"${r.reason}" (${r.code}): ${fmtCount(sum)} packets on ${totals.length} agent${totals.length === 1 ? '' : 's'}, worst ${w.agent} ${fmtCount(w.total)} (${trendNote})${rising.length > 0 ? `; still rising on ${rising.length}` : anyTrend ? '; not rising in the trend window (historic)' : ''} — ${r.what}.`,
        agents: totals.map((t) => t.agent),
        evidence: capEvidence([...w.ss.map((s) => ev(s.src)), ...(w.trend ? [ev(w.trend.src)] : []), ...totals.slice(1).map((t) => ev(t.ss[0].src))]),
        helm,
        ...(r.fix ? {fix: r.fix} : {}),
      })
    }
    results.push(...policyDenied(snapshot, drops))
    return results
  },
})

/** "Policy denied" is normal; it matters only where the policy map is full (pressure ≥ 1.0). */
function policyDenied(snapshot: Snapshot, drops: ReturnType<typeof metricSamples>): CheckResult[] {
  const denied = drops.filter((s) => s.labels.reason === 'Policy denied')
  const full = metricSamples(snapshot, PRESSURE).filter((s) => familyOf(s.labels.map_name ?? '') === 'policy' && s.value >= 1)
  const fullAgents = new Set(full.map(agentOf))
  const hit = denied.filter((s) => fullAgents.has(agentOf(s)))
  if (hit.length === 0) return []
  const agents = [...new Set(hit.map(agentOf))]
  const worst = full.sort((a, b) => b.value - a.value)[0]
  const sum = hit.reduce((n, s) => n + s.value, 0)
  const t = trendFor(snapshot, DROPS, {reason: 'Policy denied'}, agents[0])
  return [{
    severity: 'high',
    title: 'Policy denies on agents whose policy map is full',
    messageId: 'policy-denied-map-full',
    message: `"Policy denied" ${counterText(sum, t)} on ${agents.length} agent${agents.length === 1 ? '' : 's'} where an endpoint policy map is at ${(worst.value * 100).toFixed(0)} % (${worst.labels.map_name}): allowed peers may be dropped because their entries did not fit.`,
    agents,
    evidence: capEvidence([ev(worst.src), ...hit.map((s) => ev(s.src))]),
    helm: sizingFor(snapshot, 'policy', worst.value, configuredSize(snapshot, snapshot.agents.find((a) => a.name === worst.agent), worst.labels.map_name ?? 'policy')?.size).helm,
    fix: 'reduce identities selected by broad selectors; on 1.17+ endpointLockdownOnMapOverflow: true fails closed instead of partially enforcing',
  }]
}
