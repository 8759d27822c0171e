import {defaultFor} from '../cilium/helm-config.js'
import {identityLimit} from '../cilium/limits.js'
import {MAP_FAMILIES, familyOf, type FamilyId} from '../cilium/maps.js'
import {clusterVersion, configValue, currentRatio, configuredSize, metricSamples, nodeCount} from '../rules/helpers.js'
import type {Snapshot} from '../snapshot/schema.js'

/*
 * What the alerts are sized from, each value with the evidence it came from. Read once from the same
 * snapshot doctor judges (live, --from, Prometheus); a value the evidence lacks falls back to Cilium's
 * default and says so, never to a silent guess.
 */

export interface Fact<T> {value: T, from: string}

export interface MapFact {
  family: FamilyId
  label: string
  mapNames: string // a PromQL regex for map_name, with or without the cilium_ prefix
  size?: {min: number, max: number, from: string}
}

export type EncryptionMode = 'ipsec' | 'wireguard' | 'none' | 'unknown'

export interface AlertFacts {
  source: string
  namespace: Fact<string>
  nodes?: Fact<number>
  ratio?: Fact<number>
  maps: MapFact[]
  identityLimit: Fact<number>
  qps: Fact<number>
  encryption: Fact<EncryptionMode>
  operatorReplicas?: Fact<number>
  ipamPool?: Fact<number> // the smallest per-node pool seen
}

/** The map families a Cilium agent always has; others join when the evidence shows them. */
const CORE_FAMILIES: FamilyId[] = ['ct-tcp', 'ct-any', 'nat', 'lb-services', 'lb-backends', 'policy']
const OPTIONAL_FAMILIES: FamilyId[] = ['neigh', 'sock-revnat', 'lb-revnat', 'ipcache']

function promRegex(f: FamilyId): string {
  // a PromQL double-quoted string: the regex's backslashes are escaped once more
  return `(cilium_)?${MAP_FAMILIES[f].names.source.replace(/^\^/, '').replace(/\$$/, '').replace(/\\/g, '\\\\')}`
}

/** One map name per family: its size is the family's size (the IPv4 one; IPv6 maps are sized alike). */
const SAMPLE_NAME: Partial<Record<FamilyId, string>> = {
  'ct-tcp': 'ct4_global', 'ct-any': 'ct_any4_global', 'nat': 'snat_v4_external', 'neigh': 'nodeport_neigh4', 'sock-revnat': 'lb4_reverse_sk',
  'lb-services': 'lb4_services_v2', 'lb-backends': 'lb4_backends_v3', 'lb-revnat': 'lb4_reverse_nat', 'policy': 'policy', 'ipcache': 'ipcache',
}

/** Every map name the evidence mentions: status rows, map list, pressure samples. */
function seenFamilies(s: Snapshot): Set<FamilyId> {
  const seen = new Set<FamilyId>()
  for (const sm of metricSamples(s, 'cilium_bpf_map_pressure')) seen.add(familyOf(sm.labels.map_name ?? ''))
  for (const a of s.agents) for (const m of a.maps?.maps ?? []) seen.add(familyOf(m.name))
  return seen
}

/** Configured size range of one family over the agents (dynamic sizing differs with node memory). */
function sizeOf(s: Snapshot, f: FamilyId): MapFact['size'] {
  const sample = SAMPLE_NAME[f] ?? 'ct4_global'
  const sizes: Array<{size: number, from: string}> = []
  for (const a of s.agents.length > 0 ? s.agents : [undefined]) {
    const c = configuredSize(s, a, sample)
    if (c) sizes.push({size: c.size, from: c.from === 'status' ? `status of ${a!.name}` : c.from === 'config' ? 'cilium-config' : 'Cilium default'})
  }
  if (sizes.length === 0) return undefined
  const min = Math.min(...sizes.map((x) => x.size))
  const max = Math.max(...sizes.map((x) => x.size))
  const froms = [...new Set(sizes.map((x) => x.from.startsWith('status of') ? 'agent status' : x.from))]
  return {min, max, from: sizes.length === 1 ? sizes[0].from : `${froms.join(', ')} of ${sizes.length} agents`}
}

