import Table from 'cli-table3'
import {CONDITIONS} from '../cilium/conditions.js'
import type {FeatureId} from '../cilium/features.js'
import {FEATURES} from '../cilium/features.js'
import {loadRules} from '../rules/engine.js'
import {InputError} from '../util/errors.js'

export async function listRules(output: 'table' | 'json'): Promise<string> {
  const rules = await loadRules()
  if (output === 'json') {
    return JSON.stringify(rules.map((r) => ({id: r.meta.id, severity: r.meta.severity, title: r.meta.title, versions: r.meta.versions, messages: r.meta.messages, features: r.meta.features ?? [], sources: r.meta.sources})), null, 2) + '\n'
  }
  const t = new Table({head: ['id', 'severity', 'title'], style: {head: [], border: []}, chars: {'mid': '', 'left-mid': '', 'mid-mid': '', 'right-mid': ''}})
  for (const r of rules) t.push([r.meta.id, r.meta.severity, r.meta.title])
  return t.toString() + `\n${rules.length} rules. \`ciltune explain ID\` documents one.\n`
}

/** The prerequisites of what the rule suggests, from the one graph (src/cilium/features.ts). */
function featureLines(ids: FeatureId[]): string[] {
  if (ids.length === 0) return []
  const out = ['', 'What the suggested changes need (checked by `suggest`):']
  for (const id of ids) {
    const f = FEATURES[id]
    out.push(`  ${f.title}${f.improvement ? ' (an improvement: `suggest --improvements`)' : ''}: ${f.docs}`)
    for (const c of f.requires) out.push(`    - ${CONDITIONS[c].describe}`)
  }
  return out
}

export async function explainRule(id: string): Promise<string> {
  const rules = await loadRules()
  const r = rules.find((x) => x.meta.id === id)
  if (!r) {
    const near = rules.filter((x) => x.meta.id.includes(id) || id.includes(x.meta.id)).map((x) => x.meta.id)
    throw new InputError(`no rule "${id}"${near.length > 0 ? `; did you mean ${near.join(', ')}?` : '; `ciltune rules` lists them'}`)
  }
  const m = r.meta
  const needs = m.needs.map((g) => g.join(' + ')).join(', or ') || 'nothing'
  return [
    `${m.id}: ${m.title}`,
    `severity: up to ${m.severity}    Cilium versions: ${m.versions}`,
    `evidence: ${needs}`,
    '',
    'What it checks:', `  ${m.description}`,
    '', 'Why it matters:', `  ${m.why}`,
    '', 'Fix:', `  ${m.fix}`,
    ...(m.prerequisites ? ['', 'Prerequisites:', `  ${m.prerequisites}`] : []),
    ...featureLines(m.features ?? []),
    '', 'Findings (messageId: meaning):', ...Object.entries(m.messages).map(([k, v]) => `  ${k}: ${v}`),
    '', 'Sources:', ...m.sources.map((s) => `  - ${s}`),
    '',
  ].join('\n')
}
