import type {Agent, BpfMapId, Snapshot} from '../src/snapshot/schema.js'
import {configValue} from '../src/rules/helpers.js'

/*
 * The BPF map families the capacity rules reason about, with their sizing knobs.
 * Sizes, floors and element sizes come from knowledge/map-sizing.md §1, §2 and §4;
 * Helm paths and ConfigMap keys from knowledge/helm-config-map.md §1.
 */

export type FamilyId =
  | 'ct-tcp' | 'ct-any' | 'nat' | 'neigh' | 'sock-revnat'
  | 'lb-services' | 'lb-backends' | 'lb-revnat' | 'lb-affinity' | 'lb-other'
  | 'policy' | 'ipcache' | 'lxc' | 'frag' | 'other'

export interface Family {
  id: FamilyId
  label: string
  dynamic: boolean // sized by bpf-map-dynamic-size-ratio
  helmPath?: string // explicit size knob; undefined = no knob
  configKey?: string
  defaultSize?: number
  floor?: number // dynamic sizing minimum
  max?: number
  catalog: string
  kernelBytesV4?: number // per entry incl. htab_elem overhead (map-sizing.md §4, estimate)
}

export const FAMILIES: Record<FamilyId, Family> = {
  'ct-tcp': {id: 'ct-tcp', label: 'CT TCP', dynamic: true, helmPath: 'bpf.ctTcpMax', configKey: 'bpf-ct-global-tcp-max', defaultSize: 524288, floor: 131072, max: 16777216, catalog: 'R-MAP-01', kernelBytesV4: 120},
  'ct-any': {id: 'ct-any', label: 'CT non-TCP', dynamic: true, helmPath: 'bpf.ctAnyMax', configKey: 'bpf-ct-global-any-max', defaultSize: 262144, floor: 65536, max: 16777216, catalog: 'R-MAP-02', kernelBytesV4: 120},
  'nat': {id: 'nat', label: 'NAT', dynamic: true, helmPath: 'bpf.natMax', configKey: 'bpf-nat-global-max', defaultSize: 524288, floor: 131072, max: 16777216, catalog: 'R-MAP-04', kernelBytesV4: 104},
  'neigh': {id: 'neigh', label: 'Neighbor', dynamic: true, helmPath: 'bpf.neighMax', configKey: 'bpf-neigh-global-max', defaultSize: 524288, floor: 131072, max: 16777216, catalog: 'R-MAP-05', kernelBytesV4: 64},
  'sock-revnat': {id: 'sock-revnat', label: 'Sock reverse NAT', dynamic: true, helmPath: 'extraConfig.bpf-sock-rev-map-max', configKey: 'bpf-sock-rev-map-max', defaultSize: 262144, floor: 65536, max: 16777216, catalog: 'R-MAP-05', kernelBytesV4: 72},
  'lb-services': {id: 'lb-services', label: 'LB service', dynamic: false, helmPath: 'bpf.lbMapMax', configKey: 'bpf-lb-map-max', defaultSize: 65536, catalog: 'R-MAP-06'},
  'lb-backends': {id: 'lb-backends', label: 'LB backend', dynamic: false, helmPath: 'bpf.lbMapMax', configKey: 'bpf-lb-map-max', defaultSize: 65536, catalog: 'R-MAP-07'},
  'lb-revnat': {id: 'lb-revnat', label: 'LB reverse NAT', dynamic: false, helmPath: 'bpf.lbMapMax', configKey: 'bpf-lb-map-max', defaultSize: 65536, catalog: 'R-MAP-06'},
  'lb-affinity': {id: 'lb-affinity', label: 'LB session affinity', dynamic: false, helmPath: 'bpf.lbMapMax', configKey: 'bpf-lb-map-max', defaultSize: 65536, catalog: 'R-MAP-06'},
  'lb-other': {id: 'lb-other', label: 'LB (source range / maglev)', dynamic: false, helmPath: 'bpf.lbMapMax', configKey: 'bpf-lb-map-max', defaultSize: 65536, catalog: 'R-MAP-06'},
  'policy': {id: 'policy', label: 'Endpoint policy', dynamic: false, helmPath: 'bpf.policyMapMax', configKey: 'bpf-policy-map-max', defaultSize: 16384, max: 65536, catalog: 'R-MAP-08'},
  'ipcache': {id: 'ipcache', label: 'IP cache', dynamic: false, defaultSize: 512000, catalog: 'R-MAP-05'},
  'lxc': {id: 'lxc', label: 'Local endpoints (lxc)', dynamic: false, defaultSize: 65535, catalog: 'R-MAP-05'},
  'frag': {id: 'frag', label: 'IPv4 fragments', dynamic: false, helmPath: 'extraConfig.bpf-fragments-map-max', configKey: 'bpf-fragments-map-max', defaultSize: 8192, max: 65536, catalog: 'R-MAP-05'},
  'other': {id: 'other', label: 'other', dynamic: false, catalog: 'R-MAP-05'},
}

