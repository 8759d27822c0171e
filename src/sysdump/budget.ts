import type {Readable} from 'node:stream'
import {Transform} from 'node:stream'

/*
 * How much a sysdump may unpack to. An archive of a few MB can inflate to terabytes (a zip bomb: one
 * deflate stream of zeros, or many directory entries pointing at the same data), so every byte inflated,
 * from the zip and from the bugtool tarballs inside it, is counted against one budget for the whole run.
 */

export interface UnpackLimits {
  /** bytes inflated from the whole archive, nested tarballs included */
  archive: number
  /** bytes read of one agent log (cilium-cli's own `--logs-limit-bytes` default is 1 GiB) */
  log: number
}

export const DEFAULT_LIMITS: UnpackLimits = {archive: 4 * 1024 ** 3, log: 1024 ** 3}

/** Thrown through every reader when the archive has inflated more than its budget: reading stops there. */
export class BudgetExceeded extends Error {
  constructor(limit: number) {
    super(`unpacks to more than ${size(limit)} (the limit ciltune reads from one sysdump; a zip bomb, or a capture too large)`)
    this.name = 'BudgetExceeded'
  }
}

export function size(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${+(bytes / 1024 ** 3).toFixed(1)} GiB` : `${+(bytes / 1024 ** 2).toFixed(1)} MiB`
}

export class UnpackBudget {
  used = 0

  constructor(readonly limit: number) {}

  /** `source` passed through, its bytes counted; past the budget the reader gets BudgetExceeded. */
  meter(source: Readable): Readable {
    const t = new Transform({
      transform: (chunk: Buffer, _enc, done) => {
        this.used += chunk.length
        if (this.used > this.limit) done(new BudgetExceeded(this.limit))
        else done(null, chunk)
      },
    })
    source.on('error', (e) => t.destroy(e))
    // a reader that stops early (a capped log) stops the inflating too
    t.on('close', () => source.destroy())
    return source.pipe(t)
  }
}
