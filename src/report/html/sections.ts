import type {Evidence} from '../../rules/types.js'
import type {Report, ReportFinding} from '../model.js'
import type {RenderedChart} from './charts.js'
import {esc, safe} from './escape.js'
import {evidenceView} from './evidence.js'
import type {HtmlExtras} from './extras.js'

const SEVERITIES = ['critical', 'high', 'medium', 'info'] as const

export function summarySection(r: Report): string {
  const cv = r.coverage
  const read = r.agents.filter((a) => a.errors.length === 0).length
  const counts = SEVERITIES.map((s) => `<li><span class="sev sev-${s}">${s}</span> ${r.summary[s]}</li>`).join('')
  const verdict = r.findings.length === 0
    ? (cv.rules.notEvaluated > 0 ? `<p class="ok">No findings in the ${cv.rules.passed} rules that ran; ${cv.rules.notEvaluated} could not be evaluated (see coverage).</p>` : '<p class="ok">No findings.</p>')
    : `<p>${r.findings.length} finding(s); exit code ${r.summary.exitCode} (fail on ${esc(r.summary.failOn)}).</p>`
  const warning = r.summary.warning ? `<p class="warning" role="note"><strong>Incomplete:</strong> ${safe(r.summary.warning)}</p>` : ''
  const hidden = [
    r.summary.suppressed > 0 ? `${r.summary.suppressed} finding(s) suppressed by ${safe(r.config.path ?? 'the configuration')} (listed under Findings)` : '',
    r.baseline ? `${r.baseline.unchanged} finding(s) unchanged since the baseline ${safe(r.baseline.path)} are not shown; ${r.baseline.resolved.length} resolved` : '',
  ].filter(Boolean)
  return `<section id="summary" aria-labelledby="summary-h"><h2 id="summary-h">Summary</h2>${warning}${verdict}${hidden.map((h) => `<p>${h}.</p>`).join('')}
<ul class="counts">${counts}</ul>
<dl class="summary"><dt>Source</dt><dd>${safe(r.source.path ?? r.source.context ?? r.source.kind)} (${esc(r.source.kind)})</dd>
${r.ciliumVersion ? `<dt>Cilium</dt><dd>${esc(r.ciliumVersion)}</dd>` : ''}
<dt>Agents read</dt><dd>${read} of ${cv.agents.total} completely (${cv.agents.incomplete} incomplete); status ${cv.agents.withStatus}, services ${cv.agents.withServices}, maps ${cv.agents.withMaps}, metrics ${cv.agents.withMetrics}, logs ${cv.agents.withLogs}</dd>
<dt>Not evaluated</dt><dd>${cv.rules.notEvaluated} rule(s)${cv.agentChecksNotEvaluated > 0 ? `, ${cv.agentChecksNotEvaluated} agent checks on agents that could not be read` : ''}</dd>
<dt>Tool</dt><dd>ciltune ${esc(r.tool.version)}</dd></dl></section>`
}

const where = (e: Evidence) => `<span class="src">${safe(e.source)}${e.line > 0 ? `:${e.line}` : ''}</span>`

function evidenceList(ev: Evidence[]): string {
  const v = evidenceView(ev)
  if (v.kind === 'full') return `<ol class="evidence">${v.lines.map((e) => `<li>${where(e)}<code>${safe(e.text)}</code></li>`).join('')}</ol>`
  const items = v.groups.map((g) => `<li data-lines="${g.lines}">${where(g.example)}<code>${safe(g.example.text)}</code>` +
    (g.lines > 1 ? `<span class="more">and ${g.lines - 1} more line(s) like it, from ${g.sources} source(s)</span>` : '') + '</li>').join('')
  const other = v.otherShapes > 0 ? `<p class="more" data-lines="${v.otherLines}">${v.otherLines} more line(s) in ${v.otherShapes} other shape(s).</p>` : ''
  return `<p class="note">${v.total} evidence lines; one example of each kind is shown (numbers differ). Every line is in <code>-o json</code>.</p>` +
    `<ol class="evidence grouped">${items}</ol>${other}`
}

function findingBlock(f: ReportFinding, i: number): string {
  const helm = f.helm.length === 0 ? '' : `<h4>Helm fix</h4><pre><code>${f.helm.map((h) => `${safe(h.path)}: ${safe(JSON.stringify(h.value))}  # ${safe(h.reason)}${h.cost ? `\n#   cost: ${safe(h.cost)}` : ''}`).join('\n')}</code></pre>`
  return `<article class="finding ${f.severity}" id="f${i + 1}" aria-labelledby="f${i + 1}-h">
<h3 id="f${i + 1}-h"><span class="sev sev-${f.severity}">${f.severity}</span> <code>${esc(f.id)}</code> ${safe(f.title)}</h3>
<p class="code">Code <a href="${esc(f.docUrl)}">${esc(f.code)}</a></p>
<p>${safe(f.message)}</p>${f.agents.length > 0 ? `<p>Agents (${f.agents.length}): ${safe(f.agents.slice(0, 12).join(', '))}${f.agents.length > 12 ? ` and ${f.agents.length - 12} more` : ''}</p>` : ''}
<h4>Evidence</h4>${evidenceList(f.evidence)}${helm}${f.fix ? `<p><strong>Fix:</strong> ${safe(f.fix)}</p>` : ''}</article>`
}

