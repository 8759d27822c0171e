import type {Agent, Snapshot} from '../../snapshot/schema.js'
import {ev, parseVersion} from './core.js'
import type {Evidence} from '../types.js'
import type {ConditionId} from '../../cilium/conditions.js'
import {configText, helmEvidence, helmString, isTrue, nodesByKernel} from './cluster.js'

/*
 * Prerequisites of eBPF host routing (and so of netkit and BIG TCP), judged from the evidence:
 * status lines first (what the agent really runs), cilium-config / Helm values as fallback.
 * Sources: daemon/cmd/kube_proxy_replacement.go finishKubeProxyReplacementInit; tuning.rst.
 */

export type Verdict = 'met' | 'unmet' | 'unknown' | 'not-needed'
export interface Prereq {id: string, label: string, verdict: Verdict, detail: string, evidence?: Evidence}

/** Condition ids used in HelmSuggestion.prerequisites. */
export const PREREQ = {
  kpr: 'kube-proxy-replacement',
  bpfMasq: 'bpf-masquerade',
  bpfHostRouting: 'bpf-host-routing',
  kernel68: 'kernel>=6.8',
  kernel510: 'kernel>=5.10',
} as const satisfies Record<string, ConditionId>

export function kprPrereq(snapshot: Snapshot, a?: Agent): Prereq {
  const label = 'kube-proxy replacement'
  const k = a?.status?.kubeProxyReplacement
  if (k) {
    const full = /^(true|strict)$/i.test(k.mode)
    return {id: PREREQ.kpr, label, verdict: full ? 'met' : 'unmet', detail: `KubeProxyReplacement: ${k.mode}`, evidence: ev(k.src)}
  }
  const c = configText(snapshot, 'kube-proxy-replacement')
  if (c) return {id: PREREQ.kpr, label, verdict: /^(true|strict)$/.test(c.value) ? 'met' : 'unmet', detail: `kube-proxy-replacement: ${c.value}`, evidence: ev(c.src)}
  const h = helmString(snapshot, 'kubeProxyReplacement')
  if (h !== undefined) return {id: PREREQ.kpr, label, verdict: /^(true|strict)$/.test(h) ? 'met' : 'unmet', detail: `kubeProxyReplacement: ${h}`, evidence: helmEvidence(snapshot, 'kubeProxyReplacement')}
  if (snapshot.cluster.config) return {id: PREREQ.kpr, label, verdict: 'unmet', detail: 'kube-proxy-replacement not set (default false)'}
  return {id: PREREQ.kpr, label, verdict: 'unknown', detail: 'no KubeProxyReplacement evidence'}
}

export function masqPrereq(snapshot: Snapshot, a?: Agent): Prereq {
  const label = 'BPF masquerading'
  const m = a?.status?.masquerading
  if (m) {
    if (/^bpf/i.test(m.mode)) return {id: PREREQ.bpfMasq, label, verdict: 'met', detail: `Masquerading: ${m.mode}`, evidence: ev(m.src)}
    // The agent only demands BPF masquerade when masquerading is enabled at all.
    if (/^disabled/i.test(m.mode)) return {id: PREREQ.bpfMasq, label, verdict: 'not-needed', detail: 'Masquerading: Disabled', evidence: ev(m.src)}
    return {id: PREREQ.bpfMasq, label, verdict: 'unmet', detail: `Masquerading: ${m.mode}`, evidence: ev(m.src)}
  }
  const c = configText(snapshot, 'enable-bpf-masquerade')
  if (c && isTrue(c.value)) return {id: PREREQ.bpfMasq, label, verdict: 'met', detail: 'enable-bpf-masquerade: true', evidence: ev(c.src)}
  const v4 = configText(snapshot, 'enable-ipv4-masquerade')
  if (v4 && !isTrue(v4.value)) return {id: PREREQ.bpfMasq, label, verdict: 'not-needed', detail: 'enable-ipv4-masquerade: false', evidence: ev(v4.src)}
  if (c) return {id: PREREQ.bpfMasq, label, verdict: 'unmet', detail: `enable-bpf-masquerade: ${c.value}`, evidence: ev(c.src)}
  const h = helmString(snapshot, 'bpf.masquerade')
  if (h !== undefined) return {id: PREREQ.bpfMasq, label, verdict: isTrue(h) ? 'met' : 'unmet', detail: `bpf.masquerade: ${h}`, evidence: helmEvidence(snapshot, 'bpf.masquerade')}
  if (snapshot.cluster.config) return {id: PREREQ.bpfMasq, label, verdict: 'unmet', detail: 'enable-bpf-masquerade not set (default false)'}
  return {id: PREREQ.bpfMasq, label, verdict: 'unknown', detail: 'no Masquerading evidence'}
}

