/*
 * Helm value ↔ cilium-config key, per chart version (knowledge/helm-config-map.md §1–§3, §6).
 * Used three ways: to derive current values from cilium-config when the Helm release is unreadable,
 * to write a suggestion under the path the running chart understands, and to apply an overlay to the
 * snapshot's cilium-config in a what-if.
 */
import {compareVersions, parseVersion} from '../rules/helpers.js'

export type ValueType = 'bool' | 'int' | 'number' | 'string' | 'words'

export interface KeyMapping {
  helm: string
  config: string
  type: ValueType
  /** First chart version with this Helm value / key (inclusive), e.g. "1.18.0". */
  since?: string
  /** First chart version without it. */
  until?: string
}

/** Ordered: for a config key listed twice, the entry valid for the version wins. */
export const KEY_MAPPINGS: KeyMapping[] = [
  {helm: 'bpf.mapDynamicSizeRatio', config: 'bpf-map-dynamic-size-ratio', type: 'number'},
  {helm: 'bpf.ctTcpMax', config: 'bpf-ct-global-tcp-max', type: 'int'},
  {helm: 'bpf.ctAnyMax', config: 'bpf-ct-global-any-max', type: 'int'},
  {helm: 'bpf.natMax', config: 'bpf-nat-global-max', type: 'int'},
  {helm: 'bpf.neighMax', config: 'bpf-neigh-global-max', type: 'int'},
  {helm: 'extraConfig.bpf-sock-rev-map-max', config: 'bpf-sock-rev-map-max', type: 'string'},
  {helm: 'bpf.policyMapMax', config: 'bpf-policy-map-max', type: 'int'},
  {helm: 'bpf.authMapMax', config: 'bpf-auth-map-max', type: 'int'},
  {helm: 'bpf.lbMapMax', config: 'bpf-lb-map-max', type: 'int'},
  {helm: 'bpf.distributedLRU.enabled', config: 'bpf-distributed-lru', type: 'bool', since: '1.17.2'},
  {helm: 'bpf.preallocateMaps', config: 'preallocate-bpf-maps', type: 'bool'},
  {helm: 'bpf.masquerade', config: 'enable-bpf-masquerade', type: 'bool'},
  {helm: 'bpf.hostLegacyRouting', config: 'enable-host-legacy-routing', type: 'bool'},
  {helm: 'bpf.datapathMode', config: 'datapath-mode', type: 'string'},
  {helm: 'bpf.tproxy', config: 'enable-bpf-tproxy', type: 'bool'},
  {helm: 'kubeProxyReplacement', config: 'kube-proxy-replacement', type: 'string'},
  {helm: 'routingMode', config: 'routing-mode', type: 'string'},
  {helm: 'tunnelProtocol', config: 'tunnel-protocol', type: 'string'},
  {helm: 'autoDirectNodeRoutes', config: 'auto-direct-node-routes', type: 'bool'},
  {helm: 'endpointRoutes.enabled', config: 'enable-endpoint-routes', type: 'bool'},
  {helm: 'ipv4NativeRoutingCIDR', config: 'ipv4-native-routing-cidr', type: 'string'},
  {helm: 'socketLB.enabled', config: 'bpf-lb-sock', type: 'bool'},
  {helm: 'enableIPv4BIGTCP', config: 'enable-ipv4-big-tcp', type: 'bool'},
  {helm: 'enableIPv6BIGTCP', config: 'enable-ipv6-big-tcp', type: 'bool'},
  {helm: 'bandwidthManager.enabled', config: 'enable-bandwidth-manager', type: 'bool'},
  {helm: 'bandwidthManager.bbr', config: 'enable-bbr', type: 'bool'},
  {helm: 'egressGateway.enabled', config: 'enable-ipv4-egress-gateway', type: 'bool', until: '1.18.0'},
  {helm: 'egressGateway.enabled', config: 'enable-egress-gateway', type: 'bool', since: '1.18.0'},
  {helm: 'ciliumEndpointSlice.enabled', config: 'enable-cilium-endpoint-slice', type: 'bool', since: '1.16.0'},
  {helm: 'enableCiliumEndpointSlice', config: 'enable-cilium-endpoint-slice', type: 'bool', until: '1.16.0'},
  {helm: 'k8s.apiServerURLs', config: 'k8s-api-server-urls', type: 'string', since: '1.18.0'},
  {helm: 'k8sClientRateLimit.qps', config: 'k8s-client-qps', type: 'number'},
  {helm: 'k8sClientRateLimit.burst', config: 'k8s-client-burst', type: 'int'},
  {helm: 'identityAllocationMode', config: 'identity-allocation-mode', type: 'string'},
  {helm: 'ipam.mode', config: 'ipam', type: 'string'},
  {helm: 'debug.enabled', config: 'debug', type: 'bool'},
  {helm: 'conntrackGCInterval', config: 'conntrack-gc-interval', type: 'string'},
  {helm: 'conntrackGCMaxInterval', config: 'conntrack-gc-max-interval', type: 'string'},
  {helm: 'policyEnforcementMode', config: 'enable-policy', type: 'string'},
  {helm: 'endpointLockdownOnMapOverflow', config: 'enable-endpoint-lockdown-on-policy-overflow', type: 'bool', since: '1.17.0'},
  {helm: 'bpf.policyMapPressureMetricsThreshold', config: 'bpf-policy-map-pressure-metrics-threshold', type: 'number', since: '1.19.0'},
  {helm: 'hubble.enabled', config: 'enable-hubble', type: 'bool'},
  {helm: 'l7Proxy', config: 'enable-l7-proxy', type: 'bool'},
  {helm: 'enableIPv4Masquerade', config: 'enable-ipv4-masquerade', type: 'bool'},
  {helm: 'ipv6.enabled', config: 'enable-ipv6', type: 'bool'},
  {helm: 'ipv4.enabled', config: 'enable-ipv4', type: 'bool'},
]

