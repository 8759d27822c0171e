import {expect} from 'chai'
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {classify} from '../../src/ingest/classify.js'
import {SnapshotBuilder} from '../../src/ingest/build.js'
import type {EvidenceFile, EvidenceKind} from '../../src/ingest/evidence.js'
import {collectFromPath} from '../../src/ingest/from-path.js'
import type {Snapshot} from '../../src/snapshot/schema.js'
import {buildWorld} from '../../src/sim/objects.js'
import {loadScenario} from '../../src/sim/scenario.js'
import {SimShape} from '../../src/sim/shape.js'
import {FIXTURES_DIR, hasReference, REFERENCE_DIR} from '../helpers/reference.js'

/*
 * `--from` hands a saved status.txt and service-list.txt to the builder as bytes, as live collection does:
 * healthy node blocks are cut out before decoding, a repeated service list is recognized by its bytes. The
 * snapshot must be the one the decoded text gives, including where a saved status was cut.
 */

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e)
    return statSync(p).isDirectory() ? files(p) : [p]
  })
}

/** Every status text and service list we have, by content: fixtures, real samples, shaped N-node outputs. */
function samples(): Array<{name: string, text: string, kind: EvidenceKind}> {
  const roots = [FIXTURES_DIR, ...(hasReference() ? [REFERENCE_DIR] : [])]
  const out = roots.flatMap(files).filter((p) => !/\.(zip|tgz|gz|md)$/.test(p)).flatMap((name) => {
    const text = readFileSync(name, 'utf8')
    const kind = classify(text)
    return kind === 'status-text' || kind === 'service-list' ? [{name, text, kind}] : []
  })
  const world = buildWorld(loadScenario(join(FIXTURES_DIR, 'synthetic-lb4-pressure')), 40)
  const shape = new SimShape(world.agents, {unreachableNodes: 3, services: 50, backendsPerService: 2})
  for (const i of [0, 21]) out.push({name: `shaped-${i}`, text: shape.status(i, true)!, kind: 'status-text'}, {name: `shaped-list-${i}`, text: shape.serviceList(i)!, kind: 'service-list'})
  return out
}

/** What the snapshot keeps of the one agent's files, read from their decoded text (the reference). */
function fromText(texts: Array<{text: string, kind: EvidenceKind}>): Snapshot['agents'] {
  const b = new SnapshotBuilder({kind: 'files', path: 'cap'})
  texts.forEach(({text, kind}, i) => b.add({path: `cap/a${i}/f`, text, kind, agent: `a${i}`} satisfies EvidenceFile))
  return b.finish().agents
}

/** The same, handed over as --from hands a file over as bytes: a view of a buffer it reuses, the text decoded on demand. */
function fromBorrowed(texts: Array<{text: string, kind: EvidenceKind}>): Snapshot['agents'] {
  const b = new SnapshotBuilder({kind: 'files', path: 'cap'})
  const shared = Buffer.alloc(Math.max(...texts.map((t) => Buffer.byteLength(t.text))))
  texts.forEach(({text, kind}, i) => {
    const bytes = shared.subarray(0, shared.write(text))
    b.add({path: `cap/a${i}/f`, get text() {
      return bytes.toString()
    }, bytes, saved: true, kind, agent: `a${i}`})
    shared.fill(0x20) // what a later file would do to the buffer
  })
  return b.finish().agents
}

