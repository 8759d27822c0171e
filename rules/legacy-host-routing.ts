import {agentsWith, capEvidence, ev, parseVersion, agentPhrase, configText, distinctEvidence, groupBy, isTrue, PREREQ, agentVersion, describePrereqs, kprEnableValue, kprPrereq, legacyBlockers, masqPrereq, type Prereq} from '../src/rules/helpers.js'
import type {Agent, AgentStatus, Snapshot, SourceRef} from '../src/snapshot/schema.js'
import type {CheckResult, Evidence, HelmSuggestion} from '../src/rules/types.js'
import {EFFECTIVE} from '../src/cilium/effective.js'
import {fallbackLines} from '../src/effective/state.js'
import {defineRule} from '../src/rules/types.js'

/*
 * The Helm key bpf.hostLegacyRouting is what 1.11+ charts read (helm-config-map.md); 1.9/1.10 charts
 * carried the setting under another key (bpf.hostRouting). The exact release of the rename is not confirmed
 * here, so the key is only suggested when the agent is known to be 1.11+ (or its version is unknown but it is
 * not an old agent), and older agents get a fix text instead of a key their chart lacks.
 */
type KeyEra = 'has-key' | 'pre-1.11' | 'unknown'

function keyEra(a: Agent, clusterVersion: string | undefined): KeyEra {
  const c = a.status?.cilium
  // The agent's own line wins over the cluster's majority version (a folder can hold several clusters).
  // Agents before 1.10 print "Cilium: Ok OK" with no version at all (seen on 1.2 … 1.9 outputs).
  const v = parseVersion(c?.version) ?? (c && /^ok$/i.test(c.message.trim()) ? [1, 9, 0] : parseVersion(clusterVersion))
  if (v) return v[0] > 1 || v[1] >= 11 ? 'has-key' : 'pre-1.11'
  return 'unknown'
}

export default defineRule({
  meta: {
    id: 'legacy-host-routing',
    title: 'Legacy host routing (eBPF host routing not active)',
    severity: 'medium',
    versions: '*',
    needs: [['status']],
    features: ['bpf-host-routing', 'kube-proxy-replacement', 'bpf-masquerade'],
    messages: {'legacy-blocked': 'legacy host routing, eBPF host routing blocked', legacy: 'legacy host routing'},
    description: 'Status "Routing: … Host: Legacy" (1.16+) or "Host Routing: Legacy" (≤1.15). Lists the prerequisites of eBPF host routing (kube-proxy replacement, BPF masquerading) and whether the evidence says they are met, and the features that force legacy routing (IPsec, CNI chaining, netfilter-compatible mode, kernel < 5.10).',
    why: 'Legacy host routing sends pod traffic through the host stack (netfilter, conntrack) which costs throughput and latency, and it blocks netkit, BBR and BIG TCP.',
    fix: 'kubeProxyReplacement: true (strict on ≤1.13), bpf.masquerade: true, bpf.hostLegacyRouting unset/false (1.11+ charts; 1.9/1.10 charts used bpf.hostRouting), kernel >= 5.10; agents restart.',
    prerequisites: 'kube-proxy replacement and BPF masquerading; not possible with IPsec or CNI chaining.',
    sources: [
      'https://github.com/cilium/cilium/blob/main/daemon/cmd/kube_proxy_replacement.go',
      'https://docs.cilium.io/en/stable/operations/performance/tuning/',
      'https://github.com/cilium/cilium/blob/main/pkg/client/client.go',
    ],
  },
  check(ctx) {
    const s = ctx.snapshot
    const withRouting = agentsWith(s, 'status').filter((a) => a.status.routing)
    if (withRouting.length === 0) ctx.notEvaluated('status has no Routing / Host Routing line (early exit or unsupported format)')
    const legacy = withRouting.filter((a) => a.status.routing!.host === 'Legacy')
    const rows = legacy.map((a) => rowOf(s, a, ctx.ciliumVersion))
    return [...groupBy(rows, (r) => r.sig).values()].map((list) => (list[0].blockers.length > 0 ? blocked(s, list) : fallback(s, list)))
  },
})

interface Row {
  a: Agent & {status: AgentStatus}
  prereqs: Prereq[]
  blockers: ReturnType<typeof legacyBlockers>
  era: KeyEra
  kprValue: ReturnType<typeof kprEnableValue>
  sig: string
}

function rowOf(s: Snapshot, a: Agent & {status: AgentStatus}, version: string | undefined): Row {
  const prereqs = [kprPrereq(s, a), masqPrereq(s, a)]
  const blockers = legacyBlockers(s, a)
  const era = keyEra(a, version)
  const kprValue = kprEnableValue(agentVersion(a, version), a.status.kubeProxyReplacement?.mode)
  return {a, prereqs, blockers, era, kprValue, sig: `${describePrereqs(prereqs)}|${blockers.map((b) => b.why).join('|')}|${era}|${String(kprValue.value)}`}
}