/** Helm values that have no cilium-config key but only exist from some chart version. */
const HELM_ONLY: Array<{helm: string, since?: string, until?: string}> = [
  {helm: 'k8sClientExponentialBackoff.enabled', since: '1.18.0'},
  {helm: 'k8sClientExponentialBackoff.backoffBaseSeconds', since: '1.18.0'},
  {helm: 'k8sClientExponentialBackoff.backoffMaxDurationSeconds', since: '1.18.0'},
  {helm: 'k8sServiceHost'},
  {helm: 'k8sServicePort'},
]

/** Paths that moved: old ↔ new and the first version of the new one. */
const MOVED: Array<{old: string, new: string, since: string}> = [
  {old: 'enableCiliumEndpointSlice', new: 'ciliumEndpointSlice.enabled', since: '1.16.0'},
]

function inRange(version: string | undefined, since?: string, until?: string): boolean {
  const v = parseVersion(version)
  if (!v) return true // unknown version: assume the newest chart
  const s = parseVersion(since)
  const u = parseVersion(until)
  if (s && compareVersions(v, s) < 0) return false
  if (u && compareVersions(v, u) >= 0) return false
  return true
}

/** The path a chart of `version` understands for `path` (moved keys translated both ways). */
export function helmPathFor(path: string, version: string | undefined): string {
  for (const m of MOVED) {
    if (path === m.old || path === m.new) return inRange(version, m.since) ? m.new : m.old
  }
  return path
}

/** Whether the chart of `version` has this value at all; reason when not. */
export function pathAvailable(path: string, version: string | undefined): {ok: true} | {ok: false, reason: string} {
  const entries = [...KEY_MAPPINGS.filter((m) => m.helm === path), ...HELM_ONLY.filter((m) => m.helm === path)]
  if (entries.length === 0) return {ok: true}
  if (entries.some((m) => inRange(version, m.since, m.until))) return {ok: true}
  const since = entries.map((m) => m.since).find(Boolean)
  return {ok: false, reason: since ? `${path} needs chart ${since} or newer (running ${version})` : `${path} is not in chart ${version}`}
}

/** The cilium-config key a Helm path renders, for the version; undefined when it renders none. */
export function configKeyFor(path: string, version: string | undefined): KeyMapping | undefined {
  const p = helmPathFor(path, version)
  const candidates = KEY_MAPPINGS.filter((m) => m.helm === p || m.helm === path)
  return candidates.find((m) => inRange(version, m.since, m.until)) ?? candidates[0]
}

/** Helm path for a cilium-config key in `version`, if the mapping knows it. */
export function helmPathForConfigKey(key: string, version: string | undefined): KeyMapping | undefined {
  const candidates = KEY_MAPPINGS.filter((m) => m.config === key)
  return candidates.find((m) => inRange(version, m.since, m.until)) ?? candidates[0]
}

/** cilium-config string → the Helm value's type. */
export function fromConfigString(value: string, type: ValueType): unknown {
  const v = value.trim()
  switch (type) {
    case 'bool': return v === 'true' ? true : v === 'false' ? false : v
    case 'int': return /^-?\d+$/.test(v) ? Number(v) : v
    case 'number': return v !== '' && Number.isFinite(Number(v)) ? Number(v) : v
    default: return v
  }
}

/** Helm value → the string the chart renders into cilium-config. */
export function toConfigString(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (Array.isArray(value)) return value.join(' ')
  return String(value)
}

export function splitPath(path: string): string[] {
  return path.split('.')
}

export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj
  for (const k of splitPath(path)) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined
    cur = (cur as Record<string, unknown>)[k]
  }
  return cur
}

export function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = splitPath(path)
  let cur = obj
  for (const k of keys.slice(0, -1)) {
    const next = cur[k]
    if (next === null || typeof next !== 'object' || Array.isArray(next)) cur[k] = {}
    cur = cur[k] as Record<string, unknown>
  }
  cur[keys[keys.length - 1]] = value
}

/** Deep merge as Helm does: maps merge, everything else replaces; a null in `over` deletes. */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (over === undefined) return structuredClone(base)
  if (!isMap(base) || !isMap(over)) return structuredClone(over)
  const out: Record<string, unknown> = structuredClone(base)
  for (const [k, v] of Object.entries(over)) {
    if (v === null) delete out[k]
    else out[k] = deepMerge(out[k], v)
  }
  return out
}

export function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}
