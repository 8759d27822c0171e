import type {Agent, PodInfo, Snapshot} from '../src/snapshot/schema.js'
import {byName, capEvidence, configBool, ev, metricSamples, ceil4, currentRatio, TARGET} from '../src/rules/helpers.js'
import type {CheckResult, Evidence, HelmSuggestion} from '../src/rules/types.js'
import {defineRule} from '../src/rules/types.js'
import {DYNAMIC_FAMILIES, familyOf} from '../src/cilium/maps.js'
import {formatBytes, mapKernelBytes} from '../src/sizing/memory.js'

const GiB = 1024 ** 3
const LIMIT_SHARE = 0.5 // maps above half the agent limit leave too little for the agent itself (heuristic)
const OOM_SHARE = 0.25
const BIG_RATIO = 0.05 // heuristic, rules-catalog R-MAP-10

function podOf(snapshot: Snapshot, a: Agent): PodInfo | undefined {
  return a.pod ?? byName(snapshot.cluster.pods, a.name)
}

function ipv6(snapshot: Snapshot, a: Agent): boolean {
  return configBool(snapshot, 'enable-ipv6') === true || Boolean(a.status?.ipam?.pools.some((p) => p.family === 'IPv6'))
}

/** Kernel allocation of the five dynamic families from the status sizes (map-sizing.md §4, estimate). */
function predicted(snapshot: Snapshot, a: Agent): number | undefined {
  const maps = a.status?.bpfMaps?.maps
  if (!maps) return undefined
  let total = 0
  for (const f of DYNAMIC_FAMILIES) {
    const row = maps.find((m) => m.id === f)
    if (!row) continue
    total += mapKernelBytes(f, row.size, 'v4')
    if (ipv6(snapshot, a)) total += mapKernelBytes(f, row.size, 'v6')
  }
  return total > 0 ? total : undefined
}

function peakDynamicPressure(snapshot: Snapshot): number | undefined {
  let p: number | undefined
  for (const s of metricSamples(snapshot, 'cilium_bpf_map_pressure')) {
    if (!(DYNAMIC_FAMILIES as readonly string[]).includes(familyOf(s.labels.map_name ?? ''))) continue
    p = Math.max(p ?? 0, s.value)
  }
  return p
}

interface Row {agent: string, maps: number, from: string, limit: number, share: number, oom: boolean, evidence: Evidence[]}

export default defineRule({
  meta: {
    id: 'bpf-map-memory',
    title: 'BPF map memory vs agent memory limit',
    severity: 'high',
    versions: '*',
    needs: [['status'], ['metrics'], ['config']],
    messages: {'near-memory-limit': 'BPF maps take most of the agent memory limit', 'ratio-too-high': 'the dynamic size ratio gives maps an outsized budget'},
    description: 'Estimated kernel memory of the CT/NAT/neighbor/sock-rev-NAT maps (fully preallocated LRU maps, from the status sizes) or cilium_bpf_maps_virtual_memory_max_bytes vs the agent container memory limit (> 50 % high), agents OOMKilled with large maps, and ratios ≥ 0.05.',
    why: 'LRU maps are allocated in full at creation and, on cgroup v2, charged to the agent cgroup: a big ratio can push the agent into OOM kills although its RSS looks small.',
    fix: 'Lower bpf.mapDynamicSizeRatio to what the observed pressure justifies (r × peak pressure / 0.5) or raise/remove the agent memory limit (resources.limits.memory).',
    prerequisites: 'Agent restart; CT/NAT maps are re-created (connection state lost per node during the rollout).',
    sources: [
      'https://docs.cilium.io/en/stable/network/ebpf/maps/',
      'https://github.com/cilium/cilium/blob/main/pkg/option/config.go',
      'https://github.com/cilium/cilium/issues/37935',
    ],
  },
  check(ctx) {
    const {snapshot} = ctx
    const ratio = currentRatio(snapshot)
    const anyPod = snapshot.agents.some((a) => podOf(snapshot, a))
    if (!anyPod && !(ratio && ratio.ratio >= BIG_RATIO)) {
      ctx.notEvaluated('agent pod memory limits unknown (no pod objects collected) and the ratio is below 0.05; collect the cilium pods (kubectl get pods -o yaml) to compare map memory with the limit')
    }
    const results = nearLimit(snapshot, memoryRows(snapshot), ratio)
    if (ratio && ratio.ratio >= BIG_RATIO) results.push(ratioTooHigh(snapshot, ratio))
    return results
  },
})

type Ratio = NonNullable<ReturnType<typeof currentRatio>>

