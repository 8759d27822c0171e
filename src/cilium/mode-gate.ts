/*
 * The one gate between a Helm change and the cluster's integration mode: a change the mode rules out (directly,
 * or through a prerequisite it would need) is withheld with the reason, and under managed Cilium no Helm value is
 * written at all. The engine, src/effective/ and suggest all ask this gate; nothing else decides it.
 */
import type {ConditionContext, ConditionId} from './conditions.js'
import {CONDITIONS} from './conditions.js'
import {featuresOf, MODE_CONDITIONS, type Feature} from './features.js'
import {chainingTitle, integrationMode, MANAGED, type IntegrationMode} from './modes.js'

export interface Withheld {path: string, value: unknown, reason: string}

const fixerValue = (holds: (v: unknown) => boolean): boolean | undefined => (holds(true) ? true : holds(false) ? false : undefined)

/** Mode conditions a change needs, directly or through the Helm change that would make a prerequisite hold. */
function modeNeeds(ctx: ConditionContext, path: string, value: unknown, seen: Set<string>): Array<{id: ConditionId, via: Feature}> {
  const key = `${path}=${String(value)}`
  if (seen.has(key)) return []
  seen.add(key)
  const out: Array<{id: ConditionId, via: Feature}> = []
  const features = featuresOf(path, value)
  // the feature's own mode conditions first: the nearest feature the mode rules out is the one to name
  for (const f of features) for (const id of f.requires) if (MODE_CONDITIONS.includes(id)) out.push({id, via: f})
  for (const f of features) {
    for (const id of f.requires) {
      if (MODE_CONDITIONS.includes(id) || CONDITIONS[id].check(ctx).status === 'met') continue
      for (const fx of CONDITIONS[id].fixers) {
        const v = fixerValue(fx.holds)
        if (v !== undefined) out.push(...modeNeeds(ctx, fx.path, v, seen))
      }
    }
  }
  return out
}

/** Why the cluster's mode rules this Helm change out; undefined when it may be suggested. */
export function withheldReason(ctx: ConditionContext, path: string, value: unknown, mode: IntegrationMode = integrationMode(ctx.snapshot)): string | undefined {
  const shown = `${path}=${String(value)}`
  if (mode.managed) {
    const m = MANAGED[mode.managed.mode]
    return `${shown} withheld: Cilium here is ${m.title} (${mode.managed.text}), so its Helm values cannot be changed; ${m.howToChange} (${m.docs})`
  }
  for (const need of modeNeeds(ctx, path, value, new Set())) {
    const r = CONDITIONS[need.id].check(ctx)
    if (r.status !== 'failed') continue
    const where = mode.chaining ? `${chainingTitle(mode.chaining.mode)}; ${mode.chaining.text}` : r.detail
    return `${shown} withheld: ${need.via.title} does not apply in ${mode.chaining?.mode ?? 'this'} chaining (${where})`
  }
  return undefined
}

/** Split Helm changes into those that may be suggested and those the mode withholds. */
export function gateHelm<T extends {path: string, value: unknown}>(ctx: ConditionContext, helm: T[]): {kept: T[], withheld: Withheld[]} {
  const mode = integrationMode(ctx.snapshot)
  const kept: T[] = []
  const withheld: Withheld[] = []
  for (const h of helm) {
    const reason = withheldReason(ctx, h.path, h.value, mode)
    if (reason) withheld.push({path: h.path, value: h.value, reason})
    else kept.push(h)
  }
  return {kept, withheld}
}
