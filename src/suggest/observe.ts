/*
 * Per-node inputs of the sizing recommendation, read from the snapshot: node memory and CPUs
 * (Node objects), map sizes the agent reports (status "BPF Maps"), and observed fill
 * (cilium_bpf_map_pressure, else `cilium-dbg map list` cached entries / status size).
 */
import type {Agent, BpfMapId, Snapshot} from '../snapshot/schema.js'
import {configBool, configValue, metricSamples} from '../rules/helpers.js'
import type {DynamicFamily, LbFamily} from '../cilium/maps.js'
import {defaultSize, DYNAMIC_FAMILIES, familyOf, floorSize, isDynamicFamily, LB_FAMILIES, MAP_FAMILIES, statusIdOf, totalDefaultBytes} from '../cilium/maps.js'
import type {NodeObservation} from '../sizing/recommend.js'

/** Status row and map family of a map name (metric label or pinned name), for the families suggest sizes. */
export function mapFamily(name: string): {family: DynamicFamily | LbFamily, row: BpfMapId} | undefined {
  const family = familyOf(name)
  const row = statusIdOf(name)
  if (!row || !(isDynamicFamily(family) || (LB_FAMILIES as readonly string[]).includes(family))) return undefined
  return {family: family as DynamicFamily | LbFamily, row}
}

export interface Observed {
  node: string
  agent: string
  /** Peak fill per family, and the size it was measured against. */
  pressure: Partial<Record<DynamicFamily | LbFamily, {value: number, size?: number}>>
}

function agentNode(a: Agent): string {
  return a.node ?? a.pod?.node ?? a.name
}

export function observe(snapshot: Snapshot): Observed[] {
  const out: Observed[] = []
  const byAgent = new Map<string, Observed>()
  for (const a of snapshot.agents) {
    const o: Observed = {node: agentNode(a), agent: a.name, pressure: {}}
    out.push(o)
    byAgent.set(a.name, o)
  }
  const rowSize = (agent: string, row: BpfMapId) => snapshot.agents.find((a) => a.name === agent)?.status?.bpfMaps?.maps.find((m) => m.id === row)?.size
  const note = (o: Observed, name: string, value: number) => {
    const fam = mapFamily(name)
    if (!fam || !Number.isFinite(value)) return
    const prev = o.pressure[fam.family]
    if (!prev || value > prev.value) o.pressure[fam.family] = {value, size: rowSize(o.agent, fam.row)}
  }
  for (const s of metricSamples(snapshot, 'cilium_bpf_map_pressure')) {
    const name = s.labels.map_name ?? s.labels.mapName
    if (!name) continue
    let o = s.agent ? byAgent.get(s.agent) : undefined
    if (!o && s.labels.node) o = out.find((x) => x.node === s.labels.node)
    if (!o) {
      // Prometheus series for an agent not in the evidence: keep it, keyed by what Prometheus calls it.
      const id = s.agent ?? s.labels.node ?? 'unknown'
      o = {node: s.labels.node ?? id, agent: id, pressure: {}}
      out.push(o)
      byAgent.set(id, o)
    }
    note(o, name, s.value)
  }
  for (const a of snapshot.agents) {
    const o = byAgent.get(a.name)!
    for (const row of a.maps?.maps ?? []) {
      const fam = mapFamily(row.name)
      if (!fam || row.entries === undefined || row.cacheEnabled === false || o.pressure[fam.family]) continue
      const size = rowSize(a.name, fam.row)
      if (size && row.entries > 0) note(o, row.name, row.entries / size)
    }
  }
  return out
}

/** The ratio in effect: status first, then cilium-config, then the given values. */
export function currentRatio(snapshot: Snapshot, valuesRatio?: unknown): number | undefined {
  for (const a of snapshot.agents) {
    const b = a.status?.bpfMaps
    if (b?.dynamicSizing && b.ratio && b.ratio > 0) return b.ratio
  }
  const cm = Number(configValue(snapshot, 'bpf-map-dynamic-size-ratio')?.value)
  if (Number.isFinite(cm) && cm > 0 && cm <= 1) return cm
  const v = Number(valuesRatio)
  return Number.isFinite(v) && v > 0 && v <= 1 ? v : undefined
}

export function distributedLru(snapshot: Snapshot, valuesLru?: unknown): boolean {
  return configBool(snapshot, 'bpf-distributed-lru') ?? (valuesLru === true || valuesLru === 'true')
}

/** Explicit sizes in cilium-config (they override the ratio for their map). */
export function explicitSizes(snapshot: Snapshot): Partial<Record<DynamicFamily, number>> {
  const out: Partial<Record<DynamicFamily, number>> = {}
  for (const f of DYNAMIC_FAMILIES) {
    const n = Number(configValue(snapshot, MAP_FAMILIES[f].configKey!)?.value)
    if (Number.isInteger(n) && n > 0) out[f] = n
  }
  return out
}

/**
 * Node observations for the dynamic families. Memory comes from the Node object; when it is missing,
 * it is inverted from the CT TCP size the agent reports (exact to ~1 KB above the min clamp).
 */
export function nodeObservations(snapshot: Snapshot, observed: Observed[], ratio: number | undefined): {nodes: NodeObservation[], unknown: string[]} {
  const nodes: NodeObservation[] = []
  const unknown: string[] = []
  const ipv6 = configBool(snapshot, 'enable-ipv6') === true
  for (const o of observed) {
    const n = snapshot.cluster.nodes?.find((x) => x.name === o.node)
    const agent = snapshot.agents.find((a) => a.name === o.agent)
    const currentSizes: Partial<Record<DynamicFamily, number>> = {}
    for (const m of agent?.status?.bpfMaps?.maps ?? []) {
      if (isDynamicFamily(m.id)) currentSizes[m.id] = m.size
    }
    const pressure: NodeObservation['pressure'] = {}
    for (const f of DYNAMIC_FAMILIES) if (o.pressure[f]) pressure[f] = o.pressure[f].value
    let memoryBytes = n?.memoryBytes
    let memorySource: NodeObservation['memorySource'] = 'node'
    const tcp = currentSizes['ct-tcp']
    if (memoryBytes === undefined && ratio && tcp && tcp > floorSize('ct-tcp')) {
      memoryBytes = Math.round((tcp * totalDefaultBytes()) / defaultSize('ct-tcp') / ratio)
      memorySource = 'inferred'
    }
    if (memoryBytes === undefined) {
      if (Object.keys(pressure).length > 0) unknown.push(o.node)
      continue
    }
    nodes.push({node: o.node, memoryBytes, cpus: n?.cpus, memorySource, pressure, currentSizes, ipv6})
  }
  return {nodes, unknown}
}

export type {LbFamily}
