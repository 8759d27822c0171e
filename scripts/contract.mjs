// Writes the published contract from the compiled code: schema/report.schema.json (zod 4 toJSONSchema of
// the Report schema) and docs/codes.md (every rule's code, title and documentation, the target of docUrl).
import {mkdirSync, writeFileSync} from 'node:fs'
import {z} from 'zod'
import {Report} from '../dist/src/report/model.js'
import {ruleCode} from '../dist/src/report/codes.js'
import {loadRules} from '../dist/src/rules/engine.js'

mkdirSync('schema', {recursive: true})
writeFileSync('schema/report.schema.json', JSON.stringify(reportJsonSchema(), null, 2) + '\n')

function reportJsonSchema() {
  return {
    $id: 'https://github.com/ciltune/ciltune/blob/main/schema/report.schema.json',
    title: 'ciltune doctor report (-o json / -o yaml)',
    ...z.toJSONSchema(Report, {target: 'draft-2020-12', io: 'output'}),
  }
}

const rules = await loadRules()
const lines = ['# ciltune finding codes', '',
  'Every finding carries a code derived from its rule id (`CT` + 4 digits) and, for one message of a rule,',
  'a two-digit suffix (`CT4821-37`). Codes never change while the rule id and message id stay the same.',
  'Generated at build from the rules; `ciltune explain RULE` prints the same text.', '']
for (const r of [...rules].sort((a, b) => ruleCode(a.meta.id).localeCompare(ruleCode(b.meta.id)))) {
  const m = r.meta
  lines.push(`<a id="${ruleCode(m.id).toLowerCase()}"></a>`, `## ${ruleCode(m.id)} ${m.id}: ${m.title}`, '',
    `Severity up to ${m.severity}; Cilium ${m.versions}.`, '', m.description, '', `**Why it matters.** ${m.why}`, '', `**Fix.** ${m.fix}`, '')
}
// upgrade-check's checks report with the same codes (src/upgrade/checks.ts)
const {UPGRADE_CHECKS} = await import('../dist/src/upgrade/checks.js')
for (const [id, c] of Object.entries(UPGRADE_CHECKS)) {
  lines.push(`<a id="${ruleCode(id).toLowerCase()}"></a>`, `## ${ruleCode(id)} ${id}: ${c.title}`, '', 'Reported by `ciltune upgrade-check`.', '',
    ...Object.entries(c.messages).map(([m, text]) => `- \`${m}\`: ${text}`), '')
}
mkdirSync('docs', {recursive: true})
writeFileSync('docs/codes.md', lines.join('\n'))
console.log(`schema/report.schema.json, docs/codes.md: ${rules.length} rules`)
