import {expect} from 'chai'
import {closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync, writeSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gatherSnapshot} from '../../src/actions/doctor.js'
import {MAX_ENTRIES} from '../../src/parse/agent-log.js'
import {FIXTURES_DIR} from '../helpers/reference.js'
import {sysdumpEntries, writeZip} from '../helpers/sysdump-builder.js'

/*
 * Input larger than memory should hold: agent logs are read line by line, every line counted and the
 * newest entries kept; a sysdump's logs likewise. Symbolic links in a --from directory are followed
 * inside it and listed as skipped when they lead out of it.
 */

const INFO = 'time=2026-03-12T08:31:17.003923187Z level=info msg="Processing queued endpoint deletion requests" module=agent.controlplane\n'
const FULL = (i: number) => `time=2026-03-12T09:00:00.000000000Z level=error msg="Unable to update element for LB bpf map: You can resize it with the flag \\"--bpf-lb-map-max\\". The resizing might break existing connections to services" module=agent.controlplane.loadbalancer-reconciler map=cilium_lb4_services_v2 n=${i}\n`
const WARN = (i: number) => `time=2026-03-12T08:40:00.000000000Z level=warn msg="Reconciliation failed, retrying" module=agent.controlplane n=${i}\n`

/** A log of `infoMiB` of info lines, with `warnings` warnings spread in, ending in `fulls` map-full errors. */
function writeLog(path: string, infoMiB: number, warnings: number, fulls: number): number {
  const fd = openSync(path, 'w')
  const block = INFO.repeat(Math.floor(1024 * 1024 / INFO.length))
  let lines = 0
  for (let m = 0; m < infoMiB; m++) {
    writeSync(fd, block)
    lines += block.length / INFO.length
    const w = Math.floor(warnings / infoMiB) + (m === 0 ? warnings % infoMiB : 0)
    writeSync(fd, Array.from({length: w}, (_, i) => WARN(m * 1e6 + i)).join(''))
    lines += w
  }
  writeSync(fd, Array.from({length: fulls}, (_, i) => FULL(i)).join(''))
  closeSync(fd)
  return lines + fulls
}

describe('large input, read line by line', function () {
  this.timeout(60_000)
  let tmp: string
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'ciltune-big-'))
  })
  after(() => rmSync(tmp, {recursive: true, force: true}))

  it('a 40 MiB agent log: every line counted, the newest entries kept, the older ones marked truncated', async () => {
    const dir = join(tmp, 'capture')
    mkdirSync(join(dir, 'cilium-abcde'), {recursive: true})
    const lines = writeLog(join(dir, 'cilium-abcde', 'cilium-agent.log'), 40, MAX_ENTRIES + 500, 3)
    const snap = await gatherSnapshot({from: dir})
    const log = snap.agents[0].logs[0]
    expect(log.lines).to.equal(lines)
    expect(log.truncated).to.equal(true)
    expect(log.entries).to.have.length(MAX_ENTRIES)
    // the last lines of the log are the last entries kept, with their exact line numbers
    expect(log.entries.at(-1)?.kind).to.equal('map-full')
    expect(log.entries.at(-1)?.src.line).to.equal(lines)
    expect(log.entries.filter((e) => e.kind === 'map-full')).to.have.length(3)
    expect(snap.agents[0].errors.map((e) => e.kind)).to.deep.equal(['truncated'])
    expect(snap.agents[0].errors[0].message).to.match(/cilium-agent\.log: more than 2000 notable lines; the newest 2000 kept/)
  })

  it('a sysdump whose agent log is larger than any read cap: the whole log is counted, nothing is cut', async () => {
    const entries = await sysdumpEntries(join(FIXTURES_DIR, 'synthetic-lb4-pressure'))
    const logEntry = entries.find((e) => /logs-cilium-4kc6t-cilium-agent-.*\.log$/.test(e.name))!
    const big = join(tmp, 'big.log')
    const added = writeLog(big, 40, 0, 0)
    const original = logEntry.content.toString('utf8').split('\n').filter((l) => l.trim() !== '').length
    logEntry.content = Buffer.concat([readFileSync(big), logEntry.content])
    const zip = join(tmp, 'big-log.zip')
    await writeZip(entries, zip)
    const snap = await gatherSnapshot({from: zip})
    const a = snap.agents.find((x) => x.name === 'cilium-4kc6t')!
    expect(a.logs[0].lines).to.equal(added + original)
    expect(a.logs[0].entries.some((e) => e.kind === 'map-full')).to.equal(true)
    expect(snap.skipped.filter((s) => /only the last/.test(s.reason))).to.deep.equal([])
  })
})

