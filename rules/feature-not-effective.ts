import {EFFECTIVE, type EffectiveFeature} from '../src/cilium/effective.js'
import {LRP_KEY, unusedLocalRedirectPolicies} from '../src/effective/lrp-objects.js'
import {decidingEvidence, reasonsFor, type Reason} from '../src/effective/reasons.js'
import {askedFor, effectByAgent, endpointSliceEffect, type AgentEffect} from '../src/effective/state.js'
import {capEvidence, ev, agentPhrase, distinctEvidence, nameList} from '../src/rules/helpers.js'
import type {CheckResult, Severity} from '../src/rules/types.js'
import {defineRule} from '../src/rules/types.js'
import type {Snapshot} from '../src/snapshot/schema.js'

// Asked-for encryption or kube-proxy replacement that is off leaves traffic unencrypted or Services to a kube-proxy that may be gone.
const SEVERITY: Partial<Record<EffectiveFeature['id'], Severity>> = {'wireguard': 'high', 'ipsec': 'high', 'kube-proxy-replacement': 'high'}

/** The agents (or the cluster, for CiliumEndpointSlice) where the asked-for feature is off. */
function offEffects(s: Snapshot, f: EffectiveFeature): AgentEffect[] | {cluster: NonNullable<ReturnType<typeof endpointSliceEffect>>} {
  if (f.id === 'endpoint-slice') {
    const e = endpointSliceEffect(s)
    return e && !e.on ? {cluster: e} : []
  }
  return effectByAgent(s, f).filter((x) => !x.effect.on)
}

function finding(s: Snapshot, f: EffectiveFeature, version: string | undefined): CheckResult | undefined {
  const asked = askedFor(s, f)
  if (!asked) return undefined
  const off = offEffects(s, f)
  const agents = Array.isArray(off) ? off.map((o) => o.agent) : []
  if (Array.isArray(off) && off.length === 0) return undefined
  const shown = Array.isArray(off) ? off[0].effect : off.cluster
  const where = agents.length > 0 ? agentPhrase(agents.map((a) => a.name)) : 'the cluster'
  const reasons: Reason[] = reasonsFor(s, f, agents, version)
  // BIG TCP with tunnel routing or encryption is big-tcp's unsupported-combination already
  if (f.modesReportedBy && reasons.length > 0 && reasons.every((r) => r.kind === 'mode')) return undefined
  const head = `${f.title} is asked for (${asked.key}: ${asked.value}) but not in effect on ${where} (${shown.text})`
  const evidence = [ev(asked.src), ...(Array.isArray(off) ? off.map((o) => ev(o.effect.src)) : [ev(shown.src)]), ...reasons.flatMap((r) => r.evidence)]
  return {
    severity: SEVERITY[f.id] ?? 'medium',
    title: `${f.title} asked for but not in effect`,
    messageId: reasons.length > 0 ? 'not-in-effect' : 'reason-unknown',
    message: reasons.length > 0
      ? `${head}. Reason: ${reasons.map((r) => `[${r.kind}] ${r.detail}`).join('; ')}.`
      : `${head}. Reason unknown: the evidence shows no logged fallback, restart gap, blocking mode, old kernel or missing prerequisite; what would decide it: ${decidingEvidence(f)}.`,
    agents: agents.map((a) => a.name),
    evidence: capEvidence(distinctEvidence(evidence)),
    helm: reasons.flatMap((r) => r.helm),
    fix: reasons.length > 0 ? `${reasons.map((r) => r.fix).join('; ')} (${f.docs})` : `Find the reason first (${f.docs}); asking for the feature again changes nothing.`,
  }
}

