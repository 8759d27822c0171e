/*
 * The BPF map families Cilium sizes, described once: pinned names per version, status row, Helm value,
 * cilium-config key, default size, dynamic-sizing floor/limit and the element size the agent's
 * dynamic-sizing share uses. Rules, sizing and suggest all read this table.
 * Sources: pkg/option/config.go (calculateDynamicBPFMapSizes), pkg/loadbalancer/config.go,
 * Documentation/network/ebpf/maps.rst, kernel/bpf/hashtab.c (struct htab_elem).
 */
import type {BpfMapId} from '../snapshot/schema.js'

export const MAPS_DOC = 'https://docs.cilium.io/en/stable/network/ebpf/maps/'

export type FamilyId =
  | 'ct-tcp' | 'ct-any' | 'nat' | 'neigh' | 'sock-revnat'
  | 'lb-services' | 'lb-backends' | 'lb-revnat' | 'lb-affinity' | 'lb-other'
  | 'policy' | 'ipcache' | 'lxc' | 'frag' | 'other'

export interface MapFamily {
  id: FamilyId
  /** Short label used in findings ("CT TCP"). */
  label: string
  /** The row of `cilium-dbg status --verbose` "BPF Maps" ("TCP connection tracking"). */
  statusLabel?: string
  /** Pinned map names (without the cilium_ prefix), every version's spelling. */
  names: RegExp
  /** Sized by bpf-map-dynamic-size-ratio. */
  dynamic: boolean
  /** Explicit size knob in Helm; extraConfig.* when the chart has no value of its own. */
  helmPath?: string
  configKey?: string
  /** 1.18+ per-map cilium-config override (0 = use configKey). */
  configKey118?: string
  defaultSize?: number
  /** Dynamic sizing minimum (LimitTableAuto*Min). */
  floor?: number
  max?: number
  /** Bytes per entry the daemon registers for the dynamic share (IPv6 key + value, Go unsafe.Sizeof). */
  elementBytes?: number
  /** Kernel bytes per IPv4 entry including htab_elem overhead (an estimate). */
  kernelBytesV4?: number
}

/** LimitTableMax / LimitTableMin of pkg/option/config.go. */
export const LIMIT_TABLE_MAX = 16777216
export const LIMIT_TABLE_MIN = 1024

export const MAP_FAMILIES: Record<FamilyId, MapFamily> = {
  'ct-tcp': {id: 'ct-tcp', label: 'CT TCP', statusLabel: 'TCP connection tracking', names: /^ct[46]_global$/, dynamic: true, helmPath: 'bpf.ctTcpMax', configKey: 'bpf-ct-global-tcp-max', defaultSize: 524288, floor: 131072, max: LIMIT_TABLE_MAX, elementBytes: 94, kernelBytesV4: 120},
  'ct-any': {id: 'ct-any', label: 'CT non-TCP', statusLabel: 'Non-TCP connection tracking', names: /^ct_any[46]_global$/, dynamic: true, helmPath: 'bpf.ctAnyMax', configKey: 'bpf-ct-global-any-max', defaultSize: 262144, floor: 65536, max: LIMIT_TABLE_MAX, elementBytes: 94, kernelBytesV4: 120},
  'nat': {id: 'nat', label: 'NAT', statusLabel: 'NAT', names: /^snat_v[46]_external$/, dynamic: true, helmPath: 'bpf.natMax', configKey: 'bpf-nat-global-max', defaultSize: 524288, floor: 131072, max: LIMIT_TABLE_MAX, elementBytes: 94, kernelBytesV4: 104},
  'neigh': {id: 'neigh', label: 'Neighbor', statusLabel: 'Neighbor table', names: /^nodeport_neigh[46]$/, dynamic: true, helmPath: 'bpf.neighMax', configKey: 'bpf-neigh-global-max', defaultSize: 524288, floor: 131072, max: LIMIT_TABLE_MAX, elementBytes: 24, kernelBytesV4: 64},
  'sock-revnat': {id: 'sock-revnat', label: 'Sock reverse NAT', statusLabel: 'Sock reverse NAT', names: /^lb[46]_reverse_sk$/, dynamic: true, helmPath: 'extraConfig.bpf-sock-rev-map-max', configKey: 'bpf-sock-rev-map-max', defaultSize: 262144, floor: 65536, max: LIMIT_TABLE_MAX, elementBytes: 52, kernelBytesV4: 72},
  'lb-services': {id: 'lb-services', label: 'LB service', names: /^lb[46]_services(_v\d+)?$/, dynamic: false, helmPath: 'bpf.lbMapMax', configKey: 'bpf-lb-map-max', configKey118: 'bpf-lb-service-map-max', defaultSize: 65536},
  'lb-backends': {id: 'lb-backends', label: 'LB backend', names: /^lb[46]_backends(_v\d+)?$/, dynamic: false, helmPath: 'bpf.lbMapMax', configKey: 'bpf-lb-map-max', configKey118: 'bpf-lb-service-backend-map-max', defaultSize: 65536},
  'lb-revnat': {id: 'lb-revnat', label: 'LB reverse NAT', names: /^lb[46]_reverse_nat$/, dynamic: false, helmPath: 'bpf.lbMapMax', configKey: 'bpf-lb-map-max', configKey118: 'bpf-lb-rev-nat-map-max', defaultSize: 65536},
  'lb-affinity': {id: 'lb-affinity', label: 'LB session affinity', names: /^lb[46]?_affinity(_match)?$/, dynamic: false, helmPath: 'bpf.lbMapMax', configKey: 'bpf-lb-map-max', configKey118: 'bpf-lb-affinity-map-max', defaultSize: 65536},
  'lb-other': {id: 'lb-other', label: 'LB (source range / maglev)', names: /^lb[46]_(source_range|maglev)/, dynamic: false, helmPath: 'bpf.lbMapMax', configKey: 'bpf-lb-map-max', defaultSize: 65536},
  'policy': {id: 'policy', label: 'Endpoint policy', names: /^policy(_v\d+)?(_\d+)?$/, dynamic: false, helmPath: 'bpf.policyMapMax', configKey: 'bpf-policy-map-max', defaultSize: 16384, max: 65536},
  'ipcache': {id: 'ipcache', label: 'IP cache', names: /^ipcache(_v\d+)?$/, dynamic: false, defaultSize: 512000},
  'lxc': {id: 'lxc', label: 'Local endpoints (lxc)', names: /^lxc$/, dynamic: false, defaultSize: 65535},
  'frag': {id: 'frag', label: 'IPv4 fragments', names: /^ipv[46]_frag_datagrams$/, dynamic: false, helmPath: 'extraConfig.bpf-fragments-map-max', configKey: 'bpf-fragments-map-max', defaultSize: 8192, max: 65536},
  'other': {id: 'other', label: 'other', names: /$^/, dynamic: false},
}