describe('a sysdump zip with an invalid entry name', function () {
  this.timeout(30_000)
  let tmp: string
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'ciltune-zipname-'))
  })
  after(() => rmSync(tmp, {recursive: true, force: true}))

  /** The sysdump with one more entry, first in the archive, whose name has a ".." segment. */
  async function withBadName(): Promise<string> {
    const entries = await sysdumpEntries(join(FIXTURES_DIR, 'synthetic-lb4-pressure'))
    const top = entries[0].name.split('/')[0]
    // yazl refuses such a name, so it is written under a placeholder of the same length and patched
    entries.unshift({name: `${top}/zz/evil.txt`, content: Buffer.from('hello\n')})
    const zip = join(tmp, 'bad-name.zip')
    await writeZip(entries, zip)
    const bytes = readFileSync(zip)
    const from = Buffer.from(`${top}/zz/evil.txt`)
    const to = Buffer.from(`${top}/../evil.txt`)
    for (let i = bytes.indexOf(from); i >= 0; i = bytes.indexOf(from, i + 1)) to.copy(bytes, i)
    writeFileSync(zip, bytes)
    return zip
  }

  it('skips that entry, says why, and reads every later entry', async () => {
    const snap = await gatherSnapshot({from: await withBadName()})
    const skip = snap.skipped.find((s) => s.path.includes('evil.txt'))
    expect(skip?.reason).to.match(/^not read: invalid relative path/)
    expect(snap.agents).to.have.length(3)
    expect(snap.agents.every((a) => a.status !== undefined)).to.equal(true)
    expect(snap.cluster.config).to.not.equal(undefined)
  })

  it('an archive that breaks before any sysdump content names the real reason, not "no content found"', async () => {
    const zip = join(tmp, 'cut.zip')
    const entries = await sysdumpEntries(join(FIXTURES_DIR, 'synthetic-lb4-pressure'))
    await writeZip(entries, zip)
    const bytes = readFileSync(zip)
    // corrupt the central directory's first entry signature: the archive opens, its entries cannot be listed
    const cd = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]))
    bytes[cd + 3] = 0x09
    writeFileSync(zip, bytes)
    const err = await gatherSnapshot({from: zip}).then(() => undefined, (e: unknown) => e)
    expect((err as Error).name).to.equal('InputError')
    expect((err as Error).message).to.match(/cut\.zip: archive corrupt after 0 entries/)
    expect((err as Error).message).to.not.contain('no cilium sysdump content found')
  })
})

describe('symbolic links in a --from directory', () => {
  let tmp: string
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'ciltune-links-'))
  })
  after(() => rmSync(tmp, {recursive: true, force: true}))

  it('are followed inside the directory (files and folders), listed as skipped when they lead out of it or nowhere', async () => {
    const outside = join(tmp, 'outside')
    mkdirSync(outside)
    writeFileSync(join(outside, 'secret-config.yaml'), readFileSync(join(FIXTURES_DIR, 'synthetic-lb4-pressure', 'cilium-config.yaml')))
    const dir = join(tmp, 'capture')
    const shared = join(dir, 'shared')
    mkdirSync(shared, {recursive: true})
    for (const f of ['status.txt', 'service-list.txt']) writeFileSync(join(shared, f), readFileSync(join(FIXTURES_DIR, 'synthetic-lb4-pressure', 'cilium-4kc6t', f)))
    writeFileSync(join(dir, 'config-real.yaml'), readFileSync(join(FIXTURES_DIR, 'synthetic-lb4-pressure', 'cilium-config.yaml')))
    mkdirSync(join(dir, 'cilium-4kc6t'))
    symlinkSync(join(shared, 'status.txt'), join(dir, 'cilium-4kc6t', 'status.txt')) // a file link inside
    symlinkSync('shared', join(dir, 'cilium-m6d9f')) // a directory link inside
    symlinkSync(join(outside, 'secret-config.yaml'), join(dir, 'cilium-config.yaml')) // leads out
    symlinkSync(join(dir, 'nothing-here'), join(dir, 'broken.txt'))
    symlinkSync('.', join(shared, 'loop')) // a loop is walked once
    const snap = await gatherSnapshot({from: dir})
    expect(snap.agents.find((a) => a.name === 'cilium-4kc6t')?.status).to.not.equal(undefined)
    expect(snap.agents.find((a) => a.name === 'cilium-m6d9f')?.services).to.not.equal(undefined)
    const reasons = Object.fromEntries(snap.skipped.map((s) => [s.path, s.reason]))
    expect(reasons['capture/cilium-config.yaml']).to.match(/symbolic link to a path outside the directory given; not followed/)
    expect(reasons['capture/broken.txt']).to.match(/broken/)
    expect(reasons['capture/shared/loop']).to.match(/a loop/)
    expect(snap.cluster.config).to.not.equal(undefined) // from config-real.yaml, not the outside file
  })
})
