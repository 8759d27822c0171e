/*
 * `doctor -o html`: one self-contained file to hand an incident over. No script, no font, no request:
 * the Content-Security-Policy allows only the stylesheet (by hash) and data: images.
 */
import {createHash} from 'node:crypto'
import {redactStrings} from '../../util/redact.js'
import type {RenderOptions} from '../formats.js'
import {inert} from '../inert.js'
import type {Report} from '../model.js'
import {charts, renderCharts} from './charts.js'
import {esc, safe} from './escape.js'
import {type HtmlExtras, htmlExtras} from './extras.js'
import {chartsSection, coverageSection, findingsSection, overlaySection, summarySection} from './sections.js'
import {CSS} from './style.js'

export type {HtmlExtras} from './extras.js'
export {htmlExtras} from './extras.js'

export function contentSecurityPolicy(css: string): string {
  const hash = createHash('sha256').update(css).digest('base64')
  return `default-src 'none'; style-src 'sha256-${hash}'; img-src data:; base-uri 'none'; form-action 'none'`
}

export async function renderHtml(report: Report, extras: HtmlExtras | undefined): Promise<string> {
  const pictures = extras ? await renderCharts(charts(extras)) : []
  const title = `ciltune doctor: ${report.source.path ?? report.source.context ?? report.source.kind}`
  const nav = ['summary', 'pictures', 'findings', 'overlay', 'coverage']
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${esc(contentSecurityPolicy(CSS))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${safe(title)}</title>
<style>${CSS}</style></head>
<body><header><h1>${safe(title)}</h1><p>Generated ${esc(new Date().toISOString())} by ciltune ${esc(report.tool.version)}. Read-only diagnosis; evidence lines are quoted as read, secrets redacted.</p>
<nav aria-label="Sections"><ul>${nav.map((n) => `<li><a href="#${n}">${n[0].toUpperCase()}${n.slice(1)}</a></li>`).join('')}</ul></nav></header>
<main>
${summarySection(report)}
${chartsSection(pictures, extras)}
${findingsSection(report)}
${overlaySection(extras)}
${coverageSection(report)}
</main></body></html>
`
}

/**
 * The html entry of the format table. The pictures and the overlay come from the same snapshot, findings
 * and rules as the report, and are redacted and made inert like the report itself.
 */
export async function renderHtmlReport(report: Report, opts: RenderOptions): Promise<string> {
  const e = opts.evidence
  // --anonymize too: the pictures name nodes and the overlay may hold addresses, like the report itself
  const anonymized = (x: HtmlExtras) => (opts.anonymize ? opts.anonymize.deep(x) : x)
  const extras = e ? inert(anonymized(redactStrings(htmlExtras(e.snapshot, e.rules, e.findings)))) : undefined
  return renderHtml(report, extras)
}