/** Per agent with a memory limit: map memory (the larger of the estimate and the system-wide gauge) against it. */
function memoryRows(snapshot: Snapshot): Row[] {
  const vm = new Map(metricSamples(snapshot, 'cilium_bpf_maps_virtual_memory_max_bytes').map((s) => [s.agent ?? '', s]))
  const rows: Row[] = []
  for (const a of snapshot.agents) {
    const pod = podOf(snapshot, a)
    const est = predicted(snapshot, a)
    const m = vm.get(a.name)
    const maps = Math.max(est ?? 0, m?.value ?? 0)
    if (!pod?.memoryLimitBytes || maps === 0) continue
    const from = (m?.value ?? 0) > (est ?? 0) ? 'cilium_bpf_maps_virtual_memory_max_bytes (system-wide)' : 'estimated from status map sizes'
    const evidence: Evidence[] = [ev(pod.src)]
    if (m && from.startsWith('cilium_')) evidence.unshift(ev(m.src))
    else if (a.status?.bpfMaps) evidence.unshift(ev(a.status.bpfMaps.src))
    rows.push({agent: a.name, maps, from, limit: pod.memoryLimitBytes, share: maps / pod.memoryLimitBytes, oom: pod.lastTerminationReason === 'OOMKilled', evidence})
  }
  return rows
}

function nearLimit(snapshot: Snapshot, rows: Row[], ratio: Ratio | undefined): CheckResult[] {
  const bad = rows.filter((r) => r.share > LIMIT_SHARE || (r.oom && r.share > OOM_SHARE)).sort((x, y) => y.share - x.share)
  if (bad.length === 0) return []
  const w = bad[0]
  const ooms = bad.filter((r) => r.oom)
  const helm: HelmSuggestion[] = []
  const p = peakDynamicPressure(snapshot)
  if (ratio && p !== undefined && (ratio.ratio * p) / TARGET < ratio.ratio) {
    const r2 = ceil4((ratio.ratio * p) / TARGET)
    helm.push({
      path: 'bpf.mapDynamicSizeRatio', value: r2,
      reason: `peak CT/NAT pressure is ${(p * 100).toFixed(0)} %: r × p / 0.5 = ${ratio.ratio} × ${p.toFixed(2)} / 0.5 → ${r2} still keeps ≤ 50 % pressure (above the floor)`,
      cost: `map memory shrinks about ×${(r2 / ratio.ratio).toFixed(2)}; less headroom for connection bursts`,
    })
  }
  const newLimit = Math.ceil((w.limit + w.maps) / GiB)
  helm.push({
    path: 'resources.limits.memory', value: `${newLimit}Gi`,
    reason: `limit + estimated map memory (${formatBytes(w.limit)} + ${formatBytes(w.maps)}), or remove the limit`,
    cost: 'the agent may use that much node memory',
  })
  return [{
    severity: 'high',
    title: 'BPF maps take most of the agent memory limit',
    messageId: 'near-memory-limit',
    message: `BPF maps ≈ ${formatBytes(w.maps)} (${w.from}) = ${(w.share * 100).toFixed(0)} % of the ${formatBytes(w.limit)} agent memory limit on ${w.agent}; ${bad.length}/${rows.length} agents above ${ooms.length > 0 ? '25 % with OOM kills or ' : ''}50 %${ooms.length > 0 ? `; OOMKilled: ${ooms.map((r) => r.agent).join(', ')}` : ''}.`,
    agents: bad.map((r) => r.agent),
    evidence: capEvidence(bad.flatMap((r, i) => (i === 0 ? r.evidence : r.evidence.slice(0, 1)))),
    helm,
    fix: 'LRU maps are preallocated and charged to the agent cgroup on cgroup v2: size the limit for maps + agent, or size the maps for the observed pressure.',
  }]
}

function ratioTooHigh(snapshot: Snapshot, ratio: Ratio): CheckResult {
  const nodes = (snapshot.cluster.nodes ?? []).filter((n) => n.memoryBytes)
  const biggest = nodes.sort((a, b) => b.memoryBytes! - a.memoryBytes!)[0]
  const budget = biggest ? biggest.memoryBytes! * ratio.ratio : undefined
  const src = snapshot.agents.find((a) => a.status?.bpfMaps?.ratio === ratio.ratio)?.status?.bpfMaps?.src
  return {
    severity: 'medium',
    title: 'Large BPF map dynamic size ratio',
    messageId: 'ratio-too-high',
    message: `bpf-map-dynamic-size-ratio ${ratio.ratio} (${ratio.from}) is ≥ ${BIG_RATIO}: ${budget ? `on ${biggest.name} (${formatBytes(biggest.memoryBytes!)}) the maps get a ${formatBytes(budget)} budget, roughly ${formatBytes(budget * 1.8)} of kernel memory for IPv4 maps (estimate)` : `${(ratio.ratio * 100).toFixed(1)} % of every node's memory goes to the map budget, roughly 1.8× that in kernel memory (estimate)`}.`,
    agents: [],
    evidence: src ? [ev(src)] : [],
    helm: [],
    fix: 'Keep the ratio only if CT/NAT pressure needs it (see bpf-map-pressure); size for ≤ 50 % pressure.',
  }
}
