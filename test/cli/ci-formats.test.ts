import {expect} from 'chai'
import {readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import Ajv04 from 'ajv-draft-04'
import {renderJunit} from '../../src/report/junit.js'
import {renderSarif} from '../../src/report/sarif.js'
import {reportFor} from './_report.js'

const require = createRequire(import.meta.url)

/** The OASIS SARIF 2.1.0 schema as shipped by Microsoft's @microsoft/jest-sarif (sarif-2.1.0-rtm.5, JSON Schema draft-04). */
function sarifValidator() {
  const path = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json')
  const schema = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>
  return new Ajv04.default({allErrors: true, strict: false, validateFormats: false, unicodeRegExp: false}).compile(schema)
}

describe('-o sarif and -o junit for CI', function () {
  this.timeout(60_000)

  it('SARIF validates against the official 2.1.0 schema: rules with helpUri, evidence as locations', async () => {
    const validate = sarifValidator()
    for (const s of ['synthetic-lb4-pressure', 'synthetic-healthy']) {
      const log = JSON.parse(renderSarif((await reportFor(s)).report)) as {version: string, runs: Array<{tool: {driver: {rules: Array<{id: string, helpUri: string}>}}, results: Array<{ruleId: string, ruleIndex: number, locations: Array<{physicalLocation: {region?: {startLine: number}}}>}>}>}
      expect(validate(log), `${s}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).to.equal(true)
      const run = log.runs[0]
      for (const r of run.tool.driver.rules) expect(r.helpUri).to.match(/^https:\/\/.*#ct\d{4}$/)
      for (const res of run.results) {
        expect(run.tool.driver.rules[res.ruleIndex].id).to.equal(res.ruleId)
        expect(res.locations.some((l) => (l.physicalLocation.region?.startLine ?? 0) > 0)).to.equal(true)
      }
    }
    const broken = JSON.parse(renderSarif((await reportFor('synthetic-lb4-pressure')).report)) as {runs: Array<{results: Array<{level: string}>}>}
    broken.runs[0].results[0].level = 'fatal'
    expect(validate(broken)).to.equal(false)
  })

  it('SARIF fingerprints are stable across runs and distinct across findings', async () => {
    const fp = async () => (JSON.parse(renderSarif((await reportFor('synthetic-lb4-pressure')).report)) as {runs: Array<{results: Array<{partialFingerprints: Record<string, string>}>}>})
      .runs[0].results.map((r) => r.partialFingerprints['ciltuneFinding/v1'])
    const a = await fp()
    expect(await fp()).to.deep.equal(a)
    expect(new Set(a).size).to.equal(a.length)
  })

  it('JUnit: one test case per rule; fired = failure, not evaluated = skipped', async () => {
    const {report} = await reportFor('synthetic-lb4-pressure')
    const xml = renderJunit(report)
    const cases = xml.match(/<testcase /g) ?? []
    expect(cases).to.have.length(report.coverage.rules.total)
    expect(xml.match(/<failure /g) ?? []).to.have.length(new Set(report.findings.map((f) => f.id)).size)
    const skipped = report.coverage.rules.notEvaluated + report.coverage.rules.notApplicable
    expect(xml.match(/<skipped /g) ?? []).to.have.length(skipped)
    expect(xml).to.match(new RegExp(`<testsuites name="ciltune" tests="${cases.length}" failures="\\d+" errors="0" skipped="${skipped}">`))
    expect(xml).to.not.match(/\x1b/) // eslint-disable-line no-control-regex
    // every testcase is closed
    expect((xml.match(/<testcase [^>]*\/>|<\/testcase>/g) ?? []).length).to.equal(cases.length)
  })
})