export const DYNAMIC_FAMILIES: FamilyId[] = ['ct-tcp', 'ct-any', 'nat', 'neigh', 'sock-revnat']

// map names repeat on every agent (a 1000-agent capture asks for the same few dozen ~100k times)
const familyCache = new Map<string, FamilyId>()

/** Family of a map from its metric label (`ct4_global`) or pinned name (`cilium_ct4_global`). */
export function familyOf(mapName: string): FamilyId {
  let f = familyCache.get(mapName)
  if (f === undefined) {
    if (familyCache.size >= 4096) familyCache.clear() // bounded: per-endpoint policy map names never repeat
    f = familyFromName(mapName)
    familyCache.set(mapName, f)
  }
  return f
}

function familyFromName(mapName: string): FamilyId {
  const n = mapName.replace(/^cilium_/, '')
  if (/^ct[46]_global$/.test(n)) return 'ct-tcp'
  if (/^ct_any[46]_global$/.test(n)) return 'ct-any'
  if (/^snat_v[46]_external$/.test(n)) return 'nat'
  if (/^nodeport_neigh[46]$/.test(n)) return 'neigh'
  if (/^lb[46]_reverse_sk$/.test(n)) return 'sock-revnat'
  if (/^lb[46]_services(_v\d+)?$/.test(n)) return 'lb-services'
  if (/^lb[46]_backends(_v\d+)?$/.test(n)) return 'lb-backends'
  if (/^lb[46]_reverse_nat$/.test(n)) return 'lb-revnat'
  if (/^lb[46]?_affinity(_match)?$/.test(n)) return 'lb-affinity'
  if (/^lb[46]_(source_range|maglev)/.test(n)) return 'lb-other'
  if (/^policy(_v\d+)?(_\d+)?$/.test(n)) return 'policy'
  if (/^ipcache(_v\d+)?$/.test(n)) return 'ipcache'
  if (n === 'lxc') return 'lxc'
  if (/^ipv[46]_frag_datagrams$/.test(n)) return 'frag'
  return 'other'
}

/** Which status "BPF Maps" row holds the configured size of this map. */
export function statusIdOf(mapName: string): BpfMapId | undefined {
  const n = mapName.replace(/^cilium_/, '')
  const v6 = /^(lb6|ct6|ct_any6|snat_v6|nodeport_neigh6)/.test(n)
  switch (familyOf(n)) {
    case 'ct-tcp': return 'ct-tcp'
    case 'ct-any': return 'ct-any'
    case 'nat': return 'nat'
    case 'neigh': return 'neigh'
    case 'sock-revnat': return 'sock-revnat'
    case 'lb-services': return v6 ? 'lb6-services' : 'lb4-services'
    case 'lb-backends': return v6 ? 'lb6-backends' : 'lb4-backends'
    case 'lb-revnat': return v6 ? 'lb6-revnat' : 'lb4-revnat'
    case 'lb-affinity': return 'lb-affinity'
    case 'policy': return 'policy'
    case 'ipcache': return 'ipcache'
    case 'lxc': return 'endpoints'
    case 'frag': return n.startsWith('ipv4') ? 'frag4' : undefined
    default: return undefined
  }
}

type StatusMapRow = NonNullable<NonNullable<Agent['status']>['bpfMaps']>['maps'][number]
// each agent's status rows by id, built once per table instead of a linear find per map per agent
const rowsById = new WeakMap<StatusMapRow[], Map<BpfMapId, StatusMapRow>>()

