import {createHash} from 'node:crypto'
import type {Severity} from '../rules/types.js'
import {docUrl, ruleCode} from './codes.js'
import type {Report, ReportFinding} from './model.js'

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {critical: 'error', high: 'error', medium: 'warning', info: 'note'}

function rulesOf(r: Report): Array<{id: string, name: string, helpUri: string, shortDescription?: {text: string}}> {
  const rules = new Map<string, {id: string, name: string, helpUri: string, shortDescription?: {text: string}}>()
  for (const o of r.coverage.outcomes) rules.set(ruleCode(o.id), {id: ruleCode(o.id), name: o.id, helpUri: docUrl(ruleCode(o.id))})
  for (const f of [...r.findings, ...r.suppressed]) {
    rules.set(f.code, {id: f.code, name: f.messageId ? `${f.id}/${f.messageId}` : f.id, helpUri: f.docUrl, shortDescription: {text: f.title}})
  }
  return [...rules.values()].sort((a, b) => a.id.localeCompare(b.id))
}

function locations(f: ReportFinding) {
  return f.evidence.map((e) => ({
    physicalLocation: {
      artifactLocation: {uri: encodeURI(e.source)},
      ...(e.line > 0 ? {region: {startLine: e.line, snippet: {text: e.text}}} : {}),
    },
  }))
}

function result(f: ReportFinding, index: Map<string, number>, suppression?: {justification: string}) {
  return {
    ruleId: f.code,
    ruleIndex: index.get(f.code),
    level: LEVEL[f.severity],
    message: {text: `${f.title}: ${f.message}`},
    locations: locations(f),
    partialFingerprints: {'ciltuneFinding/v1': createHash('sha256').update(f.fingerprint).digest('hex').slice(0, 32)},
    properties: {ruleId: f.id, severity: f.severity, agents: f.agents, ...(f.messageId ? {messageId: f.messageId} : {})},
    ...(suppression ? {suppressions: [{kind: 'external', justification: suppression.justification}]} : {}),
  }
}

/** SARIF 2.1.0 for code-scanning UIs: a rule per code with its doc URL, evidence lines as locations. */
export function renderSarif(r: Report): string {
  const rules = rulesOf(r)
  const index = new Map(rules.map((x, i) => [x.id, i]))
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {driver: {name: 'ciltune', version: r.tool.version, informationUri: docUrl('').replace(/#$/, ''), rules}},
      results: [
        ...r.findings.map((f) => result(f, index)),
        ...r.suppressed.map((f) => result(f, index, {justification: f.suppressedBy.reason})),
      ],
      properties: {source: r.source, summary: r.summary},
    }],
  }
  return JSON.stringify(log, null, 2) + '\n'
}
