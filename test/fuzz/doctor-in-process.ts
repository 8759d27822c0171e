import {buildSnapshot} from '../../src/ingest/build.js'
import {collectFromPath} from '../../src/ingest/from-path.js'
import {toReportFinding} from '../../src/report/fingerprint.js'
import {coverageHeadline, INCOMPLETE_EXIT, judge} from '../../src/report/judged.js'
import {buildReport} from '../../src/report/model.js'
import {runRules} from '../../src/rules/engine.js'
import type {Rule} from '../../src/rules/types.js'
import {InputError} from '../../src/util/errors.js'

/*
 * `doctor --from FILE --fail-on high` without the process around it or the rendering: the same steps as
 * runDoctor (collect, snapshot, rules, judgement, report), so ten thousand cases run in seconds. What the
 * process would print for an InputError is its one line and exit 2; any other exception escapes to the test.
 */

export interface Outcome {
  exit: number
  /** the one line doctor would print for exit 2 */
  error?: string
  findings: string[]
  /** errors, truncation or skipped files said in the report: the reader is told the evidence was damaged */
  marked: boolean
  /** rules that threw (runRule turns that into "not evaluated"; here it is a bug) */
  ruleErrors: string[]
}

export function doctorOnFile(file: string, rules: Rule[]): Outcome {
  let snapshot
  try {
    snapshot = buildSnapshot(collectFromPath(file))
  } catch (error) {
    if (error instanceof InputError) return {exit: 2, error: error.message, findings: [], marked: true, ruleErrors: []}
    throw error
  }
  const {findings, outcomes} = runRules(rules, snapshot)
  const ruleErrors = outcomes.filter((o) => o.reason?.startsWith('rule error:')).map((o) => `${o.id}: ${o.reason}`)
  const judgement = judge(snapshot, findings, outcomes, rules)
  if (judgement.nothingJudged) return {exit: 2, error: `${judgement.failedSources.join('; ')}; no check could run`, findings: [], marked: true, ruleErrors}
  const report = buildReport({snapshot, rules, outcomes, failOn: 'high', version: 'fuzz', findings: findings.map(toReportFinding)})
  let exit = report.summary.exitCode
  if (coverageHeadline(judgement) && exit === 0) exit = INCOMPLETE_EXIT
  const marked = report.errors.length > 0 || report.skipped.length > 0 || report.agents.some((a) => a.errors.length > 0)
  return {exit, findings: report.findings.map((f) => f.id), marked, ruleErrors}
}