export function findingsSection(r: Report): string {
  const body = r.findings.length === 0 ? '<p>No findings.</p>' : r.findings.map(findingBlock).join('\n')
  const suppressed = r.suppressed.length === 0 ? '' : `<h3>Suppressed</h3><ul class="suppressed">${r.suppressed.map((f) =>
    `<li><code>${esc(f.code)}</code> ${safe(f.title)}: ${safe(f.suppressedBy.reason)}${f.suppressedBy.expires ? ` (until ${esc(f.suppressedBy.expires)})` : ''}</li>`).join('')}</ul>`
  const resolved = !r.baseline || r.baseline.resolved.length === 0 ? '' : `<h3>Resolved since the baseline</h3><ul>${r.baseline.resolved.map((f) =>
    `<li><code>${esc(f.code)}</code> ${safe(f.title)}</li>`).join('')}</ul>`
  return `<section id="findings" aria-labelledby="findings-h"><h2 id="findings-h">Findings</h2>${body}${suppressed}${resolved}</section>`
}

function figure(c: RenderedChart): string {
  const table = `<table><caption>Data of “${esc(c.title)}”</caption><thead><tr>${c.table.head.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead>` +
    `<tbody>${c.table.rows.map((r) => `<tr>${r.map((v) => `<td${typeof v === 'number' ? ' class="n"' : ''}>${safe(v)}</td>`).join('')}</tr>`).join('')}</tbody></table>`
  return `<figure id="chart-${c.id}" data-chart="${c.id}" data-mark="${esc(c.mark)}" data-rows="${c.table.rows.length}">
<h3>${esc(c.title)}</h3>${c.svg}<figcaption>${safe(c.summary)}</figcaption><details><summary>Data as a table</summary>${table}</details></figure>`
}

export function chartsSection(list: RenderedChart[], x: HtmlExtras | undefined): string {
  if (!x) return '<section id="pictures" aria-labelledby="pictures-h"><h2 id="pictures-h">Pictures</h2><p>No evidence was given to draw from.</p></section>'
  const h = x.charts.health
  const healthLine = h.measured === 0 ? '<p>No agent printed a cluster-health table.</p>'
    : list.some((c) => c.id === 'health') ? '' : `<p>Cluster health: all ${h.measured} agents reporting it reach every node.</p>`
  const body = list.length === 0 ? '<p>Nothing to draw: no map pressure, drop, health or sizing data in this evidence.</p>' : list.map(figure).join('\n')
  return `<section id="pictures" aria-labelledby="pictures-h"><h2 id="pictures-h">Pictures</h2>${healthLine}${body}</section>`
}

export function overlaySection(x: HtmlExtras | undefined): string {
  const o = x?.overlay ?? {error: 'no evidence was given to build it from'}
  const body = 'error' in o ? `<p>The overlay could not be built: ${safe(o.error)}</p>`
    : `<p>${o.items} value(s) to change${o.blocked > 0 ? `, ${o.blocked} blocked (see the comments)` : ''}. The same overlay as <code>ciltune suggest</code>; click to select it all.</p><pre class="overlay"><code>${safe(o.text)}</code></pre>`
  return `<section id="overlay" aria-labelledby="overlay-h"><h2 id="overlay-h">Helm values overlay</h2>${body}</section>`
}

export function coverageSection(r: Report): string {
  const cv = r.coverage.rules
  const ne = r.coverage.notEvaluated.map((n) => `<tr><td><code>${esc(n.id)}</code></td><td>${safe(n.reason)}</td></tr>`).join('')
  const skipped = r.skipped.map((s) => `<tr><td>${safe(s.path)}</td><td>${safe(s.reason)}</td></tr>`).join('')
  const errors = [...r.errors, ...r.agents.flatMap((a) => a.errors.map((e) => ({...e, command: `${a.name}: ${e.command}`})))]
    .slice(0, 200).map((e) => `<tr><td>${safe(e.command)}</td><td>${esc(e.kind)}</td><td>${safe(e.message)}</td></tr>`).join('')
  return `<section id="coverage" aria-labelledby="coverage-h"><h2 id="coverage-h">Coverage</h2>
<p>${cv.total} rules: ${cv.fired} fired, ${cv.passed} passed, ${cv.notEvaluated} not evaluated, ${cv.notApplicable} not applicable.</p>
${ne ? `<table><caption>Rules not evaluated</caption><thead><tr><th scope="col">rule</th><th scope="col">why</th></tr></thead><tbody>${ne}</tbody></table>` : ''}
${skipped ? `<table><caption>Inputs skipped</caption><thead><tr><th scope="col">path</th><th scope="col">reason</th></tr></thead><tbody>${skipped}</tbody></table>` : ''}
${errors ? `<table><caption>Collection errors</caption><thead><tr><th scope="col">source</th><th scope="col">kind</th><th scope="col">message</th></tr></thead><tbody>${errors}</tbody></table>` : ''}</section>`
}
