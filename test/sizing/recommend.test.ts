import {expect} from 'chai'
import {computeMapSizes} from '../../src/sizing/formula.js'
import type {NodeObservation} from '../../src/sizing/recommend.js'
import {RATIO_STEP, recommendFixedMax, recommendMax, recommendRatio} from '../../src/sizing/recommend.js'

const GiB = 2 ** 30
const node = (name: string, gib: number, pressure: NodeObservation['pressure'], cpus = 8): NodeObservation =>
  ({node: name, memoryBytes: gib * GiB, cpus, memorySource: 'node', pressure})

describe('sizing recommend', () => {
  it('smallest ratio step that brings every node under the target, node by node', () => {
    const nodes = [node('small', 8, {'ct-tcp': 0.9}), node('big', 32, {'ct-tcp': 0.6, nat: 0.7}), node('idle', 16, {})]
    const rec = recommendRatio(nodes, {ratio: 0.0025, target: 0.5})
    expect(rec.kind).to.equal('ratio')
    if (rec.kind !== 'ratio') return
    for (const pl of rec.nodes) for (const v of Object.values(pl.pressureAfter)) expect(v).to.be.at.most(0.5)
    // One step less fails on at least one node: the ratio is the smallest.
    const lower = Number((rec.ratio - RATIO_STEP).toFixed(4))
    const small = computeMapSizes({memoryBytes: 8 * GiB, ratio: lower}).sizes['ct-tcp'].entries
    const big = computeMapSizes({memoryBytes: 32 * GiB, ratio: lower}).sizes.nat.entries
    const usedSmall = Math.ceil(0.9 * 131072)
    const usedBig = Math.ceil(0.7 * computeMapSizes({memoryBytes: 32 * GiB, ratio: 0.0025}).sizes.nat.entries)
    expect(usedSmall / small > 0.5 || usedBig / big > 0.5).to.equal(true)
    // Memory grows with the ratio and is reported per node.
    const s = rec.nodes.find((n) => n.node === 'small')!
    expect(s.memoryAfter.kernelTotal).to.be.greaterThan(s.memoryBefore.kernelTotal)
  })

  it('uses the sizes the agent reported when present', () => {
    const o = {...node('n', 16, {'ct-tcp': 1}), currentSizes: {'ct-tcp': 100000}}
    const rec = recommendRatio([o], {ratio: 0.0025, target: 0.5})
    expect(rec.kind).to.equal('ratio')
    if (rec.kind === 'ratio') expect(rec.nodes[0].after.sizes['ct-tcp'].entries).to.be.at.least(200000)
  })

  it('no change when the current ratio already suffices', () => {
    const rec = recommendRatio([node('n', 16, {'ct-tcp': 0.2})], {ratio: 0.0025, target: 0.5})
    expect(rec.kind).to.equal('none')
  })

  it('explicit max for families with an explicit size, rounded to 65536 and the CPUs', () => {
    const rec = recommendMax([node('a', 16, {'ct-tcp': 0.95}, 6)], {ratio: 0.0025, target: 0.5, distributedLru: true, overrides: {'ct-tcp': 200000}}, ['ct-tcp'])
    expect(rec.kind).to.equal('max')
    if (rec.kind !== 'max') return
    const s = rec.sizes['ct-tcp']!
    expect(s % 6).to.equal(0)
    expect(s).to.be.at.least(Math.ceil(0.95 * 200000 / 0.5))
    expect(rec.nodes[0].pressureAfter['ct-tcp']).to.be.at.most(0.5)
  })

  it('fixed-size maps: next power of two (lb4 pressure 1.44 on 65536 → 262144)', () => {
    expect(recommendFixedMax(Math.ceil(1.44 * 65536), 65536, 0.5)).to.equal(262144)
    expect(recommendFixedMax(1000, 65536, 0.5)).to.equal(undefined)
  })
})

describe('sizing recommend: properties', () => {
  it('the proposed ratio keeps every node under the target, and one step less does not', async () => {
    const fc = (await import('fast-check')).default
    const nodeArb = fc.record({
      gib: fc.integer({min: 2, max: 512}),
      cpus: fc.integer({min: 1, max: 128}),
      p: fc.double({min: 0.05, max: 1.5, noNaN: true}),
    })
    fc.assert(fc.property(fc.array(nodeArb, {minLength: 1, maxLength: 6}), fc.boolean(), (ns, lru) => {
      const nodes = ns.map((n, i) => node(`n${i}`, n.gib, {'ct-tcp': n.p}, n.cpus))
      const policy = {ratio: 0.0025, target: 0.5, distributedLru: lru}
      const rec = recommendRatio(nodes, policy)
      if (rec.kind === 'none') return ns.every((n) => n.p <= 0.5) || /limit|no ratio/.test(rec.reason) || rec.reason.includes('already')
      if (rec.kind !== 'ratio') return false
      if (!rec.nodes.every((pl) => (pl.pressureAfter['ct-tcp'] ?? 0) <= 0.5)) return false
      const lower = Number((rec.ratio - RATIO_STEP).toFixed(4))
      if (lower <= policy.ratio) return true
      const used = nodes.map((o) => Math.ceil(o.pressure['ct-tcp']! * computeMapSizes({memoryBytes: o.memoryBytes, cpus: o.cpus, ratio: 0.0025, distributedLru: lru}).sizes['ct-tcp'].entries))
      return nodes.some((o, i) => used[i] / computeMapSizes({memoryBytes: o.memoryBytes, cpus: o.cpus, ratio: lower, distributedLru: lru}).sizes['ct-tcp'].entries > 0.5)
    }), {numRuns: 200})
  })
})
