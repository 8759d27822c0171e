/*
 * Checking a set of suggested changes against the prerequisite graph (src/cilium/features.ts, conditions.ts):
 * a failed prerequisite blocks the suggestion unless another, itself unblocked, suggestion of the same
 * overlay fixes it. A condition that must be shown (k8sServiceHost for KPR, the kernel for netkit) also
 * blocks when the evidence cannot show it.
 */
import type {ConditionContext, ConditionId, ConditionResult} from '../cilium/conditions.js'
import {CONDITIONS} from '../cilium/conditions.js'


export interface PrerequisiteState {
  id: ConditionId
  describe: string
  result: ConditionResult
  /** Path of the suggestion in the same overlay that makes it hold. */
  fixedBy?: string
}

/**
 * Check every item's conditions; an item is blocked when a condition fails and no unblocked item of the
 * same overlay fixes it (iterated to a fixed point, so a chain netkit → host routing → KPR is followed).
 */
export function resolvePrerequisites<T extends {path: string, value: unknown, conditions: ConditionId[]}>(
  items: T[], ctx: ConditionContext,
): Map<T, {states: PrerequisiteState[], blockedBy: string[]}> {
  const results = new Map<ConditionId, ConditionResult>()
  const check = (id: ConditionId) => {
    if (!results.has(id)) results.set(id, CONDITIONS[id].check(ctx))
    return results.get(id)!
  }
  const blocked = new Set<T>()
  const out = new Map<T, {states: PrerequisiteState[], blockedBy: string[]}>()
  for (let round = 0; round <= items.length; round++) {
    let changed = false
    for (const item of items) {
      const states: PrerequisiteState[] = []
      const blockedBy: string[] = []
      for (const id of item.conditions) {
        const result = check(id)
        const c = CONDITIONS[id]
        let fixedBy: string | undefined
        if (result.status === 'failed' || (result.status === 'unknown' && c.mustBeShown)) {
          const fixer = items.find((other) => other !== item && !blocked.has(other) && c.fixers.some((f) => f.path === other.path && f.holds(other.value)))
          fixedBy = fixer?.path
          if (!fixer) blockedBy.push(`${c.describe}: ${result.detail}`)
        }
        states.push({id, describe: c.describe, result, fixedBy})
      }
      out.set(item, {states, blockedBy})
      if (blockedBy.length > 0 && !blocked.has(item)) {
        blocked.add(item)
        changed = true
      }
    }
    if (!changed) break
  }
  return out
}
