/*
 * What-if: the snapshot as it would look after rolling out an overlay, so the rules can be re-run on it.
 * Helm paths become cilium-config keys; dynamic and LB map sizes in status are recomputed with the
 * agent formula per node; observed pressures are scaled by old size / new size (the entries in use do
 * not change with the size); routing, device and KPR facts flip to what the new values make the agent do.
 * Historic evidence (logs, drop counters) is left as it was: it describes the past, not the new config.
 */
import type {Agent, BpfMapId, Node, Snapshot, SourceRef} from '../snapshot/schema.js'
import {clusterVersion, configValue} from '../rules/helpers.js'
import {computeMapSizes, DYNAMIC_FAMILIES, isDynamicRatio} from '../sizing/formula.js'
import {defaultSize, floorSize, MAP_FAMILIES, totalDefaultBytes} from '../cilium/maps.js'
import {explicitSizes, mapFamily} from './observe.js'
import {configKeyFor, deepMerge, isMap, toConfigString} from './paths.js'

export interface WhatIf {
  snapshot: Snapshot
  changes: string[]
}

const LB_ROWS: BpfMapId[] = ['lb4-services', 'lb6-services', 'lb4-backends', 'lb6-backends', 'lb4-revnat', 'lb6-revnat', 'lb-affinity']

function leaves(obj: Record<string, unknown>, prefix = ''): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = []
  for (const [k, v] of Object.entries(obj)) {
    const p = prefix ? `${prefix}.${k}` : k
    if (isMap(v)) out.push(...leaves(v, p))
    else out.push([p, v])
  }
  return out
}

const ref = (text: string): SourceRef => ({file: 'what-if: suggested values', line: 0, text})

function ratioOf(s: Snapshot): number | undefined {
  const r = Number(configValue(s, 'bpf-map-dynamic-size-ratio')?.value)
  if (isDynamicRatio(r)) return r
  for (const a of s.agents) if (a.status?.bpfMaps?.dynamicSizing && a.status.bpfMaps.ratio) return a.status.bpfMaps.ratio
  return undefined
}

/** Node memory for an agent: Node object, else inverted from its CT TCP status size and the old ratio. */
function memoryOf(node: Node | undefined, a: Agent, oldRatio: number | undefined): {bytes: number, cpus?: number} | undefined {
  if (node?.memoryBytes) return {bytes: node.memoryBytes, cpus: node.cpus}
  const tcp = a.status?.bpfMaps?.maps.find((m) => m.id === 'ct-tcp')?.size
  if (oldRatio && tcp && tcp > floorSize('ct-tcp')) return {bytes: (tcp * totalDefaultBytes()) / defaultSize('ct-tcp') / oldRatio, cpus: node?.cpus}
  return undefined
}

/** The sizing inputs cilium-config gives, before or after the overlay. */
interface Sizing {
  ratio: number | undefined
  lru: boolean
  overrides: ReturnType<typeof explicitSizes>
}

function sizingOf(s: Snapshot): Sizing {
  return {ratio: ratioOf(s), lru: configValue(s, 'bpf-distributed-lru')?.value === 'true', overrides: explicitSizes(s)}
}

export function applyOverlay(original: Snapshot, overlay: Record<string, unknown>): WhatIf {
  const s = structuredClone(original)
  const changes: string[] = []
  const before = sizingOf(s)
  applyConfig(s, overlay, changes)
  const after = sizingOf(s)
  const lbMax = Number(configValue(s, 'bpf-lb-map-max')?.value)
  const oldLbMax = Number(configValue(original, MAP_FAMILIES['lb-services'].configKey!)?.value) || defaultSize('lb-services')
  const sizingChanged = after.ratio !== before.ratio || after.lru !== before.lru || JSON.stringify(after.overrides) !== JSON.stringify(before.overrides)
  const originals = new Map(original.agents.map((a) => [a.name, a]))
  const nodes = new Map((original.cluster.nodes ?? []).map((n) => [n.name, n]))

  for (const a of s.agents) {
    // scale factor old/new per status row id, used to rescale pressures
    const scale = new Map<BpfMapId, number>()
    if (sizingChanged) {
      const orig = originals.get(a.name)!
      const mem = memoryOf(nodes.get(orig.node ?? orig.pod?.node ?? ''), orig, before.ratio)
      if (mem) resizeDynamic(a, mem, before, after, scale, changes)
      else changes.push(`${a.name}: node memory unknown, dynamic map sizes not recomputed`)
    }
    if (Number.isInteger(lbMax) && lbMax > 0 && lbMax !== oldLbMax) resizeLb(a, lbMax, oldLbMax, scale, changes)
    rescalePressure(a, scale)
    flipFacts(a, overlay)
  }
  rescalePrometheus(s, originals)
  return {snapshot: s, changes}
}