function baseOf(s: Snapshot, list: Row[]): {base: string, evidence: Evidence[], explicit?: {value: string, src: SourceRef}} {
  const {prereqs, blockers} = list[0]
  const explicit = configText(s, 'enable-host-legacy-routing')
  const evidence: Evidence[] = [
    ...list.map((r) => ev(r.a.status.routing!.src)),
    ...prereqs.flatMap((p) => (p.evidence ? [p.evidence] : [])),
    ...blockers.flatMap((b) => (b.evidence ? [b.evidence] : [])),
  ]
  if (explicit && isTrue(explicit.value)) evidence.push(ev(explicit.src))
  return {base: `Host routing is Legacy on ${agentPhrase(list.map((r) => r.a.name))}. eBPF host routing prerequisites: ${describePrereqs(prereqs)}`, evidence, explicit}
}

function blocked(s: Snapshot, list: Row[]): CheckResult {
  const {base, evidence} = baseOf(s, list)
  return {
    severity: 'info',
    messageId: 'legacy-blocked',
    message: `${base}. Blocked: ${list[0].blockers.map((b) => b.why).join('; ')}`,
    agents: list.map((r) => r.a.name),
    evidence: capEvidence(distinctEvidence(evidence)),
    helm: [],
    fix: 'Legacy host routing is forced by the features above; it can only change if they are removed (e.g. WireGuard instead of IPsec, no CNI chaining, newer kernel).',
  }
}

function helmFor(row: Row, unmet: Prereq[]): HelmSuggestion[] {
  const {era, kprValue} = row
  const helm: HelmSuggestion[] = era === 'pre-1.11' ? [] : [{
    path: 'bpf.hostLegacyRouting',
    value: false,
    reason: 'use eBPF host routing (bypasses the host stack and netfilter for pod traffic)' + (era === 'unknown' ? '; key of 1.11+ charts (agent version unknown)' : ''),
    cost: 'agents restart (rolling); host-netfilter rules no longer see pod traffic',
  }]
  if (unmet.some((p) => p.id === PREREQ.kpr)) {
    helm.push({path: 'kubeProxyReplacement', value: kprValue.value, reason: `prerequisite of eBPF host routing (${kprValue.note})`, cost: 'needs k8sServiceHost/k8sServicePort; remove kube-proxy and its iptables rules afterwards'})
  }
  if (unmet.some((p) => p.id === PREREQ.bpfMasq)) {
    helm.push({path: 'bpf.masquerade', value: true, reason: 'prerequisite of eBPF host routing when masquerading is enabled', cost: 'agents restart; existing masqueraded connections may reset'})
  }
  return helm
}

/** Why the agent fell back, when no blocker forces it: an unmet prerequisite, an explicit setting, or its own log line. */
function whyFallback(s: Snapshot, list: Row[], unmet: Prereq[], explicit: {value: string} | undefined, evidence: Evidence[]): string {
  const endpointRoutes = configText(s, 'enable-endpoint-routes')
  if (endpointRoutes && isTrue(endpointRoutes.value)) evidence.push(ev(endpointRoutes.src))
  if (unmet.length > 0) return `. The agent falls back to legacy because ${unmet.map((p) => p.label).join(' and ')} ${unmet.length > 1 ? 'are' : 'is'} not enabled`
  if (explicit && isTrue(explicit.value)) return '. Prerequisites look met: enable-host-legacy-routing is set to true explicitly'
  const logged = list.flatMap((r) => fallbackLines(r.a, EFFECTIVE['bpf-host-routing']))[0]
  if (logged) {
    evidence.push(ev(logged.src))
    return `. The prerequisites visible here look met; the agent logged the reason: "${logged.msg}"`
  }
  return '. The prerequisites visible here look met, so the agent fell back for a reason not in this evidence' +
    (endpointRoutes && isTrue(endpointRoutes.value) ? ' (enable-endpoint-routes is true, which older agents do not support with BPF host routing)' : ' (e.g. kernel < 5.10)') +
    ': the agent log line "… Falling back to legacy host routing" names it'
}

function fallback(s: Snapshot, list: Row[]): CheckResult {
  const {base, evidence, explicit} = baseOf(s, list)
  const unmet = list[0].prereqs.filter((p) => p.verdict === 'unmet')
  const why = whyFallback(s, list, unmet, explicit, evidence)
  return {
    messageId: 'legacy',
    message: `${base}${why}`,
    agents: list.map((r) => r.a.name),
    evidence: capEvidence(distinctEvidence(evidence)),
    helm: helmFor(list[0], unmet),
    ...(list[0].era === 'pre-1.11'
      ? {fix: 'This agent predates 1.11: its chart has no bpf.hostLegacyRouting (1.9/1.10 charts used bpf.hostRouting; check that chart\'s values.yaml before setting it). Once the prerequisites above are met the agent chooses eBPF host routing by itself; the bpf.hostLegacyRouting key applies on 1.11+.'}
      : {}),
  }
}
