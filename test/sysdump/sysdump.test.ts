import {expect} from 'chai'
import {mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {gatherSnapshot} from '../../src/actions/doctor.js'
import {loadRules, runRules} from '../../src/rules/engine.js'
import type {Snapshot} from '../../src/snapshot/schema.js'
import {FIXTURES_DIR, REFERENCE_DIR, requireReference} from '../helpers/reference.js'
import {sysdumpEntries, writeZip} from '../helpers/sysdump-builder.js'

async function findings(s: Snapshot) {
  const {findings} = runRules(await loadRules(), s)
  return findings.map((f) => `${f.severity} ${f.id} [${[...f.agents].sort().join(',')}]`).sort()
}

const scenarios = () => readdirSync(FIXTURES_DIR).filter((d) => d.startsWith('synthetic-') && statSync(join(FIXTURES_DIR, d)).isDirectory())

describe('doctor --from a cilium sysdump', () => {
  let tmp: string
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'ciltune-sysdump-'))
  })
  after(() => rmSync(tmp, {recursive: true, force: true}))

  describe('the real 1.10 sysdump (unpacked bugtool folders, cilium-* command names)', () => {
    let snap: Snapshot
    before(async function () {
      requireReference(this)
      snap = await gatherSnapshot({from: join(REFERENCE_DIR, 'sysdump', 'cilium-sysdump-20210525-174507.zip')})
    })

    it('finds the agent with its status, services, maps and logs, and the cluster config', () => {
      expect(snap.origin.kind).to.equal('sysdump')
      const a = snap.agents.find((x) => x.name === 'cilium-4bwxv')
      expect(a, 'agent cilium-4bwxv').to.not.equal(undefined)
      expect(a!.status?.cilium?.version).to.match(/^1\.10\.0/)
      expect(a!.status?.cilium?.src.file).to.match(/^bugtool-cilium-4bwxv-20210525-174519\/cmd\/cilium-status---verbose\.md$/)
      expect(a!.services?.services.length).to.be.greaterThan(0)
      expect(a!.maps?.maps.length).to.be.greaterThan(0)
      expect(a!.logs.some((l) => l.previous)).to.equal(true)
      expect(Object.keys(snap.cluster.config?.data ?? {})).to.include('tunnel')
      expect(snap.cluster.nodes?.length).to.equal(1)
    })

    it('gives sensible findings for a healthy single-node minikube: nothing critical', async () => {
      const f = await findings(snap)
      expect(f.filter((x) => x.startsWith('critical'))).to.deep.equal([])
    })
  })

  describe('synthetic sysdumps in the newer layout give the same findings as --from on the scenario directory', () => {
    for (const name of scenarios()) {
      it(name, async () => {
        const dir = join(FIXTURES_DIR, name)
        const zip = join(tmp, `${name}.zip`)
        await writeZip(await sysdumpEntries(dir), zip)
        const fromZip = await gatherSnapshot({from: zip})
        const fromDir = await gatherSnapshot({from: dir})
        expect(fromZip.agents.map((a) => a.name)).to.deep.equal(fromDir.agents.map((a) => a.name))
        // A sysdump also lists agent pods it has no bugtool output for (here: crash-looping agents that only
        // left a log); that gap must be reported, so it is the one expected difference.
        const silent = readdirSync(dir).filter((d) => statSync(join(dir, d)).isDirectory() && !readdirSync(join(dir, d)).includes('status.txt'))
        const expected = await findings(fromDir)
        if (silent.length > 0) expected.push(`medium agent-unreachable [${silent.sort().join(',')}]`)
        expect(await findings(fromZip)).to.deep.equal(expected.sort())
        const status = fromZip.agents.find((a) => a.status)?.status?.cilium?.src.file
        if (status) expect(status).to.match(/^cilium-bugtool-cilium-[a-z0-9]{5}-20260101-120000\.tar\.gz\/cmd\/cilium-dbg-status---verbose\.md$/)
      })
    }
  })

  it('reads an unzipped sysdump directory the same way', async () => {
    const name = scenarios()[0]
    const root = join(tmp, 'unzipped')
    for (const e of await sysdumpEntries(join(FIXTURES_DIR, name), {nested: false})) {
      mkdirSync(dirname(join(root, e.name)), {recursive: true})
      writeFileSync(join(root, e.name), e.content)
    }
    const fromDir = await gatherSnapshot({from: root})
    const fromScenario = await gatherSnapshot({from: join(FIXTURES_DIR, name)})
    expect(fromDir.origin.kind).to.equal('sysdump')
    expect(await findings(fromDir)).to.deep.equal(await findings(fromScenario))
  })

  it('says what the sysdump lacked: a missing command is "missing", never healthy', async () => {
    const name = scenarios()[0]
    const dir = join(FIXTURES_DIR, name)
    const agent = readdirSync(dir).find((d) => statSync(join(dir, d)).isDirectory() && readdirSync(join(dir, d)).includes('status.txt'))!
    const zip = join(tmp, 'omit.zip')
    await writeZip(await sysdumpEntries(dir, {omit: [`${agent}/status.txt`]}), zip)
    const snap = await gatherSnapshot({from: zip})
    const a = snap.agents.find((x) => x.name === agent)!
    expect(a.status).to.equal(undefined)
    expect(a.errors.map((e) => `${e.kind} ${e.command}`)).to.include('missing cilium-dbg status --verbose')
    const {findings: f} = runRules(await loadRules(), snap)
    expect(f.find((x) => x.id === 'agent-unreachable')?.agents).to.include(agent)
  })

  describe('corrupt input: one clear line or the readable parts, never a crash', () => {
    it('a file that is not a zip', async () => {
      const p = join(tmp, 'garbage.zip')
      writeFileSync(p, Buffer.from('this is not a zip archive at all'.repeat(10)))
      const err = await gatherSnapshot({from: p}).then(() => undefined, (e: unknown) => e)
      expect((err as Error).name).to.equal('InputError')
      expect((err as Error).message).to.match(/garbage\.zip: not a readable zip archive/)
      expect((err as Error).message).to.not.contain('\n')
    })

    it('a truncated zip', async () => {
      const good = join(tmp, 'good.zip')
      await writeZip(await sysdumpEntries(join(FIXTURES_DIR, scenarios()[0])), good)
      const {readFileSync} = await import('node:fs')
      const bytes = readFileSync(good)
      const cut = join(tmp, 'cut.zip')
      writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)))
      const err = await gatherSnapshot({from: cut}).then(() => undefined, (e: unknown) => e)
      expect((err as Error).name).to.equal('InputError')
      expect((err as Error).message).to.contain('cut.zip')
    })

    it('a corrupt nested bugtool tarball: that agent is marked, the rest is read', async () => {
      const entries = await sysdumpEntries(join(FIXTURES_DIR, scenarios()[0]))
      const victim = entries.find((e) => e.name.endsWith('.tar.gz'))!
      victim.content = victim.content.subarray(0, 40)
      const zip = join(tmp, 'badtar.zip')
      await writeZip(entries, zip)
      const snap = await gatherSnapshot({from: zip})
      const pod = /cilium-bugtool-(cilium-[a-z0-9]{5})-/.exec(victim.name)![1]
      const a = snap.agents.find((x) => x.name === pod)!
      expect(a.errors.some((e) => e.kind === 'unparsable' && e.message.includes('corrupt or truncated'))).to.equal(true)
      expect(snap.agents.filter((x) => x.status).length).to.be.greaterThan(0)
      expect(snap.cluster.config).to.not.equal(undefined)
    })

    it('a zip with no sysdump content', async () => {
      const zip = join(tmp, 'other.zip')
      await writeZip([{name: 'photos/cat.txt', content: Buffer.from('meow\n')}], zip)
      const err = await gatherSnapshot({from: zip}).then(() => undefined, (e: unknown) => e)
      expect((err as Error).message).to.contain('no cilium sysdump content found')
    })
  })
})
