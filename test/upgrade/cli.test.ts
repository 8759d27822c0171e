import {expect} from 'chai'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {ruleCode} from '../../src/report/codes.js'
import {loadRules} from '../../src/rules/engine.js'
import {UPGRADE_CHECK_IDS} from '../../src/upgrade/checks.js'
import {cli} from '../helpers/cli.js'
import {PROJECT_DIR} from '../helpers/reference.js'

describe('ciltune upgrade-check (the built CLI)', function () {
  this.timeout(60_000)
  let dir: string
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ciltune-upgrade-cli-'))
  })
  after(() => rmSync(dir, {recursive: true, force: true}))

  it('exit codes as doctor\'s: 1 for a finding at --fail-on, 0 with --fail-on none, 2 and one line for a refused step', async () => {
    const values = join(dir, 'values.yaml')
    writeFileSync(values, 'enableCiliumEndpointSlice: true\n')
    const found = await cli(['upgrade-check', '--values', values, '--current', '1.17.18', '--to', '1.18', '-o', 'json'])
    expect(found.code, found.stderr).to.equal(1)
    expect((JSON.parse(found.stdout) as {findings: Array<{id: string}>}).findings.map((f) => f.id)).to.include('upgrade-removed-value')
    const none = await cli(['upgrade-check', '--values', values, '--current', '1.17.18', '--to', '1.18', '--fail-on', 'none'])
    expect(none.code).to.equal(0)
    expect(none.stdout).to.include('enableCiliumEndpointSlice is not in chart 1.18.12')
    const skip = await cli(['upgrade-check', '--values', values, '--current', '1.16.19', '--to', '1.18'])
    expect(skip.code).to.equal(2)
    expect(skip.stdout).to.equal('')
    expect(skip.stderr.trim().split('\n')).to.have.length(1)
    expect(skip.stderr).to.match(/^ciltune: upgrade-check: refused: 1\.16 → 1\.18 skips 1\.17/)
  })

  it('a file given with -o names the format by its extension, as doctor\'s', async () => {
    const values = join(dir, 'np.yaml')
    writeFileSync(values, 'nodePort:\n  enabled: true\n')
    const out = join(dir, 'report.sarif')
    const r = await cli(['upgrade-check', '--values', values, '--current', '1.18.12', '--to', '1.19', '-o', out])
    expect(r.code, r.stderr).to.equal(1)
    const sarif = JSON.parse(readFileSync(out, 'utf8')) as {runs: Array<{results: Array<{ruleId: string}>}>}
    expect(sarif.runs[0].results.map((x) => x.ruleId).join(' ')).to.match(/CT\d{4}/)
  })

  it('each check has a code no doctor rule has, documented in docs/codes.md', async () => {
    const ruleCodes = new Set((await loadRules()).map((r) => ruleCode(r.meta.id)))
    const docs = readFileSync(join(PROJECT_DIR, 'docs', 'codes.md'), 'utf8')
    const codes = UPGRADE_CHECK_IDS.map(ruleCode)
    expect(new Set(codes).size).to.equal(codes.length)
    for (const id of UPGRADE_CHECK_IDS) {
      expect(ruleCodes.has(ruleCode(id)), id).to.equal(false)
      expect(docs).to.include(`<a id="${ruleCode(id).toLowerCase()}"></a>`)
    }
  })
})
