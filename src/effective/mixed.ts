/*
 * What each agent runs, setting by setting, from its status: agents that disagree run mixed configuration
 * (some restarted after a change and some not, a CiliumNodeConfig override, or node-specific fallbacks);
 * agents that run a feature cilium-config now turns off still run an older configuration.
 */
import {EFFECTIVE, type EffectiveFeature, type InEffect} from '../cilium/effective.js'
import type {Agent, Snapshot} from '../snapshot/schema.js'

export interface Setting {feature: EffectiveFeature, byValue: Map<string, Array<{agent: Agent, effect: InEffect}>>}

// the status words that name a mode, so "Enabled [196608]" and "Enabled [131072]" count as one value
function valueOf(e: InEffect): string {
  return e.on ? 'on' : 'off'
}

/** Settings on which the agents with a status disagree. */
export function mixedSettings(s: Snapshot): Setting[] {
  const out: Setting[] = []
  for (const f of Object.values(EFFECTIVE)) {
    if (!f.inEffect) continue
    const byValue = new Map<string, Array<{agent: Agent, effect: InEffect}>>()
    for (const a of s.agents) {
      const e = a.status && !a.status.earlyExit ? f.inEffect(a.status) : undefined
      if (!e || e.inferred) continue
      const v = valueOf(e)
      const same = byValue.get(v)
      if (same) same.push({agent: a, effect: e})
      else byValue.set(v, [{agent: a, effect: e}])
    }
    if (byValue.size > 1) out.push({feature: f, byValue})
  }
  return out
}

/** Agents running a feature that cilium-config now turns off explicitly. */
export function runningTurnedOff(s: Snapshot): Array<{feature: EffectiveFeature, key: string, value: string, src: InEffect['src'], agents: Array<{agent: Agent, effect: InEffect}>}> {
  const out = []
  for (const f of Object.values(EFFECTIVE)) {
    if (!f.inEffect) continue
    // explicitly off: a plain off word that does not ask ("enable-host-legacy-routing: true" turns BPF host routing off)
    const explicit = f.asked.map((a) => ({a, v: s.cluster.config?.data[a.key]}))
      .find((x) => x.v && !x.a.on.test(x.v.value.trim()) && /^(false|true|disabled|veth)$/i.test(x.v.value.trim()))
    if (!explicit?.v) continue
    const on = s.agents.flatMap((a) => {
      const e = a.status && !a.status.earlyExit ? f.inEffect!(a.status) : undefined
      return e?.on ? [{agent: a, effect: e}] : []
    })
    if (on.length > 0) out.push({feature: f, key: explicit.a.key, value: explicit.v.value.trim(), src: explicit.v.src, agents: on})
  }
  return out
}
