/*
 * Why a feature that was asked for is not in effect. Each reason names its kind and evidence, and a fix that
 * removes the reason rather than asking for the feature again. The order is the order of certainty: what the
 * agent itself logged, the pod not restarted since the change, a mode the feature cannot run in, a kernel too
 * old, a prerequisite that does not hold. No reason found is said as such.
 */
import {BLOCKERS, type Blocker, type EffectiveFeature} from '../cilium/effective.js'
import {CONDITIONS, type ConditionContext} from '../cilium/conditions.js'
import {withheldReason} from '../cilium/mode-gate.js'
import {conditionOf} from '../logs/catalog.js'
import {ev} from '../rules/helpers.js'
import type {Evidence, HelmSuggestion} from '../rules/types.js'
import type {Agent, Snapshot} from '../snapshot/schema.js'
import {lastChange, stalePods} from './drift.js'
import {fallbackLines} from './state.js'

export type ReasonKind = 'logged-fallback' | 'not-restarted' | 'mode' | 'kernel' | 'prerequisite'
export interface Reason {kind: ReasonKind, detail: string, fix: string, evidence: Evidence[], helm: HelmSuggestion[]}

function cfg(s: Snapshot, key: string): {value: string, src: Evidence} | undefined {
  const v = s.cluster.config?.data[key]
  return v ? {value: v.value.trim().toLowerCase(), src: ev(v.src)} : undefined
}

/** Whether the cluster (or these agents) runs in a mode the feature cannot run in, with the line that shows it. */
export function blockerEvidence(s: Snapshot, b: Blocker, agents: Agent[]): Evidence | undefined {
  const st = agents.map((a) => a.status).filter((x) => x !== undefined)
  switch (b) {
    case 'tunnel': {
      const r = st.find((x) => x.routing?.network === 'Tunnel')?.routing
      if (r) return ev(r.src)
      const m = cfg(s, 'routing-mode') ?? cfg(s, 'tunnel')
      return m && /^(tunnel|vxlan|geneve)$/.test(m.value) ? m.src : undefined
    }
    case 'chaining': {
      const c = cfg(s, 'cni-chaining-mode')
      return c && c.value !== '' && c.value !== 'none' ? c.src : undefined
    }
    case 'encryption': case 'ipsec': {
      const e = st.find((x) => x.encryption && (b === 'ipsec' ? /ipsec/i : /ipsec|wireguard/i).test(x.encryption.mode))?.encryption
      if (e) return ev(e.src)
      const keys = b === 'ipsec' ? ['enable-ipsec'] : ['enable-ipsec', 'enable-wireguard']
      return keys.map((k) => cfg(s, k)).find((c) => c?.value === 'true')?.src
    }
    case 'legacy-host-routing': {
      const r = st.find((x) => x.routing?.host === 'Legacy')?.routing
      return r ? ev(r.src) : undefined
    }
    case 'netkit': {
      const d = st.find((x) => /^netkit/i.test(x.deviceMode?.value ?? ''))?.deviceMode
      return d ? ev(d.src) : undefined
    }
  }
}

function loggedReasons(f: EffectiveFeature, agents: Agent[]): Reason[] {
  const lines = agents.flatMap((a) => fallbackLines(a, f))
  if (lines.length === 0) return []
  const c = conditionOf(lines[0].msg, lines[0].src.text)
  return [{kind: 'logged-fallback', detail: `the agent logged "${lines[0].msg}"`, fix: c ? c.fix(lines[0].src.text) : 'remove the cause the agent logged', evidence: lines.slice(0, 3).map((l) => ev(l.src)), helm: []}]
}

function restartReason(s: Snapshot, agents: Agent[]): Reason[] {
  const change = lastChange(s)
  if (!change) return []
  const names = new Set(agents.map((a) => a.pod?.name ?? a.name))
  const stale = stalePods(s, change).filter((p) => p.component === 'agent' && names.has(p.pod.name))
  if (stale.length === 0) return []
  return [{
    kind: 'not-restarted',
    detail: `${stale.length} agent(s) started before the last configuration change (${change.what}; ${stale[0].pod.name} started ${stale[0].startedAt}) and ${change.certain ? 'still run' : 'may still run'} the old configuration`,
    fix: 'restart the agents (kubectl -n <namespace> rollout restart daemonset/cilium); see config-drift for the order',
    evidence: [ev(change.src), ...stale.slice(0, 2).map((p) => ev(p.pod.src))],
    helm: [],
  }]
}

function modeReasons(s: Snapshot, f: EffectiveFeature, agents: Agent[]): Reason[] {
  return (f.notWith ?? []).flatMap((b) => {
    const e = blockerEvidence(s, b, agents)
    return e ? [{kind: 'mode' as const, detail: `${f.title} does not run with ${BLOCKERS[b].why}`, fix: BLOCKERS[b].fix, evidence: [e], helm: []}] : []
  })
}

function kernelReason(ctx: ConditionContext, f: EffectiveFeature): Reason[] {
  if (!f.kernel) return []
  const r = CONDITIONS[f.kernel.condition].check(ctx)
  if (r.status !== 'failed') return []
  return [{kind: 'kernel', detail: r.detail, fix: `upgrade these nodes to kernel ${f.kernel.min} or newer`, evidence: r.src ? [ev(r.src)] : [], helm: []}]
}

/** A Helm value that makes a condition hold, unless the cluster's mode rules it out (then it is withheld). */
function fixerFor(ctx: ConditionContext, id: NonNullable<EffectiveFeature['requires']>[number]): {helm: HelmSuggestion[], withheld?: string} {
  const fixer = CONDITIONS[id].fixers[0]
  if (!fixer) return {helm: []}
  const value = fixer.holds(true) ? true : fixer.holds(false) ? false : undefined
  if (value === undefined) return {helm: []}
  const withheld = withheldReason(ctx, fixer.path, value)
  if (withheld) return {helm: [], withheld}
  return {helm: [{path: fixer.path, value, reason: `prerequisite: ${CONDITIONS[id].describe}`, cost: 'agents restart'}]}
}

function prerequisiteReasons(ctx: ConditionContext, f: EffectiveFeature): Reason[] {
  return (f.requires ?? []).flatMap((id) => {
    const r = CONDITIONS[id].check(ctx)
    if (r.status !== 'failed') return []
    const {helm, withheld} = fixerFor(ctx, id)
    return [{kind: 'prerequisite' as const, detail: `${CONDITIONS[id].describe} does not hold (${r.detail})`, fix: withheld ?? `make it hold: ${CONDITIONS[id].describe}`, evidence: r.src ? [ev(r.src)] : [], helm}]
  })
}

/** Every reason the evidence shows for `f` not being in effect on `agents`; empty = reason unknown. */
export function reasonsFor(s: Snapshot, f: EffectiveFeature, agents: Agent[], version?: string): Reason[] {
  const ctx: ConditionContext = {snapshot: s, values: s.cluster.helm?.values ?? {}, version}
  return [...loggedReasons(f, agents), ...restartReason(s, agents), ...modeReasons(s, f, agents), ...kernelReason(ctx, f), ...prerequisiteReasons(ctx, f)]
}

/** What would decide an unknown reason. */
export function decidingEvidence(f: EffectiveFeature): string {
  if (f.deciding) return f.deciding
  return `the agent's start-up log (kubectl -n <namespace> logs ds/cilium | grep -i "${f.title.split(' ')[0]}"), node kernels (kubectl get nodes -o wide), and pod start times against the last cilium-config change`
}
