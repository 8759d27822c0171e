import {expect} from 'chai'
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {statusFromBytes} from '../../src/parse/status-bytes.js'
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
      const {text: cut, healthy} = statusFromBytes(Buffer.from(text))
      const s = parseStatusText(cut, name, healthy)
      compactHealth(s)
      expect(s, name).to.deep.equal(compacted(text, name))
    }
  })

  it('takes healthy node blocks out as empty lines, counted by name; keeps every line, unhealthy blocks whole', () => {
    const world = buildWorld(loadScenario(join(FIXTURES_DIR, 'synthetic-lb4-pressure')), 200)
    const text = new SimShape(world.agents, {unreachableNodes: 2}).status(4, true)!
    const {text: cut, healthy} = statusFromBytes(Buffer.from(text))
    expect(cut.split('\n')).to.have.length(text.split('\n').length)
    expect(cut.length).to.be.lessThan(text.length / 2)
    expect(healthy.names).to.have.length(197) // 200 nodes: the first block stays as printed, two are unhealthy
    const lines = text.split('\n')
    healthy.lines.forEach((l, i) => expect(lines[l - 1].trim(), `line ${l}`).to.match(new RegExp(`^${healthy.names[i]}( \\(localhost\\))?:$`)))
    const section = cut.slice(cut.indexOf('Cluster health:'), cut.indexOf('Modules Health:'))
    expect(section).to.not.include('µs')
    expect(section.match(/^ {2}\S+( \(localhost\))?:$/gm)).to.have.length(3) // the first block, and the two unhealthy ones
    expect(section).to.include('context deadline exceeded') // failed probes are kept whole
    const parsed = parseStatusText(cut, 'x', healthy).clusterHealth!
    expect(parsed.rowsRead).to.equal(200)
    expect(parsed.nodes).to.have.length(2)
    expect(parsed.nodes.every((n) => !n.endpointsOk)).to.equal(true)
  })

  it('a node printed twice is counted once and its first form wins, as when every block is read', () => {
    const world = buildWorld(loadScenario(join(FIXTURES_DIR, 'synthetic-lb4-pressure')), 6)
    const text = new SimShape(world.agents, {unreachableNodes: 1}).status(1, true)!
    const lines = text.split('\n')
    const header = lines.findIndex((l) => l.startsWith('Cluster health:'))
    const first = lines.findIndex((l, i) => i > header && /^ {2}\S.*:$/.test(l))
    const end = lines.findIndex((l) => l.startsWith('Modules Health:'))
    const blocks = Array.from({length: (end - first) / 7}, (_, i) => lines.slice(first + 7 * i, first + 7 * i + 7))
    const unhealthy = blocks.find((b) => b.some((l) => l.includes('timed out')))!
    // a healthy block repeated, and the unhealthy node's name printed first as a healthy block
    const healthyAs = [unhealthy[0], ...blocks[2].slice(1)]
    const doubled = [...lines.slice(0, first), ...blocks[0], healthyAs, ...blocks.slice(1), blocks[2], ...lines.slice(end)].flat().join('\n')
    const {text: cut, healthy} = statusFromBytes(Buffer.from(doubled))
    expect(healthy.names).to.include(unhealthy[0].trim().replace(/:$/, ''))
    const s = parseStatusText(cut, 'x', healthy)
    compactHealth(s)
    expect(s).to.deep.equal(compacted(doubled, 'x'))
    expect(s.clusterHealth?.rowsRead).to.equal(6)
    expect(s.clusterHealth?.nodes).to.have.length(0)
  })

  it('an unusual capture (CRLF, a CI prefix) is decoded whole', () => {
    const crlf = Buffer.from('KVStore:   Ok\r\nCluster health:   1/1 reachable\r\n')
    expect(statusFromBytes(crlf)).to.deep.equal({text: crlf.toString(), healthy: {lines: [], names: []}})
    const ci = Buffer.from('\t KVStore:   Ok\nCluster health:   1/1 reachable\n')
    expect(statusFromBytes(ci).text).to.equal(ci.toString())
    const noValue = Buffer.from('KVStore:   Ok\nCluster health:\n  a:\n')
    expect(statusFromBytes(noValue).text).to.equal(noValue.toString())
  })
})
