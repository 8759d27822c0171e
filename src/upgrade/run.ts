/*
 * Every upgrade check over the resolved inputs, in doctor's shapes: findings plus one outcome per check
 * (fired, passed, or not evaluated with the reason), so the report's coverage says what was and was not
 * judged. The step itself (one minor at a time) was refused before this runs.
 */
import type {RemovedValue} from '../cilium/charts/index.js'
import type {Finding, Rule, RuleOutcome} from '../rules/types.js'
import type {Snapshot} from '../snapshot/schema.js'
import {UPGRADE_CHECK_IDS, type UpgradeCheckId} from './checks.js'
import type {Charts, CurrentState} from './inputs.js'
import {compatibilityFinding, latestPatchFinding, preflightFinding} from './path.js'
import {checkRequirements} from './requirements.js'
import {unknownValues} from './unknown-values.js'
import {userLeaves} from './user-values.js'
import {checkValues, type Migration} from './values-check.js'
import {predictAfterUpgrade} from './whatif.js'

export interface UpgradeRun {
  findings: Finding[]
  outcomes: RuleOutcome[]
  migrations: Migration[]
}

export interface UpgradeInputs {
  current: CurrentState
  target: string
  charts: Charts
  /** The newest patch of the current minor ciltune knows. */
  newestPatch?: string
  /** Cluster evidence; undefined when only a values file was given. */
  snapshot?: Snapshot
  /** doctor's rules, for the what-if; undefined skips it. */
  rules?: Rule[]
  valuesFile?: string
  /** Values the shipped charts removed up to the current minor (for keys the current chart lacks too). */
  earlier: Array<RemovedValue & {removedIn: string}>
}

function kubeProxyFree(values: Record<string, unknown>): boolean {
  return [true, 'true', 'strict'].includes(values.kubeProxyReplacement as string | boolean)
}

function outcome(id: UpgradeCheckId, findings: Finding[], notEvaluated?: string): RuleOutcome {
  if (findings.some((f) => f.id === id)) return {id, result: 'fired'}
  return notEvaluated ? {id, result: 'not-evaluated', reason: notEvaluated} : {id, result: 'passed'}
}

export function runUpgradeChecks(i: UpgradeInputs): UpgradeRun {
  const {current, charts} = i
  const leaves = userLeaves(current.values, {valuesFile: i.valuesFile, source: current.valuesSource})
  const values = checkValues(leaves, charts.from, charts.to, charts.diff)
  const path = [
    latestPatchFinding(current.version, i.newestPatch),
    compatibilityFinding(charts.diff, leaves, current.version, current.values.upgradeCompatibility),
    // helm template needs a full version: a bare minor becomes the newest patch ciltune knows
    preflightFinding(/^\d+\.\d+\.\d+/.test(i.target) ? i.target : charts.to.version, kubeProxyFree(current.values)),
  ].filter((f): f is Finding => f !== undefined)
  const findings = [...path, ...values.findings, ...unknownValues(leaves, charts.from, charts.to, i.earlier)]
  const reasons: Partial<Record<UpgradeCheckId, string>> = {}
  if (i.snapshot) {
    const req = checkRequirements(i.snapshot, i.target)
    findings.push(...req.findings)
    if (req.outcome.result === 'not-evaluated') reasons['upgrade-requirements'] = req.outcome.reason
  } else {
    reasons['upgrade-requirements'] = 'no cluster evidence (values file only): give --from PATH or a cluster to check nodes and Kubernetes'
  }
  if (i.snapshot && i.rules && i.snapshot.agents.length > 0) {
    findings.push(...predictAfterUpgrade(i.snapshot, i.rules, leaves, charts.diff, charts.to).findings)
  } else {
    reasons['upgrade-whatif'] = 'no agent evidence to run doctor\'s rules on (values file only, or no agents read)'
  }
  if (current.partial) {
    const why = 'the values were derived from cilium-config (no Helm release): only keys with a known Helm mapping were checked'
    for (const id of ['upgrade-removed-value', 'upgrade-retyped-value'] as const) if (!findings.some((f) => f.id === id)) reasons[id] = why
  }
  return {findings, outcomes: UPGRADE_CHECK_IDS.map((id) => outcome(id, findings, reasons[id])), migrations: values.migrations}
}
