import type {Finding, Rule, RuleOutcome} from '../rules/types.js'
import type {Snapshot} from '../snapshot/schema.js'

/*
 * How much of the report rests on evidence. A source that was asked for and failed, or input in
 * which nothing was read, must never end in "No findings" with exit 0: the caller turns
 * `nothingJudged` into one stderr line and exit 2, and `mostNotRun` into a first report line.
 */

/** Exit code of a report where most checks could not run and nothing fired: not 0, which means healthy. */
export const INCOMPLETE_EXIT = 3

export interface Judgement {
  /** One line per source that was asked for and gave nothing: "Prometheus http://…: unreachable (ECONNREFUSED)". */
  failedSources: string[]
  /** Rules that looked at real evidence (fired or passed), not counting the rules about evidence itself. */
  judged: number
  total: number
  nothingJudged: boolean
  mostNotRun: boolean
}

export function judge(snapshot: Snapshot, findings: Finding[], allOutcomes: RuleOutcome[], rules: Rule[]): Judgement {
  const meta = new Set(rules.filter((r) => r.meta.needs.length === 0).map((r) => r.meta.id))
  const outcomes = allOutcomes.filter((o) => !meta.has(o.id))
  const judged = outcomes.filter((o) => o.result === 'fired' || o.result === 'passed').length
  const failedSources: string[] = []
  const p = snapshot.prometheus
  if (p && p.samples.length === 0 && p.trends.length === 0 && p.errors.length > 0) failedSources.push(p.errors[0].message)
  const noEvidence = findings.find((f) => f.id === 'no-evidence')
  // read but not recognized stays a no-evidence finding (exit 1); nothing readable at all is a failed source
  const unreadable = snapshot.skipped.every((x) => /^unreadable|^binary/.test(x.reason))
  if (noEvidence && unreadable) failedSources.push(`${snapshot.origin.path ? `--from ${snapshot.origin.path}` : snapshot.origin.kind}: nothing could be read (${noEvidence.message.replace(/\s*No check could run\.$/, '')})`)
  return {
    failedSources,
    judged,
    total: outcomes.length,
    nothingJudged: judged === 0 && failedSources.length > 0,
    mostNotRun: judged * 2 < outcomes.length,
  }
}

/** The report's first line when most checks could not run: said before any "No findings". */
export function coverageHeadline(j: Judgement): string | undefined {
  if (!j.mostNotRun) return undefined
  return `Most checks could not run: ${j.total - j.judged} of ${j.total} rules could not run for lack of evidence; this is not a clean bill of health.`
}


function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`
}

/** What the snapshot holds, in words: "a NodeList (3 nodes)", "the operator Deployment", "status of 2 agents". */
export function evidenceRead(s: Snapshot): string[] {
  const c = s.cluster
  const NAMES = {status: 'status', services: 'service list', maps: 'map list', metrics: 'metrics'} as const
  const agentKinds = (['status', 'services', 'maps', 'metrics'] as const).filter((k) => s.agents.some((a) => a[k] !== undefined))
  const withLogs = s.agents.filter((a) => a.logs.length > 0).length
  return [
    ...(agentKinds.length > 0 ? [`the ${agentKinds.map((k) => NAMES[k]).join(', ')} of ${plural(s.agents.filter((a) => agentKinds.some((k) => a[k] !== undefined)).length, 'agent')}`] : []),
    ...(withLogs > 0 ? [`the log of ${plural(withLogs, 'agent')}`] : []),
    ...(s.agents.some((a) => a.knownNodes) ? [`the node list of ${plural(s.agents.filter((a) => a.knownNodes).length, 'agent')}`] : []),
    ...(c.clusterMesh ? ['a cilium clustermesh status'] : []),
    ...(c.config ? ['cilium-config'] : []),
    ...(c.helm ? ['Helm values'] : []),
    ...(c.nodes ? [`a NodeList (${plural(c.nodes.length, 'node')})`] : []),
    ...(c.pods ? [`a pod list (${plural(c.pods.length, 'pod')})`] : []),
    ...(c.operator ? [`the operator Deployment (${c.operator.ready}/${c.operator.desired} ready)`] : []),
    ...(c.counts ? ['Cilium resource counts'] : []),
    ...(c.cliStatus ? ['a cilium-cli status'] : []),
    ...(s.prometheus && s.prometheus.samples.length > 0 ? ['Prometheus metrics'] : []),
  ]
}

/** Said instead of "No findings." when most checks could not run: what was read and what a verdict needs. */
export function noVerdict(j: Judgement, s: Snapshot, findings: number): string | undefined {
  if (!j.mostNotRun || findings > 0) return undefined
  const read = evidenceRead(s)
  const what = read.length === 0 ? 'nothing Cilium-specific' : read.length === 1 ? read[0] : `${read.slice(0, -1).join(', ')} and ${read[read.length - 1]}`
  return `No verdict: read only ${what}. ${j.total - j.judged} of ${j.total} checks need the agents (status, map list, metrics, logs) or Cilium's configuration and could not run. ` +
    'Give `ciltune collect` output, a cilium-sysdump, or a live cluster.'
}
