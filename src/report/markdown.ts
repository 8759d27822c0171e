import {noFindingsLine} from './no-findings.js'
import {mdCode, mdText} from './inert.js'
import type {Report} from './model.js'

const cell = (s: string) => mdText(s).replace(/\n/g, ' ')

/** For tickets and incident channels: paste-ready, evidence in code spans. */
export function renderMarkdown(r: Report): string {
  const out: string[] = []
  out.push(`# ciltune doctor: ${mdText(r.source.path ?? r.source.context ?? r.source.kind)}`)
  out.push('')
  out.push(`${r.agents.length} agents${r.ciliumVersion ? `, Cilium ${r.ciliumVersion}` : ''}. ` +
    `Critical ${r.summary.critical}, high ${r.summary.high}, medium ${r.summary.medium}, info ${r.summary.info}` +
    `${r.summary.suppressed > 0 ? `, suppressed ${r.summary.suppressed}` : ''}.`)
  out.push('')
  if (r.findings.length > 0) {
    out.push('| severity | code | rule | finding | agents |', '|---|---|---|---|---|')
    for (const f of r.findings) out.push(`| ${f.severity} | ${f.code} | \`${f.id}\` | ${cell(f.title)} | ${f.agents.length || 'cluster'} |`)
    for (const f of r.findings) {
      out.push('', `## ${f.severity.toUpperCase()} [${f.code}] \`${f.id}\`: ${mdText(f.title)}`, '', mdText(f.message), '', `Documentation: ${f.docUrl}`, '')
      for (const e of f.evidence) out.push(`- ${mdCode(`${e.source}${e.line > 0 ? `:${e.line}` : ''}`)}: ${mdCode(e.text)}`)
      if (f.helm.length > 0) {
        out.push('', '```yaml')
        for (const h of f.helm) out.push(`${h.path}: ${JSON.stringify(h.value)}  # ${h.reason.replace(/```/g, "'''")}`)
        out.push('```')
      }
      if (f.fix) out.push('', `Fix: ${mdText(f.fix)}`)
    }
  } else {
    out.push(noFindingsLine(r))
  }
  if (r.suppressed.length > 0) {
    out.push('', `## Suppressed (${r.suppressed.length})`, '')
    for (const f of r.suppressed) out.push(`- [${f.code}] \`${f.id}\`: ${cell(f.title)} (${cell(f.suppressedBy.reason)})`)
  }
  for (const e of r.config.expired) out.push('', `Expired suppression ${e.match} (${e.expires}: ${cell(e.reason)}) no longer hides anything.`)
  if (r.baseline) {
    out.push('', `## Since baseline ${mdText(r.baseline.path)}`, '', `${r.findings.length} new, ${r.baseline.unchanged} unchanged, ${r.baseline.resolved.length} resolved.`)
    for (const x of r.baseline.resolved) out.push(`- resolved [${x.code}] \`${x.id}\`: ${cell(x.title)}`)
  }
  out.push('', '## Coverage', '')
  const cv = r.coverage.rules
  out.push(`${cv.total} rules: ${cv.fired} fired, ${cv.passed} passed, ${cv.notEvaluated} not evaluated, ${cv.notApplicable} not applicable.`)
  for (const ne of r.coverage.notEvaluated) out.push(`- not evaluated \`${ne.id}\`: ${mdText(ne.reason)}`)
  for (const s of r.skipped) out.push(`- skipped ${mdCode(s.path)}: ${mdText(s.reason)}`)
  return out.join('\n') + '\n'
}
