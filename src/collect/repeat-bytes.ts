import {CappedBytes, type OutputBytes} from './caps.js'

/*
 * An output that most agents print byte for byte the same (a service list: every agent programs every
 * Service of the cluster). Chunks are compared with the last outputs seen as they arrive and dropped
 * while one of them still matches, so a repeated list is never held twice in memory nor concatenated;
 * at its end the earlier Buffer itself is the result, and the builder recognizes it without decoding.
 * The first chunk that matches none of them makes the output its own: the matched prefix (a view of the
 * earlier output) and everything after it are kept as any other output is.
 */

export class RepeatBytes implements OutputBytes {
  private candidates: Buffer[]
  private matched = 0
  private own?: CappedBytes
  held = 0
  truncated = false

  constructor(readonly cap: number, recent: readonly Buffer[]) {
    this.candidates = recent.filter((b) => b.length <= cap)
  }

  /** false once the cap is reached: the caller stops reading */
  push(chunk: Buffer): boolean {
    if (!this.own) {
      const at = this.matched
      const end = at + chunk.length
      const still = this.candidates.filter((c) => c.length >= end && c.compare(chunk, 0, chunk.length, at, end) === 0)
      if (still.length > 0) {
        this.candidates = still
        this.matched = this.held = end
        return true
      }
      this.own = new CappedBytes(this.cap)
      if (at > 0) this.own.push(this.candidates[0].subarray(0, at))
      this.candidates = []
    }
    const more = this.own.push(chunk)
    this.held = this.own.held
    this.truncated = this.own.truncated
    return more
  }

  /** true when every byte received so far is an earlier output's (the result is then that Buffer or a view of it) */
  get repeated(): boolean {
    return this.own === undefined
  }

  bytes(): Buffer {
    if (this.own) return this.own.bytes()
    if (this.candidates.length === 0) return Buffer.alloc(0)
    return this.candidates.find((c) => c.length === this.matched) ?? this.candidates[0].subarray(0, this.matched)
  }

  text(): string {
    return this.bytes().toString('utf8')
  }
}

/** The last few distinct outputs of one command across agents, newest first. */
export class RecentOutputs {
  private readonly list: Buffer[] = []

  constructor(private readonly keep = 4) {}

  get buffers(): readonly Buffer[] {
    return this.list
  }

  /** Remember an output read whole (never a truncated one: its head is not what the agent printed). */
  seen(b: Buffer): void {
    if (b.length === 0) return
    const i = this.list.indexOf(b)
    if (i === 0) return
    if (i > 0) this.list.splice(i, 1)
    this.list.unshift(b)
    if (this.list.length > this.keep) this.list.pop()
  }
}