/** cilium-config and Helm values as the overlay leaves them. */
function applyConfig(s: Snapshot, overlay: Record<string, unknown>, changes: string[]): void {
  const version = s.cluster.helm?.chartVersion ?? clusterVersion(s)
  const config = s.cluster.config ?? {name: 'cilium-config', namespace: 'kube-system', data: {}}
  s.cluster.config = config
  for (const [path, value] of leaves(overlay)) {
    const key = path.startsWith('extraConfig.') ? path.slice('extraConfig.'.length) : configKeyFor(path, version)?.config
    if (!key) continue
    const before = config.data[key]?.value
    config.data[key] = {value: toConfigString(value), src: ref(`${key}: ${toConfigString(value)}`)}
    changes.push(`cilium-config ${key}: ${before ?? '(unset)'} → ${toConfigString(value)}`)
  }
  if (s.cluster.helm) s.cluster.helm.values = deepMerge(s.cluster.helm.values, overlay) as Record<string, unknown>
}

function resizeDynamic(a: Agent, mem: {bytes: number, cpus?: number}, before: Sizing, after: Sizing, scale: Map<BpfMapId, number>, changes: string[]): void {
  const rows = a.status?.bpfMaps?.maps ?? []
  const old = computeMapSizes({memoryBytes: mem.bytes, cpus: mem.cpus, ratio: before.ratio, distributedLru: before.lru, overrides: before.overrides})
  const now = computeMapSizes({memoryBytes: mem.bytes, cpus: mem.cpus, ratio: after.ratio, distributedLru: after.lru, overrides: after.overrides})
  for (const f of DYNAMIC_FAMILIES) {
    const row = rows.find((r) => r.id === f)
    const entries = now.sizes[f].entries
    scale.set(f, (row?.size ?? old.sizes[f].entries) / entries)
    if (row && row.size !== entries) {
      changes.push(`${a.name}: ${row.name} ${row.size} → ${entries}`)
      row.size = entries
      row.src = ref(`${row.name} ${entries}`)
    }
  }
  if (a.status?.bpfMaps) {
    a.status.bpfMaps.dynamicSizing = isDynamicRatio(after.ratio)
    a.status.bpfMaps.ratio = after.ratio
  }
}

function resizeLb(a: Agent, lbMax: number, oldLbMax: number, scale: Map<BpfMapId, number>, changes: string[]): void {
  const rows = a.status?.bpfMaps?.maps ?? []
  for (const id of LB_ROWS) {
    const row = rows.find((r) => r.id === id)
    scale.set(id, (row?.size ?? oldLbMax) / lbMax)
    if (!row) continue
    changes.push(`${a.name}: ${row.name} ${row.size} → ${lbMax}`)
    row.size = lbMax
    row.src = ref(`${row.name} ${lbMax}`)
  }
}

/** Prometheus series: attributed by pod/instance to the agent's scale (recomputed the same way). */
function rescalePrometheus(s: Snapshot, originals: Map<string, Agent>): void {
  const agents = new Map(s.agents.map((a) => [a.name, a]))
  for (const sample of s.prometheus?.samples ?? []) {
    if (sample.name !== 'cilium_bpf_map_pressure') continue
    const name = sample.labels.pod ?? sample.labels.instance
    const agent = agents.get(name)
    const orig = originals.get(name)
    const fam = mapFamily(sample.labels.map_name ?? '')
    if (!agent || !orig || !fam) continue
    const before = orig.status?.bpfMaps?.maps.find((m) => m.id === fam.row)?.size
    const after = agent.status?.bpfMaps?.maps.find((m) => m.id === fam.row)?.size
    if (before && after) sample.value = (sample.value * before) / after
  }
}

function rescalePressure(a: Agent, scale: Map<BpfMapId, number>): void {
  if (scale.size === 0) return
  for (const sample of a.metrics?.samples ?? []) {
    if (sample.name !== 'cilium_bpf_map_pressure') continue
    const fam = mapFamily(sample.labels.map_name ?? sample.labels.mapName ?? '')
    const k = fam ? scale.get(fam.row) : undefined
    if (k === undefined) continue
    const v = sample.value * k
    sample.src = ref(`${sample.src.text} (what-if: × ${k.toFixed(3)} → ${v.toFixed(3)})`)
    sample.value = v
  }
}

/** What the agent would report after restarting with the new values. */
function flipFacts(a: Agent, overlay: Record<string, unknown>): void {
  const st = a.status
  if (!st) return
  const bpf = isMap(overlay.bpf) ? overlay.bpf : {}
  const kpr = overlay.kubeProxyReplacement
  if ((kpr === true || kpr === 'true') && st.kubeProxyReplacement) {
    st.kubeProxyReplacement = {...st.kubeProxyReplacement, mode: 'True', enabled: true, src: ref('KubeProxyReplacement: True')}
  }
  if ((bpf.masquerade === true) && st.masquerading) st.masquerading = {...st.masquerading, mode: 'BPF', text: 'BPF', src: ref('Masquerading: BPF')}
  if (bpf.hostLegacyRouting === false && st.routing) st.routing = {...st.routing, host: 'BPF', src: ref(`Routing: Network: ${st.routing.network ?? 'Tunnel'} Host: BPF`)}
  if (typeof bpf.datapathMode === 'string') {
    st.deviceMode = {value: bpf.datapathMode, configured: bpf.datapathMode, src: ref(`Device Mode: ${bpf.datapathMode}`)}
  }
}
