import {expect} from 'chai'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {Ajv2020} from 'ajv/dist/2020.js'
import {z} from 'zod'
import {findingCode, ruleCode} from '../../src/report/codes.js'
import {Report} from '../../src/report/model.js'
import {loadRules} from '../../src/rules/engine.js'
import {PROJECT_DIR} from '../helpers/reference.js'
import {reportFor} from './_report.js'

const SCENARIOS = ['synthetic-lb4-pressure', 'synthetic-healthy', 'synthetic-scale-hygiene', 'synthetic-degraded-agents']

describe('the JSON/YAML contract: schemaVersion, published JSON Schema, codes', function () {
  this.timeout(60_000)
  const schema = JSON.parse(readFileSync(join(PROJECT_DIR, 'schema', 'report.schema.json'), 'utf8')) as Record<string, unknown>

  it('schema/report.schema.json is exactly what zod generates from the Report schema (no drift)', () => {
    const generated = z.toJSONSchema(Report, {target: 'draft-2020-12', io: 'output'}) as Record<string, unknown>
    const {$id: _id, title: _title, ...shipped} = schema
    expect(shipped).to.deep.equal(JSON.parse(JSON.stringify(generated)))
    expect((JSON.parse(readFileSync(join(PROJECT_DIR, 'package.json'), 'utf8')) as {files: string[]}).files).to.include('/schema')
  })

  it('real reports validate against the shipped schema; a broken one does not', async () => {
    const validate = new Ajv2020({allErrors: true, strict: false}).compile(schema)
    for (const s of SCENARIOS) {
      const {report} = await reportFor(s)
      expect(report.schemaVersion).to.equal(1)
      expect(validate(report), `${s}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).to.equal(true)
    }
    const {report} = await reportFor('synthetic-lb4-pressure')
    const broken = {...report, findings: [{...report.findings[0], code: 7}]}
    expect(validate(broken)).to.equal(false)
  })

  it('every evidence line is included: no invented line-0 "more omitted" entries', async () => {
    for (const s of SCENARIOS) {
      const {report} = await reportFor(s)
      for (const f of report.findings) {
        for (const e of f.evidence) {
          expect(e.source, `${f.id}`).to.not.equal('…')
          expect(e.text).to.not.match(/more evidence lines omitted/)
        }
      }
    }
    const {report} = await reportFor('synthetic-lb4-pressure')
    expect(Math.max(...report.findings.map((f) => f.evidence.length))).to.be.greaterThan(8)
  })

  it('codes: derived from the rule id (and messageId), unique across rules and across one rule\'s messages, each with a doc URL', async () => {
    const rules = await loadRules()
    const codes = rules.map((r) => ruleCode(r.meta.id))
    expect(new Set(codes).size).to.equal(rules.length)
    for (const c of codes) expect(c).to.match(/^CT\d{4}$/)
    expect(ruleCode('bpf-map-pressure')).to.equal(ruleCode('bpf-map-pressure'.slice(0)))
    expect(findingCode('agent-restarts', 'fatal-oom')).to.match(new RegExp(`^${ruleCode('agent-restarts')}-\\d{2}$`))
    const docs = readFileSync(join(PROJECT_DIR, 'docs', 'codes.md'), 'utf8')
    for (const r of rules) expect(docs).to.include(`<a id="${ruleCode(r.meta.id).toLowerCase()}"></a>`)
    const {report} = await reportFor('synthetic-lb4-pressure')
    for (const f of report.findings) {
      expect(f.code).to.equal(findingCode(f.id, f.messageId))
      expect(f.docUrl).to.match(new RegExp(`/docs/codes\\.md#${ruleCode(f.id).toLowerCase()}$`))
    }
  })

  it("README's JSON example is a report the schema accepts, with today's field names", () => {
    const readme = readFileSync(join(PROJECT_DIR, 'README.md'), 'utf8')
    const block = /<!-- report-example -->\s*```json\n([\s\S]*?)```/.exec(readme)
    expect(block, 'README has a ```json block after <!-- report-example -->').to.not.equal(null)
    const validate = new Ajv2020({strict: false}).compile(schema)
    const example = JSON.parse(block![1]) as unknown
    expect(validate(example), JSON.stringify(validate.errors?.slice(0, 3))).to.equal(true)
  })
})
