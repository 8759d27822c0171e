import {expect} from 'chai'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gzipSync} from 'node:zlib'
import {pack} from 'tar-stream'
import {snapshotFromSysdump} from '../../src/sysdump/read.js'
import {FIXTURES_DIR} from '../helpers/reference.js'
import {type SysdumpEntry, sysdumpEntries, writeZip} from '../helpers/sysdump-builder.js'

/*
 * A sysdump that inflates far beyond its size: reading stops at the budget for the archive and the limit
 * for one log, says so, and keeps what came before. Small limits stand in for the defaults (4 GiB, 1 GiB)
 * so the archives stay small; the mechanism is the same.
 */

const MiB = 1024 * 1024
const LIMITS = {archive: 48 * MiB, log: 8 * MiB}
const TOP = 'cilium-sysdump-20260101-120000'
const INFO = 'time=2026-03-12T08:31:17.003923187Z level=info msg="Processing queued endpoint deletion requests" module=agent.controlplane\n'

function repeated(line: string, mib: number): Buffer {
  return Buffer.from(line.repeat(Math.ceil(mib * MiB / line.length)))
}

async function tarGz(files: Array<[string, Buffer]>): Promise<Buffer> {
  const p = pack()
  const chunks: Buffer[] = []
  p.on('data', (c: unknown) => chunks.push(c as Buffer))
  const done = new Promise<void>((resolve) => p.on('end', resolve))
  for (const [name, content] of files) p.entry({name}, content)
  p.finalize()
  await done
  return gzipSync(Buffer.concat(chunks))
}

describe('a sysdump that unpacks to more than ciltune reads (zip bomb)', function () {
  this.timeout(60_000)
  let tmp: string
  let entries: SysdumpEntry[]
  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'ciltune-bomb-'))
    entries = await sysdumpEntries(join(FIXTURES_DIR, 'synthetic-lb4-pressure'))
  })
  after(() => rmSync(tmp, {recursive: true, force: true}))

  async function zipOf(list: SysdumpEntry[], name: string): Promise<string> {
    const zip = join(tmp, name)
    await writeZip(list, zip)
    return zip
  }

  it('an agent log past the log limit: read up to it, marked truncated, the other agents whole', async () => {
    const list = entries.map((e) => (/logs-cilium-4kc6t-/.test(e.name) ? {...e, content: Buffer.concat([e.content, repeated(INFO, 20)])} : e))
    const snap = await snapshotFromSysdump(await zipOf(list, 'long-log.zip'), false, LIMITS)
    const a = snap.agents.find((x) => x.name === 'cilium-4kc6t')!
    expect(a.errors.map((e) => e.message)).to.include(`logs-cilium-4kc6t-cilium-agent-20260101-120000.log: only the first 8 MiB of this log were read (the limit for one log); the rest was not`)
    expect(a.logs[0].lines).to.be.within(8 * MiB / INFO.length - 100, 8 * MiB / INFO.length + 100)
    expect(snap.agents).to.have.length(3)
    expect(snap.agents.every((x) => x.status !== undefined)).to.equal(true)
  })

  it('a log entry that inflates past the archive budget: later entries not evaluated, and the report says so', async () => {
    // 60 MiB of one line deflates to well under 1 MiB; placed after the first agent and the configmap
    const bomb = {name: `${TOP}/logs-cilium-zzzzz-cilium-agent-20260101-120000.log`, content: repeated(INFO, 60)}
    const i = entries.findIndex((e) => e.name.includes('cilium-configmap-')) + 1
    const list = [...entries.slice(0, i), bomb, ...entries.slice(i)]
    const zip = await zipOf(list, 'bomb-log.zip')
    const snap = await snapshotFromSysdump(zip, false, {archive: LIMITS.archive, log: 1024 * MiB})
    const err = snap.cluster.errors.find((e) => e.kind === 'truncated')
    expect(err?.message).to.match(/bomb-log\.zip: unpacks to more than 48 MiB \(the limit ciltune reads from one sysdump; a zip bomb, or a capture too large\); read up to entry \d+, later entries not evaluated/)
    expect(snap.cluster.config).to.not.equal(undefined) // read before the bomb
    expect(snap.agents.filter((a) => a.status !== undefined).map((a) => a.name)).to.deep.equal(['cilium-4kc6t']) // the other agents came after it
  })

  it('a bugtool tarball whose command output inflates past the budget stops there too', async () => {
    const tgz = await tarGz([[`cilium-bugtool-20260101-120000.000+0000-UTC-1/cmd/cilium-dbg-status---verbose.md`, Buffer.alloc(80 * MiB, 0x20)]])
    expect(tgz.length).to.be.below(MiB)
    const list = [...entries, {name: `${TOP}/cilium-bugtool-cilium-zzzzz-20260101-120000.tar.gz`, content: tgz}]
    const snap = await snapshotFromSysdump(await zipOf(list, 'bomb-tgz.zip'), false, LIMITS)
    expect(snap.cluster.errors.map((e) => e.message).join('\n')).to.match(/unpacks to more than 48 MiB/)
    expect(snap.agents.filter((a) => a.status !== undefined)).to.have.length(3)
  })

  it('a bomb before any sysdump content: one line naming the budget, not "no content found"', async () => {
    const bomb = {name: `${TOP}/logs-cilium-zzzzz-cilium-agent-20260101-120000.log`, content: repeated(INFO, 60)}
    const zip = await zipOf([bomb, ...entries], 'bomb-first.zip')
    const err = await snapshotFromSysdump(zip, false, {archive: LIMITS.archive, log: 1024 * MiB}).then(() => undefined, (e: unknown) => e as Error)
    expect(err?.name).to.equal('InputError')
    expect(err?.message).to.match(/^--from .*bomb-first\.zip: unpacks to more than 48 MiB .*; no cilium sysdump content before that point$/)
  })
})