export const DYNAMIC_FAMILIES = ['ct-tcp', 'ct-any', 'nat', 'neigh', 'sock-revnat'] as const
export type DynamicFamily = typeof DYNAMIC_FAMILIES[number]
export const LB_FAMILIES = ['lb-services', 'lb-backends', 'lb-revnat'] as const
export type LbFamily = typeof LB_FAMILIES[number]

export function isDynamicFamily(f: string): f is DynamicFamily {
  return (DYNAMIC_FAMILIES as readonly string[]).includes(f)
}

/** Default size of a family (read at call time, so one edit of the table is followed everywhere). */
export function defaultSize(f: FamilyId): number {
  return MAP_FAMILIES[f].defaultSize ?? 0
}

/** Dynamic sizing minimum of a dynamic family. */
export function floorSize(f: DynamicFamily): number {
  return MAP_FAMILIES[f].floor!
}

export function elementBytes(f: DynamicFamily): number {
  return MAP_FAMILIES[f].elementBytes!
}

/** The byte budget of the default sizes (149,422,080). Neighbor is weighted with the NAT default, as in the agent. */
export function totalDefaultBytes(): number {
  return defaultSize('ct-tcp') * elementBytes('ct-tcp') +
    defaultSize('ct-any') * elementBytes('ct-any') +
    defaultSize('nat') * elementBytes('nat') +
    defaultSize('nat') * elementBytes('neigh') +
    defaultSize('sock-revnat') * elementBytes('sock-revnat')
}

/** The dynamic family an explicit-size Helm path sets, if any. */
export function familyOfHelmPath(path: string): DynamicFamily | undefined {
  return DYNAMIC_FAMILIES.find((f) => MAP_FAMILIES[f].helmPath === path)
}

// map names repeat on every agent (a 1000-agent capture asks for the same few dozen ~100k times)
const familyCache = new Map<string, FamilyId>()
const ORDER = Object.values(MAP_FAMILIES)

/** Family of a map from its metric label (`ct4_global`) or pinned name (`cilium_ct4_global`). */
export function familyOf(mapName: string): FamilyId {
  let f = familyCache.get(mapName)
  if (f === undefined) {
    if (familyCache.size >= 4096) familyCache.clear() // bounded: per-endpoint policy map names never repeat
    const n = mapName.replace(/^cilium_/, '')
    f = ORDER.find((fam) => fam.names.test(n))?.id ?? 'other'
    familyCache.set(mapName, f)
  }
  return f
}

/** Which status "BPF Maps" row holds the configured size of this map. */
export function statusIdOf(mapName: string): BpfMapId | undefined {
  const n = mapName.replace(/^cilium_/, '')
  const v6 = /^(lb6|ct6|ct_any6|snat_v6|nodeport_neigh6)/.test(n)
  const fam = familyOf(n)
  switch (fam) {
    case 'ct-tcp': case 'ct-any': case 'nat': case 'neigh': case 'sock-revnat': case 'policy': case 'ipcache':
      return fam
    case 'lb-services': return v6 ? 'lb6-services' : 'lb4-services'
    case 'lb-backends': return v6 ? 'lb6-backends' : 'lb4-backends'
    case 'lb-revnat': return v6 ? 'lb6-revnat' : 'lb4-revnat'
    case 'lb-affinity': return 'lb-affinity'
    case 'lxc': return 'endpoints'
    case 'frag': return n.startsWith('ipv4') ? 'frag4' : undefined
    default: return undefined
  }
}

export function nextPow2(n: number): number {
  let p = 1
  while (p < n) p *= 2
  return p
}

/** Kernel allocation of one hash map: elements + bucket array; an estimate. */
export function kernelBytes(fam: FamilyId, entries: number): number {
  const per = MAP_FAMILIES[fam].kernelBytesV4 ?? 0
  return entries * per + nextPow2(entries) * 16
}
