import {noFindingsLine} from './no-findings.js'
import {Chalk} from 'chalk'
import Table from 'cli-table3'
import type {Finding, Severity} from '../rules/types.js'
import type {RenderOptions} from './formats.js'
import type {Report, ReportFinding} from './model.js'
import {renderWideTable} from './table-wide.js'
import {configAndBaselineLines} from './table-notes.js'
import {inertLine} from './terminal-text.js'

const FIXED = {sev: 10, code: 14} // widths with cli-table3's one-space padding each side
const BORDERS = 4

/** A source as short as still tells it apart: the file name, or the command run in the agent. */
function shortSource(source: string): string {
  const cmd = /^pod\/[^:]+: (?:cilium-dbg |cilium )?(.*)$/.exec(source)
  return cmd ? cmd[1].replace(/ --verbose$/, '') : source.split('/').pop() ?? source
}

/** The line that best shows the problem: the rule puts it first; a real source line beats a summary. */
export function strongestEvidence(f: Finding): string | undefined {
  const e = f.evidence.find((x) => x.line > 0) ?? f.evidence[0]
  return e && `${inertLine(shortSource(e.source))}${e.line > 0 ? `:${e.line}` : ''} ${inertLine(e.text).replace(/[│├└─]+/g, ' ').replace(/\s+/g, ' ').trim()}` // tree glyphs of status --verbose only cost width
}

function clip(s: string, max: number): string {
  return [...s].length <= max ? s : `${[...s].slice(0, Math.max(0, max - 1)).join('')}…`
}

/** At most `lines` lines of `width`, broken at spaces where possible; the last one clipped. We wrap, not cli-table3, so colour codes are never split. */
function wrap(s: string, width: number, lines: number): string[] {
  const out: string[] = []
  let rest = s
  while (rest.length > 0 && out.length < lines - 1 && [...rest].length > width) {
    const cut = rest.lastIndexOf(' ', width)
    const at = cut > width / 2 ? cut : width
    out.push(rest.slice(0, at).trimEnd())
    rest = rest.slice(at).trimStart()
  }
  if (rest.length > 0) out.push(clip(rest, width))
  return out
}

function where(f: Finding, total: number): string {
  if (f.agents.length === 0) return 'cluster'
  if (f.agents.length === 1) return f.agents[0]
  return `${f.agents.length}/${total} agents`
}

export function summaryLine(r: Report): string {
  const s = r.summary
  const parts = [`${s.critical} critical, ${s.high} high, ${s.medium} medium, ${s.info} info`, `${r.coverage.agents.total} agents read`]
  const notEvaluated = r.coverage.rules.notEvaluated + r.coverage.agentChecksNotEvaluated
  parts.push(`${notEvaluated} checks not evaluated`)
  if (s.suppressed > 0) parts.push(`${s.suppressed} suppressed`)
  if (r.errors.length > 0) parts.push(`${r.errors.length} sources failed`)
  return parts.join(' · ')
}

/** One line per distinct Helm change (path = value), naming every finding that asks for it. */
export function helmChanges(findings: ReportFinding[]): Array<{change: string, codes: string[]}> {
  const byChange = new Map<string, string[]>()
  for (const f of findings) {
    for (const h of f.helm) {
      const key = `${h.path}=${typeof h.value === 'string' ? h.value : JSON.stringify(h.value)}`
      const codes = byChange.get(key) ?? []
      if (!codes.includes(f.code)) codes.push(f.code)
      byChange.set(key, codes)
    }
  }
  return [...byChange].map(([change, codes]) => ({change, codes}))
}

function findingsTable(r: Report, width: number, sev: Record<Severity, (s: string) => string>, dim: (s: string) => string): string {
  const rest = Math.max(30, width - FIXED.sev - FIXED.code - BORDERS)
  const t = new Table({
    head: ['severity', 'code, where', 'finding · strongest evidence'],
    colWidths: [FIXED.sev, FIXED.code, rest],
    wordWrap: false,
    style: {head: [], border: [], 'padding-left': 1, 'padding-right': 1},
    chars: {'mid': '', 'left-mid': '', 'mid-mid': '', 'right-mid': ''},
  })
  const inner = rest - 2
  for (const f of r.findings) {
    const ev = strongestEvidence(f)
    // title and evidence get two lines each at most; the code sits above where it was seen
    const cell = [...wrap(inertLine(f.title), inner, 2), ...(ev ? wrap(ev, inner, 2).map(dim) : [])].join('\n')
    t.push([sev[f.severity](f.severity.toUpperCase()), `${f.code}\n${clip(where(f, r.agents.length), FIXED.code - 2)}`, cell])
  }
  return t.toString()
}

/**
 * The human report, sized to the terminal: a one-line summary, one row per finding with its strongest
 * evidence, each Helm change once, and where to go next. --wide prints every detail instead.
 */
export function renderTable(r: Report, opts: RenderOptions): string {
  if (opts.wide) return renderWideTable(r, opts.color)
  const c = new Chalk({level: opts.color ? 1 : 0})
  const sev: Record<Severity, (s: string) => string> = {
    critical: (s) => c.bold.red(s), high: (s) => c.red(s), medium: (s) => c.yellow(s), info: (s) => c.cyan(s),
  }
  const width = Math.max(60, opts.width)
  const src = r.source.path ?? r.source.context ?? r.source.kind
  // clipped before colouring: the width counts what is visible (a long --from path must not overflow 80 columns)
  const title = clip(`ciltune doctor: ${src}${r.ciliumVersion ? ` (Cilium ${r.ciliumVersion})` : ''}`, width).replace(/^ciltune doctor/, c.bold('ciltune doctor'))
  const out: string[] = [title, summaryLine(r)]
  if (r.findings.length === 0) out.push(r.summary.noVerdict ? c.yellow(noFindingsLine(r)) : c.green(noFindingsLine(r)))
  else out.push(findingsTable(r, width, sev, (s) => c.dim(s)))
  for (const e of r.errors) out.push(c.yellow(clip(`error: ${inertLine(e.message)}`, width)))
  if (r.coverage.agents.incomplete > 0) out.push(sev.high(`Incomplete: ${r.coverage.agents.incomplete} agent(s) could not be read fully.`))
  const logs = r.coverage.logs
  // said only when something was not understood: "72 of 72" on every healthy run is noise
  if (logs && logs.understood < logs.lines) out.push(c.yellow(clip(`Logs: ${logs.understood} of ${logs.lines} lines understood (${logs.errorLines - logs.errorLinesRecognized} unexplained errors, ${logs.lines - logs.parsed} unreadable).`, width)))
  out.push(...configAndBaselineLines(r, (s) => c.yellow(s), (s) => c.dim(s), false))
  const changes = helmChanges(r.findings)
  const line = (h: {change: string, codes: string[]}) => `${h.change}  (${h.codes.join(', ')})`
  if (changes.length === 1) out.push(clip(`Helm change: ${line(changes[0])}`, width))
  if (changes.length > 1) out.push('Helm changes:', ...changes.map((h) => clip(`  ${line(h)}`, width)))
  if (changes.length > 0) out.push('Next: `ciltune suggest` writes these as Helm values; --wide shows every detail.')
  else if (r.findings.length > 0) out.push('--wide shows each finding in full; `ciltune explain RULE` documents a rule.')
  return out.join('\n') + '\n'
}
