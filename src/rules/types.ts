import {z} from 'zod'
import {CONDITION_IDS} from '../cilium/conditions.js'
import type {FeatureId} from '../cilium/features.js'
import type {Snapshot} from '../snapshot/schema.js'

export const Severity = z.enum(['critical', 'high', 'medium', 'info'])
export type Severity = z.infer<typeof Severity>
export const SEVERITY_ORDER: Record<Severity, number> = {critical: 3, high: 2, medium: 1, info: 0}

export const Evidence = z.object({
  source: z.string(), // file path (or "pod/cilium-x: cilium-dbg status --verbose", or archive path)
  line: z.number().int(), // 1-based; 0 = not a single line
  text: z.string(),
})
export type Evidence = z.infer<typeof Evidence>

export const HelmSuggestion = z.object({
  path: z.string(), // dotted Helm path, e.g. "bpf.mapDynamicSizeRatio"
  value: z.union([z.string(), z.number(), z.boolean(), z.null()]),
  reason: z.string(),
  cost: z.string().optional(), // memory, restarts, state loss
  prerequisites: z.array(z.enum(CONDITION_IDS)).optional(), // from the prerequisite graph (src/cilium/features.ts); set by the engine
})
export type HelmSuggestion = z.infer<typeof HelmSuggestion>

export const Finding = z.object({
  id: z.string(), // the rule id
  messageId: z.string(), // stable id of the message kind within the rule (meta.messages); tests and tools match on it
  severity: Severity,
  title: z.string(),
  message: z.string(), // one or two sentences: what is wrong, measured
  agents: z.array(z.string()), // affected agents; empty = cluster-wide
  evidence: z.array(Evidence),
  helm: z.array(HelmSuggestion),
  fix: z.string().optional(), // when not a Helm value (restart, upgrade, delete a service ...)
  // Helm changes the integration mode rules out (src/cilium/mode-gate.ts), each with the reason; set by the engine
  withheld: z.array(z.object({path: z.string(), value: HelmSuggestion.shape.value, reason: z.string()})).optional(),
})
export type Finding = z.infer<typeof Finding>

/** What a rule needs; the engine reports "not evaluated" when none of it exists in the snapshot. */
export type EvidenceKind =
  | 'status' | 'services' | 'maps' | 'metrics' | 'logs'
  | 'config' | 'helm' | 'nodes' | 'pods' | 'counts' | 'operator' | 'prometheus'
  | 'endpoints' | 'encrypt' | 'events' | 'bgp' | 'node-list' | 'clustermesh'

export interface RuleMeta<M extends string = string, I extends string = string> {
  id: I // stable, kebab-case: "bpf-map-pressure"
  title: string
  severity: Severity // the highest severity the rule can report
  versions: string // Cilium versions the rule applies to, e.g. ">=1.16" or "*"
  needs: EvidenceKind[][] // alternatives: any one group fully present is enough, e.g. [['metrics'], ['maps','status']]
  /** Features whose Helm changes the rule can suggest; explain prints their prerequisites from the graph. */
  features?: FeatureId[]
  /** Every kind of finding the rule reports: messageId → what it means. */
  messages: Record<M, string>
  description: string // what it checks
  why: string
  fix: string
  prerequisites?: string
  sources: string[]
}

/** What a check may return: findings (possibly none = passed) or an explicit "could not evaluate". */
export type CheckResult<M extends string = string> = Omit<Finding, 'id' | 'title' | 'severity' | 'messageId'> & {messageId: M, severity?: Severity, title?: string}

export interface RuleContext {
  snapshot: Snapshot
  /** Version of the cluster's agents ("1.18.7") when known. */
  ciliumVersion?: string
  /** Mark the rule not evaluated from inside the check (evidence present but unusable). */
  notEvaluated(reason: string): never
  /** The rule does not apply to this evidence (e.g. a pasted cilium-cli summary when agents were read directly). */
  notApplicable(reason: string): never
  /**
   * One part of the check could not be judged (a key missing only because its source was cut): the rule goes on
   * with the rest; with no finding it is not evaluated, never passed, and the reason is kept in its outcome.
   */
  notJudged(reason: string): void
}

export interface Rule<M extends string = string, I extends string = string> {
  meta: RuleMeta<M, I>
  check(ctx: RuleContext): Array<CheckResult<M>>
}

/**
 * A rule, typed: its id is kept as a literal (the registry's RuleId union) and its findings may only use
 * the messageIds its meta.messages declares; the engine also refuses undeclared ones at run time.
 */
export function defineRule<M extends string, const I extends string>(rule: Rule<M, I>): Rule<M, I> {
  return rule
}

export const RuleOutcome = z.object({
  id: z.string(),
  result: z.enum(['fired', 'passed', 'not-evaluated', 'not-applicable']),
  reason: z.string().optional(),
})
export type RuleOutcome = z.infer<typeof RuleOutcome>
