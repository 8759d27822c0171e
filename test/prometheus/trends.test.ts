import {expect} from 'chai'
import fc from 'fast-check'
import {forecastText, hoursUntilFull, slopePerHour, withoutResets} from '../../src/collect/prometheus-trends.js'
import {exactRegex, rangeStepSeconds} from '../../src/collect/prometheus-queries.js'

const H = 3_600_000
const line = (start: number, perHour: number, n: number, stepMs = 60_000, t0 = 1_700_000_000_000) =>
  Array.from({length: n}, (_, i) => ({t: t0 + i * stepMs, v: start + perHour * (i * stepMs) / H}))

describe('prometheus trends (pure)', () => {
  it('least-squares slope per hour of a straight line is its rate, whatever the offset and sampling', () => {
    fc.assert(fc.property(
      fc.double({min: -1e4, max: 1e4, noNaN: true}), fc.double({min: -1e3, max: 1e3, noNaN: true}),
      fc.integer({min: 3, max: 200}), fc.integer({min: 1_000, max: 600_000}),
      (start, perHour, n, step) => {
        const s = slopePerHour(line(start, perHour, n, step))!
        expect(Math.abs(s - perHour)).to.be.lessThan(1e-6 * Math.max(1, Math.abs(perHour), Math.abs(start)))
      },
    ))
  })

  it('noise around a line does not flip the sign of a clear trend', () => {
    const pts = line(0.5, 0.3, 61).map((p, i) => ({t: p.t, v: p.v + (i % 2 ? 0.01 : -0.01)}))
    expect(slopePerHour(pts)).to.be.within(0.28, 0.32)
  })

  it('no slope from fewer than 3 points or a single instant; a flat series is exactly 0', () => {
    expect(slopePerHour(line(1, 1, 2))).to.equal(undefined)
    expect(slopePerHour([{t: 5, v: 1}, {t: 5, v: 2}, {t: 5, v: 3}])).to.equal(undefined)
    expect(slopePerHour(line(0.42, 0, 61))).to.equal(0)
  })

  it('a counter reset (agent restart) does not read as a falling counter', () => {
    const raw = [10, 20, 30, 2, 12, 22].map((v, i) => ({t: i * 600_000, v}))
    expect(slopePerHour(raw)!).to.be.lessThan(30) // the dip drags the naive slope down
    expect(withoutResets(raw).map((p) => p.v)).to.deep.equal([10, 20, 30, 32, 42, 52])
    expect(slopePerHour(withoutResets(raw))!).to.be.closeTo(47.66, 0.01) // 139 / 17.5 per 10 min
  })

  it('"full in about N h": from the current value and the slope; 0 when already full, nothing when not rising', () => {
    expect(hoursUntilFull(0.82, 0.2)).to.be.closeTo(0.9, 1e-9)
    expect(hoursUntilFull(1.44, 0.24)).to.equal(0)
    expect(hoursUntilFull(0.5, 0)).to.equal(undefined)
    expect(hoursUntilFull(0.5, -0.1)).to.equal(undefined)
    expect(forecastText(0.82, 0.2)).to.equal('full in about 54 min')
    expect(forecastText(0.5, 0.1)).to.equal('full in about 5 h')
    expect(forecastText(0.1, 0.03)).to.equal('full in about 30 h')
    expect(forecastText(0.6, 0.16)).to.equal('full in about 2.5 h')
    expect(forecastText(1.44, 0.24)).to.equal('already full')
    expect(forecastText(0.5, 0)).to.equal(undefined)
  })

  it('about 60 points per window, at least 1 s apart', () => {
    expect(rangeStepSeconds(3600)).to.equal(60)
    expect(rangeStepSeconds(6 * 3600)).to.equal(360)
    expect(rangeStepSeconds(20)).to.equal(1)
  })

  it('pod/instance matchers are exact regexes inside a PromQL string', () => {
    expect(exactRegex(['10.0.0.1:9962', 'cilium-a"b'])).to.equal('10\\\\.0\\\\.0\\\\.1:9962|cilium-a\\"b')
  })
})