function encryptionOf(s: Snapshot): Fact<EncryptionMode> {
  const st = s.agents.find((a) => a.status?.encryption)?.status?.encryption
  if (st) {
    const mode = /wireguard/i.test(st.mode) ? 'wireguard' : /ipsec/i.test(st.mode) ? 'ipsec' : /disabled/i.test(st.mode) ? 'none' : 'unknown'
    return {value: mode, from: `agent status "Encryption: ${st.text}"`}
  }
  const ipsec = configValue(s, 'enable-ipsec')?.value
  const wg = configValue(s, 'enable-wireguard')?.value
  if (wg === 'true') return {value: 'wireguard', from: 'cilium-config enable-wireguard=true'}
  if (ipsec === 'true') return {value: 'ipsec', from: 'cilium-config enable-ipsec=true'}
  if (s.cluster.config) return {value: 'none', from: 'cilium-config (neither enable-ipsec nor enable-wireguard is true)'}
  return {value: 'unknown', from: 'no agent status and no cilium-config in the evidence'}
}

function ipamPoolOf(s: Snapshot): Fact<number> | undefined {
  let best: {total: number, agent: string} | undefined
  for (const a of s.agents) {
    for (const p of a.status?.ipam?.pools ?? []) if (p.total > 0 && (!best || p.total < best.total)) best = {total: p.total, agent: a.name}
  }
  return best ? {value: best.total, from: `IPAM pool in the status of ${best.agent}`} : undefined
}

export function alertFacts(s: Snapshot): AlertFacts {
  const version = clusterVersion(s)
  const nodes = nodeCount(s)
  const ratio = currentRatio(s)
  const seen = seenFamilies(s)
  const families = [...CORE_FAMILIES, ...OPTIONAL_FAMILIES.filter((f) => seen.has(f))]
  const maxClusters = Number(configValue(s, 'max-connected-clusters')?.value)
  const qpsCfg = configValue(s, 'k8s-client-qps')
  const qpsDefault = defaultFor('k8s-client-qps', version) ?? defaultFor('k8s-client-qps', '1.17.0')!
  const op = s.cluster.operator
  return {
    source: s.origin.path ? `${s.origin.kind} ${s.origin.path}` : s.origin.kind,
    namespace: s.cluster.config?.namespace ? {value: s.cluster.config.namespace, from: 'namespace of cilium-config'} : {value: 'kube-system', from: 'default (no cilium-config namespace in the evidence)'},
    ...(nodes ? {nodes: {value: nodes.count, from: nodes.from}} : {}),
    ...(ratio ? {ratio: {value: ratio.ratio, from: ratio.from}} : {}),
    maps: families.map((f) => ({family: f, label: MAP_FAMILIES[f].label, mapNames: promRegex(f), size: sizeOf(s, f)})),
    identityLimit: {value: identityLimit(Number.isFinite(maxClusters) ? maxClusters : undefined), from: maxClusters === 511 ? 'max-connected-clusters 511 (pkg/identity/numericidentity.go)' : 'cluster identity space 65536 − 256 (pkg/identity/numericidentity.go)'},
    qps: qpsCfg && Number(qpsCfg.value) > 0 ? {value: Number(qpsCfg.value), from: 'cilium-config k8s-client-qps'} : {value: qpsDefault, from: `agent default${version ? ` for ${version}` : ''} (k8s-client-qps not set)`},
    encryption: encryptionOf(s),
    ...(op ? {operatorReplicas: {value: op.desired, from: 'cilium-operator Deployment spec.replicas'}} : {}),
    ...(ipamPoolOf(s) ? {ipamPool: ipamPoolOf(s)} : {}),
  }
}
