import {z} from 'zod'
import type {Rule} from '../rules/types.js'
import {Finding, RuleOutcome, SEVERITY_ORDER, Severity} from '../rules/types.js'
import type {Snapshot} from '../snapshot/schema.js'
import {clusterVersion} from '../rules/helpers.js'
import {LogCoverage, logCoverage} from '../logs/coverage.js'

const AGENT_EVIDENCE = ['status', 'services', 'maps', 'metrics', 'logs'] as const

export const AgentSummary = z.object({
  name: z.string(),
  node: z.string().optional(),
  version: z.string().optional(),
  state: z.string().optional(), // Cilium: line state, when status was read
  evidence: z.array(z.string()), // kinds read for this agent
  errors: z.array(z.object({command: z.string(), kind: z.string(), message: z.string()})),
})

/** Bumped when a field is renamed or removed; new optional fields keep it. schema/report.schema.json is generated from Report. */
export const REPORT_SCHEMA_VERSION = 1

/** A finding as reported: the rule's finding plus its code, documentation and a fingerprint stable across runs. */
export const ReportFinding = Finding.extend({
  code: z.string(), // CT4821, or CT4821-37 for one message of a rule
  docUrl: z.string(),
  fingerprint: z.string(), // rule, message and title with numbers masked: the same problem on the next run
})
export type ReportFinding = z.infer<typeof ReportFinding>

export const SuppressedFinding = ReportFinding.extend({
  suppressedBy: z.object({reason: z.string(), expires: z.string().optional(), match: z.string()}),
})

/** The JSON contract users script against: names here change only with a major version. */
export const Report = z.object({
  schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
  tool: z.object({name: z.literal('ciltune'), version: z.string()}),
  source: z.object({kind: z.string(), path: z.string().optional(), context: z.string().optional()}),
  ciliumVersion: z.string().optional(),
  summary: z.object({
    critical: z.number(), high: z.number(), medium: z.number(), info: z.number(), failOn: z.string(), exitCode: z.number(),
    suppressed: z.number(), // findings hidden by .ciltune.yaml, listed under `suppressed`
    warning: z.string().optional(), // the report's first line when most rules could not run
    noVerdict: z.string().optional(), // said instead of "No findings." when most rules could not run: what was read, what is missing
  }),
  findings: z.array(ReportFinding),
  suppressed: z.array(SuppressedFinding),
  config: z.object({
    path: z.string().optional(), // the .ciltune.yaml read, if any
    expired: z.array(z.object({match: z.string(), reason: z.string(), expires: z.string()})), // no longer suppressing
    severityOverrides: z.number(),
  }),
  baseline: z.object({
    path: z.string(),
    unchanged: z.number(), // findings also in the baseline, not shown
    resolved: z.array(z.object({id: z.string(), code: z.string(), title: z.string(), fingerprint: z.string()})),
  }).optional(),
  coverage: z.object({
    rules: z.object({total: z.number(), fired: z.number(), passed: z.number(), notEvaluated: z.number(), notApplicable: z.number()}),
    notEvaluated: z.array(z.object({id: z.string(), reason: z.string()})),
    agents: z.object({total: z.number(), withStatus: z.number(), withServices: z.number(), withMaps: z.number(), withMetrics: z.number(), withLogs: z.number(), incomplete: z.number()}),
    // checks that needed evidence from agents we could not read
    agentChecksNotEvaluated: z.number(),
    logs: LogCoverage.optional(), // log lines read and understood, when logs were read
    outcomes: z.array(RuleOutcome),
  }),
  agents: z.array(AgentSummary),
  skipped: z.array(z.object({path: z.string(), reason: z.string()})),
  errors: z.array(z.object({command: z.string(), kind: z.string(), message: z.string()})),
})
export type Report = z.infer<typeof Report>

export function exitCodeFor(findings: Finding[], failOn: Severity | 'none'): number {
  if (failOn === 'none') return 0
  return findings.some((f) => SEVERITY_ORDER[f.severity] >= SEVERITY_ORDER[failOn]) ? 1 : 0
}

export function buildReport(args: {snapshot: Snapshot, rules: Rule[], findings: ReportFinding[], outcomes: RuleOutcome[], failOn: Severity | 'none', version: string, suppressed?: Report['suppressed'], config?: Report['config']}): Report {
  const {snapshot: s, rules, findings, outcomes, failOn} = args
  const suppressed = args.suppressed ?? []
  const count = (sev: Severity) => findings.filter((f) => f.severity === sev).length
  const agents = s.agents.map((a) => ({
    name: a.name,
    ...(a.node ? {node: a.node} : {}),
    ...(a.status?.cilium?.version ? {version: a.status.cilium.version} : {}),
    ...(a.status?.cilium ? {state: a.status.cilium.state} : {}),
    evidence: AGENT_EVIDENCE.filter((k) => (k === 'logs' ? a.logs.length > 0 : a[k] !== undefined)),
    errors: a.errors,
  }))
  const incomplete = s.agents.filter((a) => a.errors.length > 0)
  const agentRules = rules.filter((r) => r.meta.needs.some((g) => g.some((k) => (AGENT_EVIDENCE as readonly string[]).includes(k))))
  const n = (r: RuleOutcome['result']) => outcomes.filter((o) => o.result === r).length
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: {name: 'ciltune', version: args.version},
    source: s.origin,
    ...(clusterVersion(s) ? {ciliumVersion: clusterVersion(s)} : {}),
    summary: {critical: count('critical'), high: count('high'), medium: count('medium'), info: count('info'), failOn, exitCode: exitCodeFor(findings, failOn), suppressed: suppressed.length},
    findings,
    suppressed,
    config: args.config ?? {expired: [], severityOverrides: 0},
    coverage: {
      rules: {total: outcomes.length, fired: n('fired'), passed: n('passed'), notEvaluated: n('not-evaluated'), notApplicable: n('not-applicable')},
      notEvaluated: outcomes.filter((o) => o.result === 'not-evaluated').map((o) => ({id: o.id, reason: o.reason ?? ''})),
      agents: {
        total: s.agents.length,
        withStatus: s.agents.filter((a) => a.status).length,
        withServices: s.agents.filter((a) => a.services).length,
        withMaps: s.agents.filter((a) => a.maps).length,
        withMetrics: s.agents.filter((a) => a.metrics).length,
        withLogs: s.agents.filter((a) => a.logs.length > 0).length,
        incomplete: incomplete.length,
      },
      agentChecksNotEvaluated: incomplete.length * agentRules.length,
      ...(logCoverage(s) ? {logs: logCoverage(s)} : {}),
      outcomes,
    },
    agents,
    skipped: s.skipped,
    errors: [...s.cluster.errors, ...(s.prometheus?.errors ?? [])],
  }
}
