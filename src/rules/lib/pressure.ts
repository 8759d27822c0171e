import type {Snapshot} from '../../snapshot/schema.js'
import type {HelmSuggestion, Severity} from '../types.js'
import {percent} from './core.js'
import type {FamilyId} from '../../cilium/maps.js'
import {DYNAMIC_FAMILIES, MAP_FAMILIES as FAMILIES, kernelBytes, nextPow2} from '../../cilium/maps.js'
import {ceil4, currentRatio, dynamicSizingOff, explicitSize, mib} from './maps.js'

/** Pressure thresholds (heuristic, rules-catalog R-MAP-01): ≥0.80 high, ≥0.95 critical; Cilium calls ≥1.0 full. */
export const HIGH = 0.8
export const CRITICAL = 0.95
/** Size for at most 50 % pressure after the change (map-sizing.md §4, r' = r × p / 0.5). */
export const TARGET = 0.5

export function pressureSeverity(p: number): Severity | undefined {
  if (p >= CRITICAL) return 'critical'
  if (p >= HIGH) return 'high'
  return undefined
}

export function pressureWord(p: number): string {
  if (p > 1) return 'over capacity'
  if (p >= 1) return 'full'
  if (p >= CRITICAL) return 'nearly full'
  return 'filling up'
}


export interface Sizing {
  helm: HelmSuggestion[]
  note?: string // why no Helm value could help, when that is the case
}

/**
 * What to change so a map family drops to ≤ 50 % pressure.
 * `size` is the configured size of the map where pressure `p` was measured (undefined when unknown).
 */
export function sizingFor(snapshot: Snapshot, fam: FamilyId, p: number, size: number | undefined): Sizing {
  const f = FAMILIES[fam]
  if (p <= TARGET) return {helm: []}
  if (f.dynamic) return dynamicSizing(snapshot, fam, p, size)
  if (!f.helmPath) {
    return {helm: [], note: `${f.label} map has no size knob; reduce what fills it (e.g. endpoints/CIDR identities) or upgrade`}
  }
  const cur = size ?? explicitSize(snapshot, fam) ?? f.defaultSize
  if (!cur) return {helm: []}
  const needed = Math.ceil(cur * p)
  let value = Math.max(nextPow2(Math.ceil(needed / TARGET)), cur)
  if (f.max) value = Math.min(value, f.max)
  if (value <= cur) {
    return {helm: [], note: `${f.label} map is already at its maximum (${cur}); reduce the entries that fill it`}
  }
  const reason = `about ${needed} entries needed (${cur} × ${percent(p)}); next power of two ≥ ${needed} / ${TARGET} keeps pressure ≤ 50 %`
  if (fam.startsWith('lb-')) {
    return {helm: [{
      path: 'bpf.lbMapMax', value, reason: `${reason}; applies to all LB maps (services, backends, rev-NAT, affinity, source range, maglev)`,
      cost: `LB maps are hash maps allocated on demand unless bpf.preallocateMaps=true; up to ${value} entries per LB map (estimate, small per entry)`,
    }]}
  }
  if (fam === 'policy') {
    return {helm: [{
      path: 'bpf.policyMapMax', value, reason: `${reason} (allowed 256–65536)`,
      cost: 'one policy map per endpoint: memory grows with endpoints × entries (not preallocated unless bpf.preallocateMaps=true)',
    }]}
  }
  return {helm: [{path: f.helmPath, value: String(value), reason: `${reason} (max ${f.max ?? 'n/a'})`}]}
}

function dynamicSizing(snapshot: Snapshot, fam: FamilyId, p: number, size: number | undefined): Sizing {
  const f = FAMILIES[fam]
  const explicit = explicitSize(snapshot, fam)
  const ratio = currentRatio(snapshot)
  const atFloor = size !== undefined && f.floor !== undefined && size <= f.floor
  if (explicit === undefined && ratio && !dynamicSizingOff(snapshot) && !atFloor) {
    const r2 = Math.max(ceil4((ratio.ratio * p) / TARGET), ratio.ratio)
    if (r2 <= ratio.ratio) return {helm: []}
    const scale = r2 / ratio.ratio
    const agent = snapshot.agents.find((a) => a.status?.bpfMaps)
    let cost = `every dynamic map (CT, NAT, neighbor, sock rev-NAT) grows ×${scale.toFixed(2)}`
    if (agent) {
      let now = 0
      let then = 0
      for (const d of DYNAMIC_FAMILIES) {
        const row = agent.status!.bpfMaps!.maps.find((m) => m.id === d)
        if (!row) continue
        now += kernelBytes(d, row.size)
        then += kernelBytes(d, Math.min(Math.ceil(row.size * scale), FAMILIES[d].max!))
      }
      if (now > 0) {
        cost += `; estimated kernel memory per node for IPv4 maps ${mib(now)} → ${mib(then)} (LRU maps are fully preallocated and charged to the agent cgroup; roughly double with IPv6; estimate from element sizes in map-sizing §4, node ${agent.node ?? agent.name})`
      }
    }
    return {helm: [{
      path: 'bpf.mapDynamicSizeRatio', value: r2,
      reason: `r' = r × p / 0.5 = ${ratio.ratio} × ${p.toFixed(2)} / 0.5 → ${r2} (target ≤ 50 % pressure; linear above the dynamic-sizing floor)`,
      cost,
    }]}
  }
  const cur = size ?? explicit ?? f.defaultSize!
  const needed = Math.ceil(cur * p)
  const value = Math.min(Math.max(Math.ceil(needed / TARGET / 65536) * 65536, cur), f.max!)
  if (value <= cur) return {helm: [], note: `${f.label} map is at its maximum (${cur})`}
  const why = explicit !== undefined
    ? `size is set explicitly (${f.configKey}=${explicit}), so the ratio does not apply to it`
    : atFloor
      ? `the map sits at the dynamic-sizing floor (${f.floor}): raising the ratio a little changes nothing on small nodes`
      : 'dynamic sizing is off'
  const memDelta = kernelBytes(fam, value) - kernelBytes(fam, cur)
  const helm: HelmSuggestion[] = [{
    path: f.helmPath!, value: fam === 'sock-revnat' ? String(value) : value,
    reason: `${why}; about ${needed} entries needed (${cur} × ${percent(p)}), rounded up to a multiple of 65536 for ≤ 50 % pressure`,
    cost: `≈ +${mib(memDelta)} kernel memory per node for the IPv4 map (estimate: ${FAMILIES[fam].kernelBytesV4} B per entry incl. hash overhead; LRU maps are preallocated and charged to the agent cgroup; more with IPv6)`,
  }]
  return {helm, note: fam === 'nat' ? 'NAT must stay ≤ CT TCP + CT any, otherwise the agent refuses to start' : undefined}
}
