import {expect} from 'chai'
import {readdirSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {runDoctor} from '../../src/actions/doctor.js'
import {Report} from '../../src/report/model.js'
import {captureIo} from '../helpers/io.js'
import {REFERENCE_DIR, hasReference, requireReference} from '../helpers/reference.js'

function referenceFiles(): string[] {
  if (!hasReference()) return []
  const out: string[] = []
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e)
      if (statSync(p).isDirectory()) walk(p)
      else out.push(p)
    }
  }
  walk(REFERENCE_DIR)
  return out.sort()
}

async function doctorJson(from: string) {
  const io = captureIo()
  const code = await runDoctor({from, output: 'json', failOn: 'high', color: false}, io)
  return {code, report: Report.parse(JSON.parse(io.out))}
}

describe('doctor --from on every real sample in ../shared/reference (never exit 2, contract always there)', function () {
  this.timeout(120_000)
  before(function () {
    requireReference(this)
  })

  for (const file of referenceFiles()) {
    it(file.slice(REFERENCE_DIR.length + 1), async () => {
      const {code, report} = await doctorJson(file)
      // 3: nothing fired but most rules could not run (one fragment alone); the first line says so
      expect([0, 1, 3]).to.include(code)
      if (code === 3) expect(report.summary.warning).to.match(/^Most checks could not run/)
      expect(report.summary.exitCode).to.equal(code)
    })
  }

  it('the whole folder at once', async () => {
    const {code, report} = await doctorJson(REFERENCE_DIR)
    expect([0, 1]).to.include(code)
    expect(report.agents.length).to.be.greaterThan(10)
    expect(report.coverage.rules.total).to.be.greaterThan(10)
  })
})