function statusRow(agent: Agent | undefined, id: BpfMapId): StatusMapRow | undefined {
  const rows = agent?.status?.bpfMaps?.maps
  if (!rows) return undefined
  let index = rowsById.get(rows)
  if (!index) {
    index = new Map()
    for (const r of rows) if (!index.has(r.id)) index.set(r.id, r) // first row wins, as find() did
    rowsById.set(rows, index)
  }
  return index.get(id)
}

// explicit sizes come from the cluster config: read once per snapshot and family
const explicitBySnapshot = new WeakMap<Snapshot, Map<FamilyId, number | undefined>>()

function explicitSizeOnce(snapshot: Snapshot, fam: FamilyId): number | undefined {
  let perFam = explicitBySnapshot.get(snapshot)
  if (!perFam) explicitBySnapshot.set(snapshot, (perFam = new Map()))
  if (!perFam.has(fam)) perFam.set(fam, explicitSize(snapshot, fam))
  return perFam.get(fam)
}

/** Configured size of a map on one agent: status row first, else an explicit ConfigMap key. */
export function configuredSize(snapshot: Snapshot, agent: Agent | undefined, mapName: string):
  {size: number, from: 'status' | 'config' | 'default'} | undefined {
  const id = statusIdOf(mapName)
  const row = id ? statusRow(agent, id) : undefined
  if (row && row.size > 0) return {size: row.size, from: 'status'}
  const fam = FAMILIES[familyOf(mapName)]
  const explicit = explicitSizeOnce(snapshot, fam.id)
  if (explicit !== undefined) return {size: explicit, from: 'config'}
  if (!fam.dynamic && fam.defaultSize) return {size: fam.defaultSize, from: 'default'}
  return undefined
}

/** An explicit size key in cilium-config for the family (it overrides dynamic sizing for that map). */
export function explicitSize(snapshot: Snapshot, fam: FamilyId): number | undefined {
  const key = FAMILIES[fam].configKey
  if (!key) return undefined
  const v = configValue(snapshot, key)?.value.trim()
  const n = v === undefined ? Number.NaN : Number(v)
  return Number.isFinite(n) && n > 0 ? n : undefined
}

/** The dynamic size ratio in effect: agent status first, then cilium-config; undefined = off/unknown. */
export function currentRatio(snapshot: Snapshot): {ratio: number, from: string} | undefined {
  for (const a of snapshot.agents) {
    const b = a.status?.bpfMaps
    if (b?.dynamicSizing && b.ratio && b.ratio > 0) return {ratio: b.ratio, from: `status of ${a.name}`}
  }
  const cm = Number(configValue(snapshot, 'bpf-map-dynamic-size-ratio')?.value)
  if (Number.isFinite(cm) && cm > 0 && cm <= 1) return {ratio: cm, from: 'cilium-config bpf-map-dynamic-size-ratio'}
  return undefined
}

export function dynamicSizingOff(snapshot: Snapshot): boolean {
  const withMaps = snapshot.agents.filter((a) => a.status?.bpfMaps)
  return withMaps.length > 0 && withMaps.every((a) => !a.status!.bpfMaps!.dynamicSizing)
}

// ---------- rounding ----------

/** Round up to 4 significant digits (0.00514 → 0.00514, 0.012345 → 0.01235). */
export function ceil4(x: number): number {
  if (x <= 0) return x
  const mag = Math.floor(Math.log10(x)) - 3
  const f = 10 ** mag
  return Number((Math.ceil(x / f - 1e-9) * f).toPrecision(4))
}

export function nextPow2(n: number): number {
  let p = 1
  while (p < n) p *= 2
  return p
}

export function mib(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(2)} GiB`
  return `${Math.round(bytes / 1024 ** 2)} MiB`
}

/** Kernel allocation of one LRU hash map (map-sizing.md §4): elements + bucket array; an estimate. */
export function kernelBytes(fam: FamilyId, entries: number): number {
  const per = FAMILIES[fam].kernelBytesV4 ?? 0
  return entries * per + nextPow2(entries) * 16
}
