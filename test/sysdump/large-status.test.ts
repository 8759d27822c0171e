import {expect} from 'chai'
import {cpSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gatherSnapshot} from '../../src/actions/doctor.js'
import {SnapshotBuilder} from '../../src/ingest/build.js'
import {statusBytes} from '../../src/sysdump/read.js'
import type {Agent} from '../../src/snapshot/schema.js'
import {buildWorld} from '../../src/sim/objects.js'
import {loadScenario} from '../../src/sim/scenario.js'
import {SimShape} from '../../src/sim/shape.js'
import {FIXTURES_DIR} from '../helpers/reference.js'
import {sysdumpEntries, writeZip} from '../helpers/sysdump-builder.js'

/*
 * A sysdump of a large cluster holds each agent's `status --verbose` with a block per node (half a megabyte at
 * 1000 nodes). The reader hands a whole one over as bytes, so its healthy node blocks are cut out before decoding;
 * the snapshot must keep what the decoded text gives, and a status bugtool marked as failed is still read as text.
 */

const SCENARIO = join(FIXTURES_DIR, 'synthetic-lb4-pressure')

/** The status the builder keeps from the decoded text, under the path the sysdump reader gave it. */
function fromText(text: string, path: string, agent: string): Agent {
  const b = new SnapshotBuilder({kind: 'sysdump', path: 'x'})
  b.add({path, text, kind: 'status-text', agent})
  return b.finish().agents.find((a) => a.name === agent)!
}

describe('a sysdump of a large cluster: statuses read as bytes', function () {
  this.timeout(60_000)
  let tmp: string
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'ciltune-sysdump-large-'))
  })
  after(() => rmSync(tmp, {recursive: true, force: true}))

  it('keeps what each decoded status gives; a status bugtool marked failed is read as text, its error named', async () => {
    const dir = join(tmp, 'scenario')
    cpSync(SCENARIO, dir, {recursive: true})
    const agents = readdirSync(dir).filter((d) => statSync(join(dir, d)).isDirectory() && readdirSync(join(dir, d)).includes('status.txt'))
    expect(agents.length).to.be.greaterThan(1)
    const world = buildWorld(loadScenario(SCENARIO), 300)
    const shape = new SimShape(world.agents, {unreachableNodes: 2})
    const texts = new Map(agents.map((a, i) => [a, shape.status(i, true)!]))
    const failed = agents[0]
    const error = "> Error while running 'cilium-dbg status --verbose':  exit status 1\n"
    texts.set(failed, texts.get(failed)! + error)
    for (const [a, t] of texts) writeFileSync(join(dir, a, 'status.txt'), t)
    // every status but the failed one goes to the builder as bytes
    for (const [a, t] of texts) expect(statusBytes({kind: 'status-text'}, Buffer.from(t), false), a).to.equal(a !== failed)

    const zip = join(tmp, 'large.zip')
    await writeZip(await sysdumpEntries(dir), zip)
    const snap = await gatherSnapshot({from: zip})
    for (const name of agents) {
      const a = snap.agents.find((x) => x.name === name)!
      const path = a.status!.cilium!.src.file
      const text = texts.get(name)!
      const want = fromText(name === failed ? text.slice(0, text.indexOf(error)) : text, path, name)
      expect(a.status, name).to.deep.equal(want.status)
      expect(a.status?.clusterHealth?.rowsRead, name).to.equal(300)
    }
    const errors = snap.agents.find((x) => x.name === failed)!.errors
    expect(errors.map((e) => e.kind)).to.include('failed')
    expect(errors.find((e) => e.kind === 'failed')?.message).to.contain('exit status 1')
  })

  it('reads as text what may not be a whole status: a cut one, a small one, one ending mid-line, another command', () => {
    const world = buildWorld(loadScenario(SCENARIO), 300)
    const large = Buffer.from(new SimShape(world.agents, {unreachableNodes: 2}).status(3, true)!)
    expect(statusBytes({kind: 'status-text'}, large, false)).to.equal(true)
    expect(statusBytes({kind: 'status-text'}, large, true)).to.equal(false)
    expect(statusBytes({kind: 'status-text'}, large.subarray(0, large.length - 5), false)).to.equal(false)
    expect(statusBytes({kind: 'status-text'}, large.subarray(0, 64 * 1024), false)).to.equal(false)
    expect(statusBytes({kind: 'service-list'}, large, false)).to.equal(false)
  })
})
