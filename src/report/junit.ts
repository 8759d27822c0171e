import {ruleCode} from './codes.js'
import type {Report} from './model.js'

// XML 1.0 forbids most control characters even escaped; evidence may hold them.
// eslint-disable-next-line no-control-regex
const xml = (s: string) => s.replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

/** JUnit XML for CI test views: one test case per rule; fired = failure, not evaluated or not applicable = skipped. */
export function renderJunit(r: Report): string {
  const cases: string[] = []
  let failures = 0
  let skipped = 0
  for (const o of r.coverage.outcomes) {
    const shown = r.findings.filter((f) => f.id === o.id)
    const hidden = [...r.suppressed.filter((f) => f.id === o.id).map(() => 'suppressed by .ciltune.yaml')]
    const head = `    <testcase classname="ciltune.${xml(o.id)}" name="[${ruleCode(o.id)}] ${xml(o.id)}">`
    if (shown.length > 0) {
      failures++
      const body = shown.map((f) => `[${f.code}] ${f.severity}: ${f.title}\n${f.message}\n${f.evidence.map((e) => `  ${e.source}${e.line > 0 ? `:${e.line}` : ''}: ${e.text}`).join('\n')}\n${f.docUrl}`).join('\n\n')
      const type = shown[0].severity
      cases.push(`${head}\n      <failure type="${type}" message="${xml(shown.map((f) => f.title).join('; '))}">${xml(body)}</failure>\n    </testcase>`)
    } else if (o.result === 'not-evaluated' || o.result === 'not-applicable') {
      skipped++
      cases.push(`${head}\n      <skipped message="${xml(`${o.result}: ${o.reason ?? ''}`)}"/>\n    </testcase>`)
    } else {
      const note = hidden.length > 0 ? `${hidden.length} finding(s) suppressed by .ciltune.yaml` : o.result === 'fired' ? 'unchanged since the baseline' : ''
      cases.push(note ? `${head}\n      <system-out>${xml(note)}</system-out>\n    </testcase>` : head.replace(/>$/, '/>'))
    }
  }
  const attrs = `tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}"`
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="ciltune" ${attrs}>`,
    `  <testsuite name="ciltune doctor ${xml(r.source.path ?? r.source.context ?? r.source.kind)}" ${attrs}>`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n')
}
