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

describe('--from reads saved statuses and service lists as bytes', function () {
  this.timeout(120_000)

  it('gives the snapshot the decoded text gives, on every fixture, real sample and shaped output', function () {
    const all = samples()
    expect(all.length).to.be.greaterThan(20)
    let asBytes = 0
    for (const s of all) {
      const got = fromCapture([s])
      expect(got.agents, s.name).to.deep.equal(fromText([s]))
      // a file that ends mid-line is decoded whole, where a cut is looked for
      if (!s.text.endsWith('\n')) expect(got.asBytes, s.name).to.equal(0)
      asBytes += got.asBytes
    }
    expect(asBytes, 'files read as bytes').to.be.greaterThan(all.length * 0.6)
  })

  it('a status cut anywhere (at a line end, inside a line) is found cut and marked, as in its decoded text', function () {
    const world = buildWorld(loadScenario(join(FIXTURES_DIR, 'synthetic-lb4-pressure')), 12)
    const text = new SimShape(world.agents, {unreachableNodes: 2}).status(3, true)!
    const ends = [...text.matchAll(/\n/g)].map((m) => m.index + 1)
    const header = text.indexOf('Cluster health:')
    const cuts = ends.filter((e) => e > header).flatMap((e) => [e, e - 9])
    let marked = 0
    for (const at of cuts) {
      const cut = {text: text.slice(0, at), kind: 'status-text' as const}
      const want = fromText([cut])
      expect(fromCapture([cut]).agents, `cut at ${at}`).to.deep.equal(want)
      if (want[0].errors.some((e) => e.kind === 'truncated')) marked++
    }
    expect(marked, 'cuts the decoded text marks').to.be.greaterThan(cuts.length / 4)
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