/** CiliumLocalRedirectPolicies exist but the feature is off: the agents ignore them (the reverse of asked-but-off). */
function unusedPolicies(s: Snapshot): CheckResult | undefined {
  const u = unusedLocalRedirectPolicies(s)
  if (!u) return undefined
  const named = u.policies.map((p) => `${p.namespace ? `${p.namespace}/` : ''}${p.name} (${p.frontend})`)
  const why = u.off ? `${LRP_KEY}: ${u.off.value} in cilium-config` : `${LRP_KEY} absent from cilium-config (off by default)`
  return {
    severity: 'medium',
    title: 'Local Redirect Policy objects exist but the feature is off',
    messageId: 'policies-without-feature',
    message: `${u.policies.length} CiliumLocalRedirectPolicy object(s) exist (${nameList(named, 3)}) but Local Redirect Policy is not enabled. Reason: [config] ${why}: the agents do not watch these policies, so traffic to their frontends goes to the normal Service backends, not the node-local pods` +
      (u.kprOff ? `; kube-proxy replacement, which the feature needs, is off as well (${u.kprOff.text})` : '') + '.',
    agents: [],
    evidence: capEvidence(distinctEvidence([...(u.off ? [ev(u.off.src)] : []), ...u.policies.map((p) => ev(p.src)), ...(u.kprOff ? [ev(u.kprOff.src)] : [])])),
    helm: [],
    fix: `If node-local redirection is wanted, set Helm localRedirectPolicy: true (${LRP_KEY}) and restart the agents${u.kprOff ? ', after enabling kube-proxy replacement' : ''}; otherwise delete the unused policies (kubectl delete ciliumlocalredirectpolicies -n NS NAME). (${EFFECTIVE['local-redirect-policy'].docs})`,
  }
}

export default defineRule({
  meta: {
    id: 'feature-not-effective',
    title: 'Feature asked for but not in effect',
    severity: 'high',
    versions: '*',
    needs: [['config', 'status'], ['config', 'logs'], ['config', 'counts'], ['config', 'metrics']],
    features: ['kube-proxy-replacement', 'bpf-masquerade'],
    messages: {
      'not-in-effect': 'a feature asked for in cilium-config is not in effect, with the reason',
      'reason-unknown': 'a feature asked for in cilium-config is not in effect, and the evidence does not show why',
      'policies-without-feature': 'CiliumLocalRedirectPolicy objects exist while cilium-config leaves Local Redirect Policy off',
    },
    description: `cilium-config asks for a feature (${Object.values(EFFECTIVE).filter((f) => !f.reportedBy).map((f) => f.title).join(', ')}) while the agents' status, a logged fallback, the CiliumEndpointSlice count, BGP session metrics (cilium_bgp_control_plane_session_state, none established) or, for Local Redirect Policy, the KubeProxyReplacement line it needs shows it off. Names the reason: a logged fallback, agents not restarted since the change, a mode the feature cannot run in (tunnel, CNI chaining, encryption, legacy host routing), a kernel too old, or a prerequisite that does not hold; or says the reason is unknown and which evidence would decide it. eBPF host routing and netkit are reported by legacy-host-routing and netkit-not-effective, BIG TCP with tunnel routing or encryption alone by big-tcp. The reverse for Local Redirect Policy: CiliumLocalRedirectPolicy objects (a live collection lists them) while enable-local-redirect-policy is off, so the agents ignore them.`,
    why: 'A feature that silently fell back looks enabled in the values but is not: the cluster runs without the encryption, kube-proxy replacement or performance feature someone relies on.',
    fix: 'Remove the reason (restart, kernel, prerequisite, mode); asking for the feature again changes nothing. In CNI chaining, kube-proxy replacement and eBPF host routing are never suggested.',
    sources: [
      'https://docs.cilium.io/en/stable/operations/performance/tuning/',
      'https://github.com/cilium/cilium/blob/main/pkg/datapath/linux/bigtcp/bigtcp.go',
      'https://github.com/cilium/cilium/blob/main/pkg/datapath/linux/bandwidth/bandwidth.go',
      'https://github.com/cilium/cilium/blob/main/daemon/cmd/kube_proxy_replacement.go',
      'https://docs.cilium.io/en/stable/network/kubernetes/local-redirect-policy/',
      'https://docs.cilium.io/en/stable/network/bgp-control-plane/bgp-control-plane-operation/',
      'https://github.com/cilium/cilium/pull/31469',
    ],
  },
  check(ctx) {
    return [
      ...Object.values(EFFECTIVE).filter((f) => !f.reportedBy).flatMap((f) => finding(ctx.snapshot, f, ctx.ciliumVersion) ?? []),
      ...[unusedPolicies(ctx.snapshot)].filter((f) => f !== undefined),
    ]
  },
})
