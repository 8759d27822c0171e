import {KubeFailure} from './kube-errors.js'

/** Run `fn` over `items` with at most `limit` in flight; results keep the input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  async function worker(): Promise<void> {
    while (next < items.length) {
      const i = next++
      results[i] = await fn(items[i], i)
    }
  }
  await Promise.all(Array.from({length: Math.min(Math.max(1, limit), items.length)}, () => worker()))
  return results
}

/*
 * Retrying politely, as client-go does: an answer carrying Retry-After (429 from max-in-flight or API
 * Priority and Fairness, 503) is retried after that many seconds, up to RETRY_AFTER_ATTEMPTS times; any
 * other transient failure (5xx, a reset connection) is retried once after a short backoff. Every wait has
 * jitter, so agents throttled together do not come back together, and no wait runs past the request's
 * time budget: what could not be read in it is reported, with how often it was tried.
 */

export const RETRY_AFTER_ATTEMPTS = 10
const MAX_RETRY_AFTER_MS = 60_000
const BACKOFF_MS = 200

export interface RetryOptions {
  /** total time the attempts and waits may take (the request's --timeout); later attempts are not made */
  budgetMs?: number
  random?: () => number
  sleep?: (ms: number) => Promise<void>
}

const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

/** How long to wait before attempt `attempt` (2, 3, …); undefined = do not retry. */
export function retryDelay(error: unknown, attempt: number, random: () => number): number | undefined {
  if (!(error instanceof KubeFailure) || !error.transient) return undefined
  if (error.retryAfterMs !== undefined) {
    if (attempt > RETRY_AFTER_ATTEMPTS) return undefined
    // at least the server's wait, plus up to 20 % so throttled clients spread out
    return Math.round(Math.min(MAX_RETRY_AFTER_MS, error.retryAfterMs) * (1 + 0.2 * random()))
  }
  if (attempt > 2) return undefined
  return Math.round(BACKOFF_MS * (0.5 + random())) // 100–300 ms
}

export async function withRetry<T>(fn: () => Promise<T>, budgetOrOptions: number | RetryOptions = {}): Promise<T> {
  const o = typeof budgetOrOptions === 'number' ? {budgetMs: budgetOrOptions} : budgetOrOptions
  const random = o.random ?? Math.random
  const sleep = o.sleep ?? pause
  const started = Date.now()
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn()
    } catch (error) {
      const wait = retryDelay(error, attempt + 1, random)
      if (wait === undefined) throw tried(error, attempt)
      if (o.budgetMs !== undefined && Date.now() - started + wait > o.budgetMs) throw tried(error, attempt)
      await sleep(wait)
    }
  }
}

/** The failure, saying how often it was tried when that was more than once. */
function tried(error: unknown, attempts: number): unknown {
  if (!(error instanceof KubeFailure) || attempts < 2) return error
  const f = new KubeFailure(error.kind, `${error.message} (tried ${attempts} times${error.retryAfterMs !== undefined ? `, waiting for Retry-After ${Math.round(error.retryAfterMs / 1000)}s` : ''})`, error.transient, error.httpStatus)
  f.retryAfterMs = error.retryAfterMs
  return f
}
