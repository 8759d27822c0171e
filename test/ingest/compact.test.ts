import {expect} from 'chai'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import lbMapCapacity from '../../rules/lb-map-capacity.js'
import servicesWithoutBackends from '../../rules/services-without-backends.js'
import unreachableNodes from '../../rules/unreachable-nodes.js'
import {buildSnapshot} from '../../src/ingest/build.js'
import {emptyCollected} from '../../src/ingest/evidence.js'
import {collectFromPath} from '../../src/ingest/from-path.js'
import {SnapshotBuilder} from '../../src/ingest/build.js'
import {parseServiceList} from '../../src/parse/service-list.js'
import {runRule} from '../../src/rules/engine.js'
import {buildWorld} from '../../src/sim/objects.js'
import {loadScenario} from '../../src/sim/scenario.js'
import {SimShape} from '../../src/sim/shape.js'
import type {Snapshot} from '../../src/snapshot/schema.js'
import {FIXTURES_DIR} from '../helpers/reference.js'
import {agent, snapshot} from '../helpers/snapshot.js'

const LB4 = join(FIXTURES_DIR, 'synthetic-lb4-pressure')

/** N agents' status and service list as the simulator shapes them for an N-node cluster. */
function shapedCluster(n: number, shape: ConstructorParameters<typeof SimShape>[1]): {snap: Snapshot, pods: string[], nodes: string[]} {
  const world = buildWorld(loadScenario(LB4), n)
  const sim = new SimShape(world.agents, shape)
  const c = emptyCollected('files', 'shaped')
  world.agents.forEach((a, i) => {
    c.agents.push(a.pod)
    c.files.push({path: `${a.pod}/status.txt`, text: sim.status(i, true)!, agent: a.pod, kind: 'status-text'})
    c.files.push({path: `${a.pod}/service-list.txt`, text: sim.serviceList(i)!, agent: a.pod, kind: 'service-list'})
  })
  return {snap: buildSnapshot(c), pods: world.agents.map((a) => a.pod), nodes: world.agents.map((a) => a.node)}
}

/** The same agents with every service row kept, as a hand-built snapshot holds them. */
function uncompacted(s: Snapshot): Snapshot {
  return snapshot({agents: s.agents.map((a) => agent(a.name, {status: a.status,
    services: parseServiceList(readFileSync(join(LB4, a.name.replace(/-\d+$/, ''), 'service-list.txt'), 'utf8'), `${a.name}/service-list.txt`),
  }))})
}

describe('snapshot: what grows with the cluster is kept once', function () {
  this.timeout(60_000)

  it('keeps only unhealthy cluster-health rows, with their lines, and still names who sees them', () => {
    const {snap, nodes} = shapedCluster(20, {unreachableNodes: 2})
    for (const a of snap.agents) {
      expect(a.status?.clusterHealth?.rowsRead).to.equal(20)
      expect(a.status?.clusterHealth?.nodes.map((n) => n.name)).to.have.length(2)
      for (const n of a.status!.clusterHealth!.nodes) expect(n.src.file).to.equal(`${a.name}/status.txt`)
    }
    const {findings} = runRule(unreachableNodes, snap)
    expect(findings).to.have.length(1)
    expect(findings[0].message).to.match(/^20 agents see unreachable nodes/)
    // every other agent reaches the two nodes' endpoints through the network; each of the two fails its own
    for (const node of nodes.slice(-2)) {
      expect(findings[0].message).to.include(`${node} (health endpoint, from 19 agents)`)
      expect(findings[0].message).to.include(`${node} (localhost) (health endpoint, from 1 agent)`)
    }
  })

  it('agents with the same service list share one frontend-key array and keep only the rows rules quote', () => {
    const {snap} = shapedCluster(9, {services: 300, variation: true})
    const lists = snap.agents.map((a) => a.services!)
    expect(lists.every((l) => l.summary?.services === 300)).to.equal(true)
    expect(new Set(lists.map((l) => l.summary!.frontendKeys)).size).to.be.lessThan(lists.length)
    for (const l of lists) expect(l.services.length).to.be.lessThan(20)
    expect(lists[0].summary!.lb.v4.slots).to.be.greaterThan(300)
  })

  it('services-without-backends and lb-map-capacity find the same on the summary as on every row', () => {
    const {snap} = shapedCluster(6, {})
    const full = uncompacted(snap)
    for (const rule of [servicesWithoutBackends, lbMapCapacity]) {
      const a = runRule(rule, snap).findings.map((f) => ({...f, evidence: f.evidence.map((e) => e.text)}))
      const b = runRule(rule, full).findings.map((f) => ({...f, evidence: f.evidence.map((e) => e.text)}))
      expect(a.length, rule.meta.id).to.be.greaterThan(0)
      expect(a, rule.meta.id).to.deep.equal(b)
    }
  })

  it('one agent out of sync is named against the count of the others', () => {
    const {snap, pods} = shapedCluster(8, {services: 200, variation: true})
    const info = runRule(servicesWithoutBackends, snap).findings.map((f) => f.message).join('\n')
    expect(info).to.include(`10.100.0.0:8080/TCP has no active backend (only terminating) on ${pods[7]} while 7 other agent(s)`)
  })
})

describe('--from: each file read once', () => {
  it('files streamed into the builder give the snapshot the lazy reading gave', () => {
    const lazy = buildSnapshot(collectFromPath(LB4))
    const sink = new SnapshotBuilder({kind: 'files', path: LB4})
    const streamed = buildSnapshot(collectFromPath(LB4, sink), sink)
    expect({...streamed, createdAt: ''}).to.deep.equal({...lazy, createdAt: ''})
    expect(streamed.agents).to.have.length(3)
  })
})
