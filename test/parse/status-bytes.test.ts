import {expect} from 'chai'
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {statusTextFromBytes} from '../../src/parse/status-bytes.js'
import {parseStatusText} from '../../src/parse/status-text.js'
import {compactHealth} from '../../src/snapshot/compact.js'
import type {AgentStatus} from '../../src/snapshot/schema.js'
import {buildWorld} from '../../src/sim/objects.js'
import {loadScenario} from '../../src/sim/scenario.js'
import {SimShape} from '../../src/sim/shape.js'
import {FIXTURES_DIR, hasReference, REFERENCE_DIR} from '../helpers/reference.js'

/** Every status text we have: fixtures, real samples (when present), and shaped N-node outputs. */
function statuses(): Array<[string, string]> {
  const out: Array<[string, string]> = []
  for (const s of readdirSync(FIXTURES_DIR).filter((d) => d.startsWith('synthetic-'))) {
    for (const a of readdirSync(join(FIXTURES_DIR, s), {withFileTypes: true}).filter((d) => d.isDirectory())) {
      const f = join(FIXTURES_DIR, s, a.name, 'status.txt')
      try {
        out.push([f, readFileSync(f, 'utf8')])
      } catch {
        // an agent directory without a status
      }
    }
  }
  if (hasReference()) for (const f of readdirSync(REFERENCE_DIR).filter((x) => /^status/.test(x))) out.push([f, readFileSync(join(REFERENCE_DIR, f), 'utf8')])
  const world = buildWorld(loadScenario(join(FIXTURES_DIR, 'synthetic-lb4-pressure')), 30)
  const shape = new SimShape(world.agents, {unreachableNodes: 3})
  for (const i of [0, 17, 29]) out.push([`shaped-${i}`, shape.status(i, true)!], [`shaped-plain-${i}`, shape.status(i, false)!])
  return out
}

/** The status as the snapshot keeps it: unhealthy cluster-health rows, and the count of all. */
function compacted(text: string, name: string): AgentStatus {
  const s = parseStatusText(text, name)
  compactHealth(s)
  return s
}

describe('status from the bytes a live exec received', () => {
  it('gives the status the snapshot keeps from the whole decoded text, on every fixture, real sample and shaped output', () => {
    const all = statuses()
    expect(all.length).to.be.greaterThan(20)
    for (const [name, text] of all) {
      expect(compacted(statusTextFromBytes(Buffer.from(text)), name), name).to.deep.equal(compacted(text, name))
    }
  })

  it('reads healthy node blocks as rows and keeps every line, unhealthy blocks whole', () => {
    const world = buildWorld(loadScenario(join(FIXTURES_DIR, 'synthetic-lb4-pressure')), 200)
    const text = new SimShape(world.agents, {unreachableNodes: 2}).status(4, true)!
    const cut = statusTextFromBytes(Buffer.from(text))
    expect(cut.split('\n')).to.have.length(text.split('\n').length)
    expect(cut.length).to.be.lessThan(text.length / 2)
    const section = cut.slice(cut.indexOf('Cluster health:'), cut.indexOf('Modules Health:'))
    expect(section).to.not.include('µs')
    expect(section).to.match(/\n {2}\S+ {3}172\.16\.\d+\.\d+ {3}2\/2 {3}2\/2\n\n\n\n\n\n\n/)
    expect(section.match(/^ {2}\S+( \(localhost\))?:$/gm)).to.have.length(3) // the first block, and the two unhealthy ones
    expect(section).to.include('context deadline exceeded') // failed probes are kept whole
    const parsed = parseStatusText(cut, 'x').clusterHealth!
    expect(parsed.nodes).to.have.length(200)
    expect(parsed.nodes.filter((n) => !n.endpointsOk)).to.have.length(2)
  })

  it('an unusual capture (CRLF, a CI prefix) is decoded whole', () => {
    const crlf = Buffer.from('KVStore:   Ok\r\nCluster health:   1/1 reachable\r\n')
    expect(statusTextFromBytes(crlf)).to.equal(crlf.toString())
    const ci = Buffer.from('\t KVStore:   Ok\nCluster health:   1/1 reachable\n')
    expect(statusTextFromBytes(ci)).to.equal(ci.toString())
  })
})
