import Table from 'cli-table3'
import {loadRules} from '../rules/engine.js'
import {InputError} from '../util/errors.js'

export async function listRules(output: 'table' | 'json'): Promise<string> {
  const rules = await loadRules()
  if (output === 'json') {
    return JSON.stringify(rules.map((r) => ({id: r.meta.id, severity: r.meta.severity, title: r.meta.title, versions: r.meta.versions, catalog: r.meta.catalog})), null, 2) + '\n'
  }
  const t = new Table({head: ['id', 'severity', 'title'], style: {head: [], border: []}, chars: {'mid': '', 'left-mid': '', 'mid-mid': '', 'right-mid': ''}})
  for (const r of rules) t.push([r.meta.id, r.meta.severity, r.meta.title])
  return t.toString() + `\n${rules.length} rules. \`ciltune explain ID\` documents one.\n`
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
    `severity: up to ${m.severity}    Cilium versions: ${m.versions}    catalog: ${m.catalog.join(', ') || '-'}`,
    `evidence: ${needs}`,
    '',
    'What it checks:', `  ${m.description}`,
    '', 'Why it matters:', `  ${m.why}`,
    '', 'Fix:', `  ${m.fix}`,
    ...(m.prerequisites ? ['', 'Prerequisites:', `  ${m.prerequisites}`] : []),
    '', 'Sources:', ...m.sources.map((s) => `  - ${s}`),
    '',
  ].join('\n')
}
