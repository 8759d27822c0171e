import {expect} from 'chai'
import {join} from 'node:path'
import type {Io, OutputFormat} from '../../src/actions/doctor-options.js'
import {runDoctor} from '../../src/actions/doctor.js'
import {FIXTURES_DIR} from '../helpers/reference.js'

/*
 * Issue 17 item 2: a lone NodeList or a lone operator Deployment let almost no rule run. The report
 * says what was read and what a verdict needs where "No findings." would be, in every format a
 * person reads and in the JSON, with an exit code that does not mean healthy; a full capture of a
 * healthy cluster still says "No findings." with exit 0.
 */

const HEALTHY = join(FIXTURES_DIR, 'synthetic-healthy')

async function doctor(from: string, output: OutputFormat, wide = false): Promise<{code: number, out: string}> {
  const io = {out: '', isTTY: false, stdout(t: string) { io.out += t }, stderr() {}} as Io & {out: string}
  const code = await runDoctor({output, wide, failOn: 'high', color: false, from}, io)
  return {code, out: io.out}
}

describe('a lone NodeList or operator Deployment: a specific message, never "No findings."', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['operator.yaml', 'a lone operator Deployment', /No verdict: read only the operator Deployment \(2\/2 ready\)\. \d+ of \d+ checks need the agents/],
    ['nodes.yaml', 'a lone NodeList', /No verdict: read only a NodeList \(3 nodes\)\. \d+ of \d+ checks need the agents/],
  ]
  for (const [file, name, re] of cases) {
    it(`${name}: table, wide table and markdown say what was read; JSON carries it; exit 3`, async () => {
      for (const [output, wide] of [['table', false], ['table', true], ['markdown', false]] as Array<[OutputFormat, boolean]>) {
        const r = await doctor(join(HEALTHY, file), output, wide)
        expect(r.out, `${output}${wide ? ' --wide' : ''}`).to.match(re)
        expect(r.out).to.not.match(/No findings/)
        expect(r.out.split('\n')[0]).to.match(/^Most checks could not run/)
        expect(r.code).to.equal(3)
      }
      const json = JSON.parse((await doctor(join(HEALTHY, file), 'json')).out) as {summary: {noVerdict?: string, exitCode: number}}
      expect(json.summary.noVerdict).to.match(re)
      expect(json.summary.exitCode).to.equal(3)
    })
  }

  it('a full capture of a healthy cluster: "No findings.", exit 0, no verdict warning', async () => {
    const r = await doctor(HEALTHY, 'table')
    expect(r.out).to.match(/^No findings\.$/m)
    expect(r.out).to.not.match(/No verdict/)
    expect(r.code).to.equal(0)
  })
})