/** Features that make the agent fall back to (or Helm force) legacy host routing; a value flip alone cannot fix them. */
export function legacyBlockers(snapshot: Snapshot, a?: Agent): Array<{why: string, evidence?: Evidence}> {
  const out: Array<{why: string, evidence?: Evidence}> = []
  const enc = a?.status?.encryption
  const ipsec = configText(snapshot, 'enable-ipsec')
  if (enc && /ipsec/i.test(enc.mode)) out.push({why: 'IPsec encryption forces legacy host routing ("BPF host routing is incompatible with enable-ipsec")', evidence: ev(enc.src)})
  else if (ipsec && isTrue(ipsec.value)) out.push({why: 'IPsec encryption (enable-ipsec: true) forces legacy host routing', evidence: ev(ipsec.src)})
  const chain = configText(snapshot, 'cni-chaining-mode')
  if (chain && chain.value !== '' && chain.value !== 'none') out.push({why: `CNI chaining (${chain.value}) forces enable-host-legacy-routing in the Helm chart`, evidence: ev(chain.src)})
  const nf = configText(snapshot, 'enable-netfilter-compatible-mode')
  if (nf && isTrue(nf.value)) out.push({why: 'netfilter-compatible mode is not supported with BPF host routing', evidence: ev(nf.src)})
  const nodes = snapshot.cluster.nodes ?? []
  const old = nodesByKernel(nodes, 5, 10).old
  if (old.length > 0) out.push({why: `kernel older than 5.10 on ${old.length} node(s) (${old.slice(0, 3).map((n) => `${n.name} ${n.kernel}`).join(', ')})`, evidence: ev(old[0].src)})
  return out
}

export function describePrereqs(ps: Prereq[]): string {
  return ps.map((p) => `${p.label} ${p.verdict === 'unknown' ? 'unknown' : p.verdict === 'not-needed' ? 'not needed' : p.verdict === 'met' ? 'met' : 'NOT met'} (${p.detail})`).join('; ')
}

/** How much of kube-proxy replacement a mode word means: Probe/Partial enable part of it, they are not "off". */
export function kprLevel(mode: string): 'full' | 'partial' | 'off' {
  const m = mode.trim().toLowerCase()
  if (m === 'true' || m === 'strict') return 'full'
  if (m === 'probe' || m === 'partial') return 'partial'
  return 'off'
}

/**
 * The agent's version: its own status line first, else the cluster's. A Cilium line without a version
 * ("Ok   OK", agents before 1.10) says the agent is old: the cluster's majority version (a folder may hold
 * several clusters) must not stand in for it, so the answer is undefined.
 */
export function agentVersion(a: Agent | undefined, fallback: string | undefined): string | undefined {
  const c = a?.status?.cilium
  if (c?.version) return c.version
  if (c && /^ok$/i.test(c.message.trim())) return undefined
  return fallback
}

/**
 * The kubeProxyReplacement value that fully enables it and that this agent's chart accepts.
 * ≤1.13 charts take only strict|probe|partial|disabled. 1.14 and 1.15 accept both, but the old words are
 * deprecated there (cilium#26577, cilium#27060) and on 1.15 "strict" does not switch on everything "true" does
 * (cilium#32711), so "true" is the better advice. 1.16+ takes only true/false.
 * Unknown version: an old mode word (Strict/Probe/Partial/Disabled) is only printed by ≤1.15 agents, where
 * "strict" is valid; otherwise "true".
 */
export function kprEnableValue(version: string | undefined, mode?: string): {value: string | boolean, note: string} {
  const v = parseVersion(version)
  if (v) {
    if (v[0] === 1 && v[1] <= 13) return {value: 'strict', note: `Cilium ${version} accepts strict|probe|partial|disabled, not true/false`}
    if (v[0] === 1 && v[1] <= 15) return {value: true, note: `on ${version} strict/partial are deprecated in favour of true`}
    return {value: true, note: `Cilium ${version} accepts only true/false`}
  }
  if (mode && /^(strict|probe|partial|disabled)$/i.test(mode.trim())) {
    return {value: 'strict', note: 'agent version unknown; its mode word is only printed by ≤1.15 agents, which accept strict (use true on 1.16+)'}
  }
  return {value: true, note: 'agent version unknown; use strict instead on Cilium ≤1.13'}
}
