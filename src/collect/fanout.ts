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

/** One retry after a transient failure (5xx, connection reset); anything else fails at once. */
export async function withRetry<T>(fn: () => Promise<T>, delayMs = 200): Promise<T> {
  try {
    return await fn()
  } catch (error) {
    if (!(error instanceof KubeFailure) || !error.transient) throw error
    await new Promise((r) => setTimeout(r, delayMs))
    return fn()
  }
}
