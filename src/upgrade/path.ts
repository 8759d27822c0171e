/*
 * Upgrade-path rules from the upgrade guide: one minor at a time (anything else is refused before any
 * check runs), the latest patch of the current minor first, upgradeCompatibility where the target chart
 * gates defaults on it, and the documented pre-flight steps.
 */
import {compareMinor, minorOf, preflightSteps, UPGRADE_GUIDE, type ChartDiff} from '../cilium/charts/index.js'
import {compareVersions, parseVersion} from '../cilium/version.js'
import type {Finding} from '../rules/types.js'
import {InputError} from '../util/errors.js'
import {upgradeFinding} from './checks.js'
import type {UserLeaf} from './user-values.js'
import {userSets} from './values-check.js'

/** Throws the refusal for any step but the next minor (or a patch of the same minor). */
export function checkStep(current: string, target: string): void {
  const c = parseVersion(current)
  const t = parseVersion(target)
  if (!c || !t) throw new InputError(`upgrade-check: cannot compare versions ${current} and ${target}: expected X.Y or X.Y.Z`)
  const from = minorOf(current)
  const to = minorOf(target)
  if (c[0] !== t[0]) throw new InputError(`upgrade-check: ${from} → ${to} changes the major version; ciltune knows Cilium 1.x upgrades only`)
  if (compareVersions(t, c) < 0) {
    throw new InputError(`upgrade-check: ${target} is older than the running ${current}; this checks upgrades, not rollbacks (roll back with helm rollback to the previous revision, one minor at a time: ${UPGRADE_GUIDE})`)
  }
  if (t[1] - c[1] > 1) {
    const next = `${c[0]}.${c[1] + 1}`
    throw new InputError(`upgrade-check: refused: ${from} → ${to} skips ${t[1] - c[1] - 1 === 1 ? next : `${next} to ${c[0]}.${t[1] - 1}`}; Cilium upgrades and rollbacks are tested between consecutive minor releases only (${UPGRADE_GUIDE}). Upgrade to ${next} first: ciltune upgrade-check --to ${next}`)
  }
}

/** The current patch is behind the newest patch of its minor that ciltune knows. */
export function latestPatchFinding(current: string, newest: string | undefined): Finding | undefined {
  const c = parseVersion(current)
  const n = parseVersion(newest)
  if (!c || !n || minorOf(current) !== minorOf(newest ?? '') || compareVersions(c, n) >= 0 || !/\d+\.\d+\.\d+/.test(current)) return undefined
  return upgradeFinding('upgrade-path', 'latest-patch', {
    severity: 'medium',
    title: `upgrade to ${newest} before the next minor`,
    message: `The cluster runs ${current}; ${newest} is the newest ${minorOf(current)} patch ciltune knows. The upgrade guide asks for the latest patch of the current minor before a minor upgrade.`,
    fix: `helm upgrade to ${newest} first (${UPGRADE_GUIDE})`,
  })
}

/** Gated defaults the user did not pin change unless upgradeCompatibility names the current minor. */
export function compatibilityFinding(diff: ChartDiff, leaves: UserLeaf[], current: string, set: unknown): Finding | undefined {
  const from = minorOf(current)
  const unpinned = diff.gates.flatMap((g) => g.values.filter((v) => v !== 'cluster.name' && !userSets(leaves, v)).map((v) => `${v} (gated at ${g.since})`))
  const validations = diff.gates.some((g) => g.values.includes('cluster.name'))
  if (unpinned.length === 0 && !validations) return undefined
  if (typeof set === 'string' || typeof set === 'number') {
    if (compareMinor(String(set), from) <= 0) return undefined
  }
  return upgradeFinding('upgrade-path', 'upgrade-compatibility', {
    severity: 'medium',
    title: `set upgradeCompatibility: "${from}" for the upgrade to ${minorOf(diff.to)}`,
    message: `Chart ${diff.to} decides ${[...unpinned, ...(validations ? ['the cluster.name validation (gated at 1.16)'] : [])].join(', ')} by upgradeCompatibility, which ${set === undefined || set === null ? 'is not set' : `is ${JSON.stringify(set)}`}: without "${from}" these take the ${minorOf(diff.to)} behaviour on upgrade.`,
    helm: [{path: 'upgradeCompatibility', value: from, reason: `keeps the ${from} defaults of the gated values through the upgrade; drop it once you have adopted the new ones`}],
  })
}

export function preflightFinding(target: string, kubeProxyFree: boolean): Finding {
  const steps = preflightSteps(target, kubeProxyFree)
  return upgradeFinding('upgrade-path', 'preflight', {
    severity: 'info',
    title: `pre-flight steps for ${target}`,
    message: `Before helm upgrade to ${target}: ${steps.map((s, i) => `(${i + 1}) ${s}`).join(' ')}`,
    fix: steps.join('; '),
  })
}
