import {expect} from 'chai'
import fc from 'fast-check'
import {computeMapSizes, DYNAMIC_FAMILIES, LIMIT_TABLE_MAX, totalDefaultBytes} from '../../src/sizing/formula.js'
import {floorSize} from '../../src/cilium/maps.js'
import {estimateMemory, mapKernelBytes} from '../../src/sizing/memory.js'
import {parseQuantity} from '../../src/parse/quantity.js'

const GiB = 2 ** 30
const entriesOf = (r: ReturnType<typeof computeMapSizes>) => DYNAMIC_FAMILIES.map((f) => r.sizes[f].entries)

describe('sizing formula', () => {
  it('budget of the default sizes is 149,422,080 bytes', () => {
    expect(totalDefaultBytes()).to.equal(149422080)
  })

  it("reproduces the seed's node (5035968Ki, 7 CPUs, ratio 0.01, distributed LRU) to the entry", () => {
    const memoryBytes = parseQuantity('5035968Ki') as number
    const r = computeMapSizes({memoryBytes, cpus: 7, ratio: 0.01, distributedLru: true})
    expect(entriesOf(r)).to.deep.equal([180943, 90475, 180943, 180943, 90475])
    // Without distributed LRU the same node gets the raw shares: the 180943 of the seed is a rounding to 7 CPUs.
    const plain = computeMapSizes({memoryBytes, cpus: 7, ratio: 0.01})
    expect(entriesOf(plain)).to.deep.equal([180941, 90470, 180941, 180941, 90470])
    expect(r.sizes['ct-tcp'].unclamped).to.equal(180941)
  })

  it('reproduces the published agent log (16791707648 B, ratio 0.0025)', () => {
    const r = computeMapSizes({memoryBytes: 16791707648, ratio: 0.0025})
    expect(r.budgetBytes).to.equal(41979269)
    expect(entriesOf(r)).to.deep.equal([147295, 73647, 147295, 147295, 73647])
    expect(Object.values(r.sizes).every((s) => s.source === 'dynamic' && s.clamp === undefined)).to.equal(true)
  })

  it('applies the min clamp on small nodes and reports it', () => {
    const r = computeMapSizes({memoryBytes: 8 * GiB, ratio: 0.0025})
    expect(entriesOf(r)).to.deep.equal([131072, 65536, 131072, 131072, 65536])
    expect(r.sizes['ct-tcp'].clamp).to.equal('min')
    const d = computeMapSizes({memoryBytes: 8 * GiB, ratio: 0.0025, cpus: 6, distributedLru: true})
    expect(d.sizes['ct-tcp'].entries).to.equal(131076) // roundUp(131072, 6)
  })

  it('matches the reference table rows (16 GiB and 64 GiB at 0.01)', () => {
    expect(entriesOf(computeMapSizes({memoryBytes: 16 * GiB, ratio: 0.01}))).to.deep.equal([602802, 301401, 602802, 602802, 301401])
    expect(entriesOf(computeMapSizes({memoryBytes: 64 * GiB, ratio: 0.01}))).to.deep.equal([2411209, 1205604, 2411209, 2411209, 1205604])
  })

  it('an explicit NAT size above the CT total is an agent start error, not capped', () => {
    const r = computeMapSizes({memoryBytes: 4 * GiB, ratio: 0.0025, overrides: {nat: 262144}})
    expect(r.sizes.nat).to.include({entries: 262144, source: 'override'})
    expect(r.errors[0]).to.match(/bpf-nat-global-max 262144 > CT TCP \+ CT any \(131072 \+ 65536\)/)
  })

  it('explicit overrides win per map, NAT is capped at 2/3 of the CT total', () => {
    const r = computeMapSizes({memoryBytes: 64 * GiB, ratio: 0.01, overrides: {'ct-tcp': 200000, 'ct-any': 100000}})
    expect(r.sizes['ct-tcp']).to.include({entries: 200000, source: 'override'})
    expect(r.sizes.nat).to.include({entries: 200000, clamp: 'nat-cap'})
    expect(r.sizes.neigh.entries).to.equal(200000)
    expect(r.sizes['sock-revnat'].source).to.equal('dynamic')
  })

  it('without a ratio every map keeps the agent default', () => {
    const r = computeMapSizes({memoryBytes: 64 * GiB})
    expect(r.dynamic).to.equal(false)
    expect(entriesOf(r)).to.deep.equal([524288, 262144, 524288, 524288, 262144])
  })

  describe('properties', () => {
    const mem = fc.integer({min: 512 * 2 ** 20, max: 4096 * GiB})
    const ratio = fc.double({min: 0.0001, max: 1, noNaN: true})
    const cpus = fc.integer({min: 1, max: 512})

    it('monotonic in memory and ratio', () => {
      fc.assert(fc.property(mem, mem, ratio, fc.boolean(), cpus, (a, b, r, lru, c) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a]
        const x = entriesOf(computeMapSizes({memoryBytes: lo, ratio: r, distributedLru: lru, cpus: c}))
        const y = entriesOf(computeMapSizes({memoryBytes: hi, ratio: r, distributedLru: lru, cpus: c}))
        return x.every((v, i) => v <= y[i])
      }))
      fc.assert(fc.property(mem, ratio, ratio, (m, a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a]
        const x = entriesOf(computeMapSizes({memoryBytes: m, ratio: lo}))
        const y = entriesOf(computeMapSizes({memoryBytes: m, ratio: hi}))
        return x.every((v, i) => v <= y[i])
      }))
    })

    it('clamps respected, NAT ≤ CT total, multiples of the CPUs with distributed LRU', () => {
      const overrideSize = fc.option(fc.integer({min: 1024, max: LIMIT_TABLE_MAX}), {nil: undefined})
      fc.assert(fc.property(mem, ratio, cpus, fc.boolean(), overrideSize, overrideSize, (m, r, c, lru, tcpO, anyO) => {
        const res = computeMapSizes({memoryBytes: m, ratio: r, cpus: c, distributedLru: lru, overrides: {'ct-tcp': tcpO, 'ct-any': anyO}})
        const s = res.sizes
        if (s.nat.entries > s['ct-tcp'].entries + s['ct-any'].entries) return false
        if (res.errors.length > 0) return false
        for (const f of DYNAMIC_FAMILIES) {
          const e = s[f]
          if (e.source !== 'dynamic') continue
          if (e.entries > LIMIT_TABLE_MAX) return false
          if (e.clamp !== 'nat-cap' && e.entries < floorSize(f)) return false
          if (lru && e.entries % c !== 0) return false
        }
        return true
      }))
    })
  })
})

describe('kernel memory estimate', () => {
  it('16 GiB × 0.01 IPv4-only is ≈ 285 MiB, dual stack ≈ 627 MiB (map-sizing.md §4)', () => {
    const est = estimateMemory(computeMapSizes({memoryBytes: 16 * GiB, ratio: 0.01}))
    expect(est.kernelTotal / 2 ** 20).to.be.within(280, 290)
    const dual = estimateMemory(computeMapSizes({memoryBytes: 16 * GiB, ratio: 0.01}), {ipv4: true, ipv6: true})
    expect(dual.kernelTotal / 2 ** 20).to.be.within(615, 640)
    expect(est.budgetBytes).to.be.at.most(Math.trunc(16 * GiB * 0.01))
  })

  it('per map: entries × (htab_elem + key + value) + pow2 buckets × 16', () => {
    expect(mapKernelBytes('ct-tcp', 131072, 'v4')).to.equal(131072 * 120 + 131072 * 16)
    expect(mapKernelBytes('nat', 131073, 'v6')).to.equal(131073 * 144 + 262144 * 16)
  })
})
