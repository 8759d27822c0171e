/*
 * The other direction of desired vs effective for Local Redirect Policy: CiliumLocalRedirectPolicy objects exist
 * (someone asked for redirection per policy) while cilium-config leaves the feature off, so the agents never read
 * them. Only decided from a policy list that was read; without one, nothing is said.
 * https://docs.cilium.io/en/stable/network/kubernetes/local-redirect-policy/
 */
import type {LocalRedirectPolicyInfo, Snapshot, SourceRef} from '../snapshot/schema.js'

export const LRP_KEY = 'enable-local-redirect-policy'

export interface UnusedPolicies {
  policies: LocalRedirectPolicyInfo[]
  /** the cilium-config line that turns it off; undefined when the key is absent (off by default) */
  off?: {value: string, src: SourceRef}
  /** the agents' KubeProxyReplacement line when it is off too: turning LRP on also needs that */
  kprOff?: {text: string, src: SourceRef}
}

export function unusedLocalRedirectPolicies(s: Snapshot): UnusedPolicies | undefined {
  const policies = s.cluster.localRedirectPolicies ?? []
  const config = s.cluster.config
  if (policies.length === 0 || !config) return undefined
  const v = config.data[LRP_KEY]
  if (v && /^true$/i.test(v.value.trim())) return undefined
  const kpr = s.agents.map((a) => a.status?.kubeProxyReplacement).find((k) => k && !k.enabled)
  return {
    policies,
    ...(v ? {off: {value: v.value.trim(), src: v.src}} : {}),
    ...(kpr ? {kprOff: {text: `KubeProxyReplacement: ${kpr.mode}`, src: kpr.src}} : {}),
  }
}
