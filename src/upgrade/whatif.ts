/*
 * What doctor would say after `helm upgrade` with the values unchanged: the target's defaults fill every key
 * the user did not set, removed keys stop counting (their successor takes its new default), and the agents
 * report the target version. The current evidence is rewritten with suggest's what-if (map sizes are
 * recomputed per node, pressures rescaled), doctor's rules run on it, and the difference is the prediction.
 */
import {type ChartDiff, type Scalar, type VersionCatalog} from '../cilium/charts/index.js'
import {fingerprint} from '../report/fingerprint.js'
import {runRules} from '../rules/engine.js'
import type {Finding, Rule} from '../rules/types.js'
import type {Snapshot} from '../snapshot/schema.js'
import {setPath} from '../suggest/paths.js'
import {applyOverlay} from '../suggest/whatif.js'
import {upgradeFinding} from './checks.js'
import type {UserLeaf} from './user-values.js'
import {userSets} from './values-check.js'

export interface WhatIfResult {
  findings: Finding[]
  /** What the rewrite changed (cilium-config keys, map sizes), for the findings' messages. */
  changes: string[]
  overlay: Record<string, unknown>
}

function usable(v: Scalar | undefined): v is string | number | boolean {
  return v !== null && v !== undefined && !(typeof v === 'string' && /^#[0-9a-f]{8}$|^[[{]/.test(v))
}

/** The values that change under the user's unchanged values file. */
export function targetOverlay(leaves: UserLeaf[], diff: ChartDiff, to: VersionCatalog): Record<string, unknown> {
  const overlay: Record<string, unknown> = {}
  for (const d of diff.defaults) {
    if (!userSets(leaves, d.path) && usable(d.to)) setPath(overlay, d.path, d.to)
  }
  for (const r of diff.removed) {
    if (!r.successor || !leaves.some((l) => l.path === r.path)) continue
    const d = to.keys[r.successor]?.default
    if (usable(d) && !userSets(leaves, r.successor)) setPath(overlay, r.successor, d)
  }
  return overlay
}

function key(f: Finding): string {
  return fingerprint(f)
}

export function predictAfterUpgrade(snapshot: Snapshot, rules: Rule[], leaves: UserLeaf[], diff: ChartDiff, to: VersionCatalog): WhatIfResult {
  const overlay = targetOverlay(leaves, diff, to)
  const after = applyOverlay(snapshot, overlay)
  const s = after.snapshot
  // the agents come back as the target release: version-ranged rules judge them as such
  if (s.cluster.helm) s.cluster.helm.chartVersion = to.version
  for (const a of s.agents) if (a.status?.cilium) a.status.cilium.version = to.version
  // version skew is left out: the rewrite changes the version the agents report, not every place a version
  // shows (images, metrics, the operator), and a finished upgrade leaves one version anyway
  const judged = rules.filter((r) => r.meta.id !== 'version-skew')
  const before = runRules(judged, snapshot).findings
  const predicted = runRules(judged, s).findings
  const had = new Set(before.map(key))
  const will = new Set(predicted.map(key))
  const how = after.changes.length > 0 ? ` The rewrite: ${after.changes.slice(0, 8).join('; ')}${after.changes.length > 8 ? ` and ${after.changes.length - 8} more` : ''}.` : ''
  const findings: Finding[] = [
    ...predicted.filter((f) => !had.has(key(f))).map((f) => upgradeFinding('upgrade-whatif', 'predicted', {
      severity: f.severity,
      title: `after the upgrade: ${f.title}`,
      message: `Predicted: doctor's ${f.id} rule fires on the current evidence with chart ${to.version}'s defaults under your values: ${f.message}${how}`,
      agents: f.agents, evidence: f.evidence, helm: f.helm, fix: f.fix,
    })),
    ...before.filter((f) => !will.has(key(f))).map((f) => upgradeFinding('upgrade-whatif', 'cleared', {
      severity: 'info',
      title: `cleared by the upgrade: ${f.title}`,
      message: `Doctor's ${f.id} rule fires now but not on the same evidence with chart ${to.version}'s defaults.${how}`,
      agents: f.agents, evidence: f.evidence,
    })),
  ]
  return {findings, changes: after.changes, overlay}
}
