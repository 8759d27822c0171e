import {noFindingsLine} from './no-findings.js'
import {Chalk} from 'chalk'
import Table from 'cli-table3'
import type {Finding, Severity} from '../rules/types.js'
import type {Report} from './model.js'
import {configAndBaselineLines} from './table-notes.js'
import {inertLine} from './terminal-text.js'

const MAX_EVIDENCE = 5

function colours(color: boolean) {
  const c = new Chalk({level: color ? 1 : 0})
  const sev: Record<Severity, (s: string) => string> = {
    critical: (s) => c.bold.red(s), high: (s) => c.red(s), medium: (s) => c.yellow(s), info: (s) => c.cyan(s),
  }
  return {c, sev}
}

function formatValue(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v)
}

function agentsLabel(f: Finding, total: number): string {
  if (f.agents.length === 0) return 'cluster'
  if (f.agents.length <= 2) return f.agents.join(', ')
  return `${f.agents.length}/${total} agents`
}

/** --wide: every finding in full (message, evidence lines, each Helm change with its reason), then full coverage. */
export function renderWideTable(r: Report, color: boolean): string {
  const {c, sev} = colours(color)
  const out: string[] = []
  const src = r.source.path ?? r.source.context ?? r.source.kind
  out.push(c.bold(`ciltune doctor: ${src}`) + `  (${r.agents.length} agents${r.ciliumVersion ? `, Cilium ${r.ciliumVersion}` : ''})`)
  out.push('')
  if (r.findings.length === 0) {
    out.push(r.summary.noVerdict ? c.yellow(noFindingsLine(r)) : c.green(noFindingsLine(r)))
  } else {
    // Plain style: cli-table3 colours borders from TERM even when piped (toolchain.md §7), so colour cells ourselves.
    const t = new Table({
      head: ['severity', 'code', 'rule', 'where', 'finding'], style: {head: [], border: []}, wordWrap: true, colWidths: [10, 11, 28, 18, 60],
      chars: {'mid': '', 'left-mid': '', 'mid-mid': '', 'right-mid': ''},
    })
    for (const f of r.findings) t.push([sev[f.severity](f.severity.toUpperCase()), f.code, f.id, agentsLabel(f, r.agents.length), f.title])
    out.push(t.toString())
    for (const f of r.findings) {
      out.push('')
      out.push(`${sev[f.severity](f.severity.toUpperCase())} [${f.code}] ${c.bold(f.id)}: ${f.title}`)
      out.push(c.dim(`  ${f.docUrl}`))
      out.push(`  ${f.message}`)
      for (const e of f.evidence.slice(0, MAX_EVIDENCE)) out.push(c.dim(`  ${inertLine(e.source)}${e.line > 0 ? `:${e.line}` : ''}`) + `  ${inertLine(e.text)}`)
      if (f.evidence.length > MAX_EVIDENCE) out.push(c.dim(`  … ${f.evidence.length - MAX_EVIDENCE} more evidence lines (--output json shows all)`))
      for (const h of f.helm) out.push(`  ${c.green('fix')}: ${h.path}: ${formatValue(h.value)}  ${c.dim(`# ${h.reason}${h.cost ? `; cost: ${h.cost}` : ''}`)}`)
      if (f.fix) out.push(`  ${c.green('fix')}: ${f.fix}`)
    }
  }
  out.push('')
  const cv = r.coverage
  out.push(`Rules: ${cv.rules.total} run, ${cv.rules.fired} fired, ${cv.rules.passed} passed, ${cv.rules.notEvaluated} not evaluated, ${cv.rules.notApplicable} not applicable.`)
  if (cv.agents.incomplete > 0) {
    out.push(sev.high(`Incomplete: ${cv.agents.incomplete} agent(s) could not be read fully; ${cv.agentChecksNotEvaluated} agent checks not evaluated.`))
  }
  for (const ne of cv.notEvaluated) out.push(c.dim(`  not evaluated: ${ne.id}: ${ne.reason}`))
  for (const e of r.errors) out.push(c.yellow(`  error: ${e.message}`))
  out.push(...configAndBaselineLines(r, (s) => c.yellow(s), (s) => c.dim(s), true))
  if (r.skipped.length > 0) {
    out.push(c.dim(`Skipped ${r.skipped.length} file(s):`))
    for (const s of r.skipped.slice(0, 20)) out.push(c.dim(`  ${s.path}: ${s.reason}`))
    if (r.skipped.length > 20) out.push(c.dim(`  … ${r.skipped.length - 20} more`))
  }
  return out.join('\n') + '\n'
}
