import type {Snapshot} from '../snapshot/schema.js'
import {agentsHaveFamily, clusterVersion, failedPrometheusFamilies, has, trackMetricReads, versionSatisfies, withMetricIndex} from './helpers.js'
import {MODE_CONDITIONS, requirementsOf} from '../cilium/features.js'
import {CONDITIONS} from '../cilium/conditions.js'
import type {Finding, HelmSuggestion, Rule, RuleContext, RuleOutcome} from './types.js'
import {SEVERITY_ORDER} from './types.js'

class NotEvaluated extends Error {}
class NotApplicable extends Error {}

let cache: Rule[] | undefined

/** Every rule, from the typed registry (rules/index.ts), loaded on first use so start-up stays light. */
export async function loadRules(): Promise<Rule[]> {
  if (cache) return cache
  const {RULES} = await import('../../rules/index.js')
  const ids = new Set<string>()
  for (const r of RULES) {
    if (ids.has(r.meta.id)) throw new Error(`rules: duplicate rule id ${r.meta.id}`)
    ids.add(r.meta.id)
  }
  cache = [...RULES]
  return cache
}

export interface RunResult {
  findings: Finding[]
  outcomes: RuleOutcome[]
}

/** A Helm suggestion's prerequisites come from the one graph, never from the rule. */
function withRequirements(h: HelmSuggestion): HelmSuggestion {
  const {prerequisites: _ignored, ...rest} = h
  const ids = requirementsOf(h.path, h.value)
  return ids.length > 0 ? {...rest, prerequisites: ids} : rest
}

/** A messageId is declared by name, or by a family key ending in "*" (ids built from a catalog, e.g. fatal-<cause>). */
export function declared(messages: Record<string, string>, id: string): boolean {
  return Object.hasOwn(messages, id) || Object.keys(messages).some((k) => k.endsWith('*') && id.startsWith(k.slice(0, -1)))
}

/** Suggestions the cluster's integration mode rules out (KPR or eBPF host routing under CNI chaining), with why. */
function modeWithheld(helm: HelmSuggestion[], snapshot: Snapshot, version: string | undefined): Map<HelmSuggestion, string> {
  const out = new Map<HelmSuggestion, string>()
  const ctx = {snapshot, values: snapshot.cluster.helm?.values ?? {}, version}
  for (const h of helm) {
    const failed = requirementsOf(h.path, h.value).filter((id) => MODE_CONDITIONS.includes(id)).map((id) => CONDITIONS[id].check(ctx)).find((r) => r.status === 'failed')
    if (failed) out.set(h, `${h.path}=${String(h.value)} withheld: ${failed.detail} does not support it`)
  }
  return out
}

export function runRule(rule: Rule, snapshot: Snapshot, version = clusterVersion(snapshot)): {findings: Finding[], outcome: RuleOutcome} {
  const {meta} = rule
  if (!versionSatisfies(version, meta.versions)) {
    return {findings: [], outcome: {id: meta.id, result: 'not-applicable', reason: `applies to Cilium ${meta.versions}, cluster runs ${version}`}}
  }
  const satisfied = meta.needs.length === 0 || meta.needs.some((group) => group.every((k) => has(snapshot, k)))
  if (!satisfied) {
    const want = meta.needs.map((g) => g.join(' + ')).join(' or ')
    return {findings: [], outcome: {id: meta.id, result: 'not-evaluated', reason: `no ${want} evidence`}}
  }
  const unjudged: string[] = []
  const ctx: RuleContext = {
    snapshot,
    ciliumVersion: version,
    notEvaluated(reason: string): never {
      throw new NotEvaluated(reason)
    },
    notApplicable(reason: string): never {
      throw new NotApplicable(reason)
    },
    notJudged(reason: string): void {
      if (!unjudged.includes(reason)) unjudged.push(reason)
    },
  }
  try {
    const {result: results, reads} = trackMetricReads(snapshot, () => rule.check(ctx))
    for (const r of results) {
      if (!declared(meta.messages, r.messageId)) throw new Error(`messageId ${r.messageId} is not in meta.messages`)
    }
    const findings = results.map((r) => {
      const withheld = modeWithheld(r.helm, snapshot, version)
      const fix = [r.fix, ...withheld.values()].filter(Boolean).join('; ')
      return {
        id: meta.id,
        messageId: r.messageId,
        severity: r.severity ?? meta.severity,
        title: r.title ?? meta.title,
        message: r.message,
        agents: r.agents,
        evidence: r.evidence,
        helm: r.helm.filter((h) => !withheld.has(h)).map(withRequirements),
        ...(fix ? {fix} : {}),
      }
    })
    if (findings.length === 0) {
      // nothing found in a family whose Prometheus query failed is not "passed": it was not looked at
      const failed = failedPrometheusFamilies(snapshot)
      const missed = [...reads].filter((f) => failed.has(f) && !agentsHaveFamily(snapshot, f))
      if (missed.length > 0) return {findings, outcome: {id: meta.id, result: 'not-evaluated', reason: `the Prometheus query for ${missed.join(', ')} failed: ${failed.get(missed[0])}`}}
    }
    if (unjudged.length > 0 && findings.length === 0) return {findings, outcome: {id: meta.id, result: 'not-evaluated', reason: unjudged.join('; ')}}
    if (unjudged.length > 0) return {findings, outcome: {id: meta.id, result: 'fired', reason: `not judged: ${unjudged.join('; ')}`}}
    return {findings, outcome: {id: meta.id, result: findings.length > 0 ? 'fired' : 'passed'}}
  } catch (error) {
    if (error instanceof NotApplicable) return {findings: [], outcome: {id: meta.id, result: 'not-applicable', reason: error.message}}
    if (error instanceof NotEvaluated) return {findings: [], outcome: {id: meta.id, result: 'not-evaluated', reason: error.message}}
    // A rule bug must not take the whole report down at 3 a.m.; it is reported as not evaluated.
    return {findings: [], outcome: {id: meta.id, result: 'not-evaluated', reason: `rule error: ${(error as Error).message}`}}
  }
}

export function runRules(rules: Rule[], snapshot: Snapshot): RunResult {
  const version = clusterVersion(snapshot)
  const findings: Finding[] = []
  const outcomes: RuleOutcome[] = []
  withMetricIndex(snapshot, () => {
    for (const rule of rules) {
      const r = runRule(rule, snapshot, version)
      findings.push(...r.findings)
      outcomes.push(r.outcome)
    }
  })
  findings.sort((a, b) => SEVERITY_ORDER[b.severity] - SEVERITY_ORDER[a.severity] || a.id.localeCompare(b.id))
  return {findings, outcomes}
}
