import type {Snapshot} from '../snapshot/schema.js'
import {GarbagePacer} from '../util/gc.js'
import {agentsHaveFamily, clusterVersion, failedPrometheusFamilies, has, trackMetricReads, versionSatisfies, withMetricIndex} from './helpers.js'
import {requirementsOf} from '../cilium/features.js'
import {gateHelm} from '../cilium/mode-gate.js'
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
    const gateCtx = {snapshot, values: snapshot.cluster.helm?.values ?? {}, version}
    const findings = results.map((r) => {
      // a change the integration mode rules out is withheld, and the finding says why (src/cilium/mode-gate.ts)
      const {kept, withheld} = gateHelm(gateCtx, r.helm)
      const fix = [r.fix, ...withheld.map((w) => w.reason)].filter(Boolean).join('; ')
      return {
        id: meta.id,
        messageId: r.messageId,
        severity: r.severity ?? meta.severity,
        title: r.title ?? meta.title,
        message: r.message,
        agents: r.agents,
        evidence: r.evidence,
        helm: kept.map(withRequirements),
        ...(fix ? {fix} : {}),
        ...(withheld.length > 0 ? {withheld: withheld.map((w) => ({path: w.path, value: w.value as HelmSuggestion['value'], reason: w.reason}))} : {}),
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
  // Between rules, what a rule allocated is dead: collected once it passes the slack (see GarbagePacer).
  // Half the reading's slack: at 5000 agents the rules then grow the heap from 328 to 357 MB, not 395, which
  // is the run's peak (peak RSS 570 → 551 MiB) for about a second more of rules.
  const pacer = new GarbagePacer({slack: 32 * 1024 * 1024})
  withMetricIndex(snapshot, () => {
    for (const rule of rules) {
      const r = runRule(rule, snapshot, version)
      findings.push(...r.findings)
      outcomes.push(r.outcome)
      pacer.check()
    }
  })
  findings.sort((a, b) => SEVERITY_ORDER[b.severity] - SEVERITY_ORDER[a.severity] || a.id.localeCompare(b.id))
  return {findings, outcomes}
}
