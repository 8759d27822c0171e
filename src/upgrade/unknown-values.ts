/*
 * Values set today that the current chart does not have either. Helm ignores them already, which is news
 * to whoever set them: a key an earlier upgrade left behind (bgp.enabled after 1.17) or a typo. Only
 * values.yaml is known to ciltune, so a key no release removed is reported as info, with that caveat.
 */
import {knows, minorOf, type RemovedValue, type VersionCatalog} from '../cilium/charts/index.js'
import type {Finding} from '../rules/types.js'
import {upgradeFinding} from './checks.js'
import type {UserLeaf} from './user-values.js'

function removalOf(path: string, earlier: Array<RemovedValue & {removedIn: string}>): (RemovedValue & {removedIn: string}) | undefined {
  return earlier.find((r) => path === r.path || path.startsWith(`${r.path}.`))
}

export function unknownValues(leaves: UserLeaf[], from: VersionCatalog, to: VersionCatalog, earlier: Array<RemovedValue & {removedIn: string}>): Finding[] {
  const groups = new Map<string, {leaves: UserLeaf[], removal?: RemovedValue & {removedIn: string}}>()
  for (const l of leaves) {
    if (knows(from.keys, l.path) !== undefined || knows(to.keys, l.path) !== undefined) continue
    if ([...from.commented, ...to.commented].some((c) => l.path === c || l.path.startsWith(`${c}.`))) continue
    const removal = removalOf(l.path, earlier)
    const key = removal?.path ?? l.path
    const g = groups.get(key) ?? {leaves: [], removal}
    g.leaves.push(l)
    groups.set(key, g)
  }
  return [...groups].map(([key, g]) => {
    const shown = g.leaves.map((l) => l.path).join(', ')
    const r = g.removal
    if (r) {
      return upgradeFinding('upgrade-removed-value', 'already-removed', {
        severity: 'medium',
        title: `${key} left the chart in ${minorOf(r.removedIn)}${r.successor ? `; use ${r.successor}` : ''}`,
        message: `${shown} is set, but ${key} was removed from the chart in ${minorOf(r.removedIn)}, so the running chart (${from.version}) ignores it today${r.successor ? `; its successor is ${r.successor}${r.basis ? ` (${r.basis})` : ''}` : ''}. Whatever it was meant to configure is not configured now.`,
        evidence: g.leaves.map((l) => l.evidence),
        fix: r.successor ? `set ${r.successor} if the setting is still wanted, and remove ${shown}` : `remove ${shown}`,
      })
    }
    return upgradeFinding('upgrade-removed-value', 'unknown', {
      severity: 'info',
      title: `${key} is not in the values.yaml of chart ${from.version} or ${to.version}`,
      message: `${shown} is set, but neither chart's values.yaml has it: a misspelt key is ignored by Helm without a word. A few values are read by templates without a default in values.yaml; ciltune cannot tell those apart.`,
      evidence: g.leaves.map((l) => l.evidence),
    })
  })
}
