import {join} from 'node:path'
import {runDoctor} from '../../src/actions/doctor.js'
import type {DoctorOptions} from '../../src/actions/doctor-options.js'
import {Report} from '../../src/report/model.js'
import {captureIo} from '../helpers/io.js'
import {FIXTURES_DIR} from '../helpers/reference.js'

/** A real report from a shipped scenario, through the same action as `ciltune doctor --from`. */
export async function reportFor(scenario: string, extra: Partial<DoctorOptions> = {}): Promise<{report: Report, code: number, err: string}> {
  const io = captureIo()
  const code = await runDoctor({from: join(FIXTURES_DIR, scenario), output: 'json', failOn: 'high', color: false, ...extra}, io)
  return {report: Report.parse(JSON.parse(io.out)), code, err: io.err}
}

/** Text of a format for a scenario, with the columns a terminal would report. */
export async function renderedFor(scenario: string, extra: Partial<DoctorOptions>, columns?: number): Promise<{out: string, code: number}> {
  const io = Object.assign(captureIo(), {columns})
  const code = await runDoctor({from: join(FIXTURES_DIR, scenario), output: 'table', failOn: 'high', color: false, ...extra}, io)
  return {out: io.out, code}
}
