import {expect} from 'chai'
import {RETRY_AFTER_ATTEMPTS, withRetry} from '../../src/collect/fanout.js'
import {httpFailure, KubeFailure, retryAfterSeconds} from '../../src/collect/kube-errors.js'

/*
 * Polite retries: the server's Retry-After is honoured (with jitter on top, never less), other transient
 * failures get one short jittered backoff, and no wait runs past the request's budget.
 */

function failing(failures: KubeFailure[]): {fn: () => Promise<string>, calls: () => number} {
  let n = 0
  return {fn: async () => {
    const f = failures[n++]
    if (f) throw f
    return 'ok'
  }, calls: () => n}
}

const throttled = () => httpFailure(429, 'Too many requests, please try again later.\n', 'GET /api/v1/nodes', '3')

describe('withRetry', () => {
  it('waits at least the Retry-After of a 429, with at most 20 % jitter, and retries until it is served', async () => {
    const waits: number[] = []
    const f = failing([throttled(), throttled(), throttled()])
    const out = await withRetry(f.fn, {random: () => 0.5, sleep: async (ms) => void waits.push(ms)})
    expect(out).to.equal('ok')
    expect(f.calls()).to.equal(4)
    expect(waits).to.deep.equal([3300, 3300, 3300])
  })

  it('jitter spreads the waits of clients throttled together, never below the server\'s wait', async () => {
    const waits: number[] = []
    for (const r of [0, 0.25, 0.999]) await withRetry(failing([throttled()]).fn, {random: () => r, sleep: async (ms) => void waits.push(ms)})
    expect(new Set(waits).size).to.equal(3)
    for (const w of waits) expect(w).to.be.within(3000, 3600)
  })

  it(`gives up after ${RETRY_AFTER_ATTEMPTS} attempts of a 429 storm, saying how often it tried`, async () => {
    const f = failing(Array.from({length: 50}, throttled))
    const error = await withRetry(f.fn, {sleep: async () => undefined}).catch((e: unknown) => e)
    expect(f.calls()).to.equal(RETRY_AFTER_ATTEMPTS)
    expect((error as Error).message).to.match(/HTTP 429: Too many requests.*\(tried 10 times, waiting for Retry-After 3s\)/)
  })

  it('stops before a wait that would run past the budget', async () => {
    const f = failing(Array.from({length: 50}, throttled))
    const error = await withRetry(f.fn, {budgetMs: 2000, random: () => 0, sleep: async () => undefined}).catch((e: unknown) => e)
    expect(f.calls()).to.equal(1) // a 3 s wait does not fit in 2 s: the failure is reported at once
    expect((error as KubeFailure).httpStatus).to.equal(429)
  })

  it('a 5xx without Retry-After is retried once after a short jittered backoff; a 403 not at all', async () => {
    const waits: number[] = []
    const five = failing([httpFailure(500, '', 'x'), httpFailure(500, '', 'x'), httpFailure(500, '', 'x')])
    await withRetry(five.fn, {random: () => 0.9, sleep: async (ms) => void waits.push(ms)}).catch(() => undefined)
    expect(five.calls()).to.equal(2)
    expect(waits).to.have.length(1)
    expect(waits[0]).to.be.within(100, 300)
    const denied = failing([httpFailure(403, '', 'x')])
    await withRetry(denied.fn, {sleep: async () => undefined}).catch(() => undefined)
    expect(denied.calls()).to.equal(1)
  })

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterSeconds('7')).to.equal(7)
    expect(retryAfterSeconds(new Date(Date.now() + 5000).toUTCString())).to.be.within(4, 6)
    expect(retryAfterSeconds('soon')).to.equal(undefined)
    expect(retryAfterSeconds(undefined)).to.equal(undefined)
  })
})
