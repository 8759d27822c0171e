/*
 * Helm value ↔ cilium-config key ↔ default, per chart version: the one table suggest, current values and
 * what-if read. Sources: the charts' templates/cilium-configmap.yaml
 * (https://github.com/cilium/cilium/blob/main/install/kubernetes/cilium/templates/cilium-configmap.yaml)
 * and https://docs.cilium.io/en/stable/helm-reference/.
 */
import type {FamilyId} from './maps.js'
import {MAP_FAMILIES} from './maps.js'
import {compareVersions, parseVersion} from './version.js'

export type ValueType = 'bool' | 'int' | 'number' | 'string' | 'words'

export interface KeyMapping {
  helm: string
  config: string
  type: ValueType
  /** First chart version with this Helm value / key (inclusive), e.g. "1.18.0". */
  since?: string
  /** First chart version without it. */
  until?: string
  /** The agent's default when the key is absent, where ciltune relies on it. */
  default?: number
}

/** Map-size knobs come from the map families; extraConfig values are rendered as strings. */
function mapSizeMappings(ids: FamilyId[]): KeyMapping[] {
  return ids.map((id) => {
    const f = MAP_FAMILIES[id]
    return {helm: f.helmPath!, config: f.configKey!, type: f.helmPath!.startsWith('extraConfig.') ? 'string' : 'int', default: f.defaultSize}
  })
}

/** Ordered: for a config key listed twice, the entry valid for the version wins. */
export const KEY_MAPPINGS: KeyMapping[] = [
  {helm: 'bpf.mapDynamicSizeRatio', config: 'bpf-map-dynamic-size-ratio', type: 'number'},
  ...mapSizeMappings(['ct-tcp', 'ct-any', 'nat', 'neigh', 'sock-revnat', 'policy']),
  {helm: 'bpf.authMapMax', config: 'bpf-auth-map-max', type: 'int', default: 524288},
  ...mapSizeMappings(['lb-services']),
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
  // agent defaults: 1.17+ sets 10/20 itself; older agents fall back to client-go's 5/10 (pkg/k8s/client/config.go)
  {helm: 'k8sClientRateLimit.qps', config: 'k8s-client-qps', type: 'number', since: '1.17.0', default: 10},
  {helm: 'k8sClientRateLimit.qps', config: 'k8s-client-qps', type: 'number', until: '1.17.0', default: 5},
  {helm: 'k8sClientRateLimit.burst', config: 'k8s-client-burst', type: 'int', since: '1.17.0', default: 20},
  {helm: 'k8sClientRateLimit.burst', config: 'k8s-client-burst', type: 'int', until: '1.17.0', default: 10},
  {helm: 'k8sClientRateLimit.operator.qps', config: 'operator-k8s-client-qps', type: 'number', since: '1.17.0', default: 100},
  {helm: 'k8sClientRateLimit.operator.burst', config: 'operator-k8s-client-burst', type: 'int', since: '1.17.0', default: 200},
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
export const HELM_ONLY: Array<{helm: string, since?: string, until?: string, default?: number}> = [
  {helm: 'k8sClientExponentialBackoff.enabled', since: '1.18.0'},
  {helm: 'k8sClientExponentialBackoff.backoffBaseSeconds', since: '1.18.0', default: 1},
  {helm: 'k8sClientExponentialBackoff.backoffMaxDurationSeconds', since: '1.18.0', default: 120},
  {helm: 'k8sServiceHost'},
  {helm: 'k8sServicePort'},
  // 1.18+: KUBERNETES_SERVICE_HOST from a ConfigMap key instead of k8sServiceHost (mutually exclusive)
  {helm: 'k8sServiceHostRef.name', since: '1.18.0'},
  {helm: 'k8sServiceHostRef.key', since: '1.18.0'},
]

/** The chart's default for a Helm-only value in `version`; undefined when none is known. */
export function helmOnlyDefault(path: string, version: string | undefined): number | undefined {
  return HELM_ONLY.find((m) => m.helm === path && inRange(version, m.since, m.until))?.default
}

/** Paths that moved: old ↔ new and the first version of the new one. */
export const MOVED: Array<{old: string, new: string, since: string}> = [
  {old: 'enableCiliumEndpointSlice', new: 'ciliumEndpointSlice.enabled', since: '1.16.0'},
]

export function inRange(version: string | undefined, since?: string, until?: string): boolean {
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

/** The agent's (or operator's) own default for a cilium-config key in `version`; undefined when none is known. */
export function defaultFor(key: string, version: string | undefined): number | undefined {
  const m = KEY_MAPPINGS.find((k) => k.config === key && inRange(version, k.since, k.until))
  return m?.default
}

/** Helm path for a cilium-config key in `version`, if the mapping knows it. */
export function helmPathForConfigKey(key: string, version: string | undefined): KeyMapping | undefined {
  const candidates = KEY_MAPPINGS.filter((m) => m.config === key)
  return candidates.find((m) => inRange(version, m.since, m.until)) ?? candidates[0]
}


/**
 * Chart defaults rules compare configured values with. operator.replicas is 2 in every shipped chart
 * (src/cilium/charts/catalog.json, 1.14–1.20); the operator pods run with hostNetwork and a required
 * pod anti-affinity, so each replica needs a node of its own. bpf.mapDynamicSizeRatio is null in values.yaml
 * and rendered as 0.0025 by templates/cilium-configmap.yaml.
 */
export const CHART_DEFAULTS = {operatorReplicas: 2, mapDynamicSizeRatio: 0.0025} as const
export const OPERATOR_DOC = 'https://docs.cilium.io/en/stable/internals/cilium_operator/'

/**
 * The kube-proxy replacement a chart renders when the values do not set kubeProxyReplacement: "false" in every
 * chart since 1.14 (templates/cilium-configmap.yaml sets $defaultKubeProxyReplacement "false" for
 * upgradeCompatibility ≥ 1.14, and values.yaml says "false" from 1.18, src/cilium/charts/catalog.json). Older charts
 * defaulted to other words (probe, disabled) that ciltune does not state; an unknown version gets the 1.14+ answer
 * named as such.
 */
export function kprChartDefault(version: string | undefined, from?: string): {value?: 'false', basis: string} {
  const v = parseVersion(version)
  const chart = `chart ${version}${from ? ` (from ${from})` : ''}`
  if (!v) return {value: 'false', basis: 'false in every chart since 1.14; the chart version is not in the evidence'}
  if (v[0] === 1 && v[1] < 14) return {basis: `kubeProxyReplacement is not set and ${chart} predates 1.14, whose default ciltune does not state: its values.yaml decides`}
  return {value: 'false', basis: chart}
}
