/*
 * Desired vs effective for one feature: what cilium-config asks for, and what each agent runs (its status line,
 * else a fallback it logged). Facts come from src/cilium/effective.ts; reasons are src/effective/reasons.ts.
 */
import type {EffectiveFeature, InEffect} from '../cilium/effective.js'
import {conditionOf} from '../logs/catalog.js'
import type {Agent, LogEntry, Snapshot, SourceRef} from '../snapshot/schema.js'

export interface Asked {key: string, value: string, src: SourceRef}

/** The cilium-config line that asks for the feature; undefined when it is not asked for (or no ConfigMap). */
export function askedFor(s: Snapshot, f: EffectiveFeature): Asked | undefined {
  for (const a of f.asked) {
    const v = s.cluster.config?.data[a.key]
    if (v && a.on.test(v.value.trim())) return {key: a.key, value: v.value.trim(), src: v.src}
  }
  return undefined
}

/** The agent's own fallback lines for this feature (catalog ids listed in the facts). */
export function fallbackLines(a: Agent, f: EffectiveFeature): LogEntry[] {
  const ids = new Set(f.fallbackLogs ?? [])
  if (ids.size === 0) return []
  return a.logs.flatMap((l) => l.entries.filter((e) => {
    const c = conditionOf(e.msg, e.src.text)
    return c !== undefined && ids.has(c.id) && lineIsFor(f, e)
  }))
}

// one BIG TCP template covers both families: the line names the flag it refused
function lineIsFor(f: EffectiveFeature, e: LogEntry): boolean {
  if (f.id === 'big-tcp-ipv4') return !/ipv6/i.test(e.msg)
  if (f.id === 'big-tcp-ipv6') return !/ipv4/i.test(e.msg)
  return true
}

export interface AgentEffect {agent: Agent, effect: InEffect}

/** Per agent: in effect or not, from status; a logged fallback counts as "off" where status is silent. */
export function effectByAgent(s: Snapshot, f: EffectiveFeature): AgentEffect[] {
  const out: AgentEffect[] = []
  for (const a of s.agents) {
    const st = a.status && !a.status.earlyExit && f.inEffect ? f.inEffect(a.status) : f.inEffectAgent?.(a)
    if (st) { out.push({agent: a, effect: st}); continue }
    const fb = fallbackLines(a, f)[0]
    if (fb) out.push({agent: a, effect: {on: false, text: fb.msg, src: fb.src}})
  }
  return out
}

/** CiliumEndpointSlices are made by the operator from CiliumEndpoints: none while endpoints exist means off. */
export function endpointSliceEffect(s: Snapshot): InEffect | undefined {
  const c = s.cluster.counts
  // an uncounted list (forbidden, failed) is unknown, not zero
  if (c?.ciliumEndpoints === undefined || c.ciliumEndpoints === 0 || c.ciliumEndpointSlices === undefined || !c.src) return undefined
  const n = c.ciliumEndpointSlices
  return {on: n > 0, text: `${n} CiliumEndpointSlices for ${c.ciliumEndpoints} CiliumEndpoints`, src: c.src}
}
