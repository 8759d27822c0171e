import {expect} from 'chai'
import {mkdtempSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {Io} from '../../src/actions/doctor-options.js'
import {runSuggest} from '../../src/actions/suggest.js'
import {InputError} from '../../src/util/errors.js'
import {FIXTURES_DIR} from '../helpers/reference.js'

/*
 * Issue 17 item 1 for suggest: input where nothing could be read is an error (exit 2), not
 * "nothing to change"; evidence too thin for most checks says so on stderr.
 */

function capture(): Io & {out: string, err: string} {
  const io = {out: '', err: '', isTTY: false, stdout(t: string) { io.out += t }, stderr(t: string) { io.err += t }}
  return io
}

const base = {force: false, diff: false, set: false, validate: false, targetPressure: 0.5}

describe('suggest: no "nothing to change" over checks that did not run', () => {
  it('a --from directory where nothing could be read: one InputError naming it, no overlay', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ciltune-empty-'))
    try {
      writeFileSync(join(dir, 'notes.bin'), Buffer.from([0, 1, 2, 3, 0, 255]))
      const io = capture()
      let error: unknown
      try {
        await runSuggest({...base, from: dir}, io)
      } catch (e) {
        error = e
      }
      expect(error).to.be.instanceOf(InputError)
      expect((error as Error).message).to.match(new RegExp(`--from ${dir}: nothing could be read.*nothing can be suggested`))
      expect(io.out).to.equal('')
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })

  it('a lone NodeList: the overlay is printed, and stderr says most checks could not run', async () => {
    const io = capture()
    expect(await runSuggest({...base, from: join(FIXTURES_DIR, 'synthetic-healthy', 'nodes.yaml')}, io)).to.equal(0)
    expect(io.err).to.match(/warning: Most checks could not run: \d+ of \d+ rules/)
    expect(io.out).to.include('nothing to change')
  })

  it('a full capture of a healthy cluster: no warning', async () => {
    const io = capture()
    await runSuggest({...base, from: join(FIXTURES_DIR, 'synthetic-healthy')}, io)
    expect(io.err).to.not.match(/Most checks could not run/)
  })

  it('the -o overlay file is written owner-only (0600), like every file ciltune writes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ciltune-out-'))
    try {
      const out = join(dir, 'fix.yaml')
      await runSuggest({...base, from: join(FIXTURES_DIR, 'synthetic-lb4-pressure'), output: out}, capture())
      expect(statSync(out).mode & 0o777).to.equal(0o600)
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })
})