/** The same files saved in a capture and read by `--from`, with the file names collect gives them. */
function fromCapture(texts: Array<{text: string, kind: EvidenceKind}>): {agents: Snapshot['agents'], asBytes: number} {
  const dir = mkdtempSync(join(tmpdir(), 'ciltune-from-bytes-'))
  try {
    texts.forEach(({text, kind}, i) => {
      mkdirSync(join(dir, `a${i}`))
      writeFileSync(join(dir, `a${i}`, kind === 'status-text' ? 'status.txt' : 'service-list.txt'), text)
    })
    const b = new SnapshotBuilder({kind: 'files', path: 'cap'})
    let asBytes = 0
    const sink = {add: (f: EvidenceFile) => {
      if (f.bytes) asBytes++
      b.add({...f, path: f.path.replace(/^[^/]+\/(a\d+)\/.*$/, 'cap/$1/f')})
    }, skip: (p: string, r: string) => b.skip(p, r)}
    collectFromPath(dir, sink)
    return {agents: b.finish().agents, asBytes}
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

/** A status of an N-node cluster as every agent prints it (N 7-line node blocks), two nodes unreachable. */
function shapedStatus(nodes: number, agent: number): string {
  const world = buildWorld(loadScenario(join(FIXTURES_DIR, 'synthetic-lb4-pressure')), nodes)
  return new SimShape(world.agents, {unreachableNodes: 2}).status(agent, true)!
}

describe('--from reads saved statuses and service lists as bytes', function () {
  this.timeout(120_000)

  it('the builder, given bytes as --from gives them, keeps what the decoded text gives: every fixture, real sample, shaped output', function () {
    const all = samples().filter((s) => s.text.endsWith('\n'))
    expect(all.length).to.be.greaterThan(20)
    for (const s of all) expect(fromBorrowed([s]), s.name).to.deep.equal(fromText([s]))
  })

  it('a saved status cut at a line end is found cut and marked, as in its decoded text', function () {
    const text = shapedStatus(12, 3)
    const ends = [...text.matchAll(/\n/g)].map((m) => m.index + 1).filter((e) => e > text.indexOf('Cluster health:'))
    let marked = 0
    for (const at of ends) {
      const cut = {text: text.slice(0, at), kind: 'status-text' as const}
      const want = fromText([cut])
      expect(fromBorrowed([cut]), `cut at ${at}`).to.deep.equal(want)
      if (want[0].errors.some((e) => e.kind === 'truncated')) marked++
    }
    expect(marked, 'cuts the decoded text marks').to.be.greaterThan(20)
  })

  it('reads a large status as bytes and a small one, or one that ends mid-line, as text; the snapshot is the same', function () {
    const large = shapedStatus(300, 7)
    const small = shapedStatus(12, 7)
    expect(Buffer.byteLength(large)).to.be.greaterThan(128 * 1024)
    for (const [text, bytes] of [[large, 1], [small, 0], [large.slice(0, -30), 0], [large.slice(0, large.indexOf('Modules Health:') - 20), 0]] as const) {
      const s = {text, kind: 'status-text' as const}
      const got = fromCapture([s])
      expect(got.asBytes, `${text.length} characters`).to.equal(bytes)
      expect(got.agents).to.deep.equal(fromText([s]))
    }
    expect(fromCapture([{text: large, kind: 'status-text'}]).agents[0].status?.clusterHealth?.rowsRead).to.equal(300)
  })

  it('a service list kept for comparison is a copy: the next file read into the same buffer does not change it', function () {
    const world = buildWorld(loadScenario(join(FIXTURES_DIR, 'synthetic-lb4-pressure')), 6)
    const x = new SimShape(world.agents, {services: 40, backendsPerService: 2}).serviceList(0)!
    // the same length, other backends: a kept view of the read buffer would compare equal to it once overwritten
    const y = x.replace(/10\.(\d+)\.(\d+)\.(\d+):(\d+)/, (m) => m.replace(/\d$/, (d) => String((Number(d) + 1) % 10)))
    expect(y).to.not.equal(x)
    expect(y.length).to.equal(x.length)
    const lists = [{text: x, kind: 'service-list' as const}, {text: y, kind: 'service-list' as const}, {text: x, kind: 'service-list' as const}]
    const got = fromCapture(lists)
    expect(got.asBytes).to.equal(3)
    expect(got.agents).to.deep.equal(fromText(lists))
    expect(got.agents[0].services).to.not.deep.equal({...got.agents[1].services, services: got.agents[0].services?.services})
  })
})
