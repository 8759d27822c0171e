/*
 * What one answer from the API server or an agent may cost. A misbehaving server (or a proxy in front of it)
 * can stream without end, or trickle a byte at a time so an idle timeout never fires; these caps and the
 * wall-clock limit per request (--timeout) bound every read. The README's Reliability section states them.
 */

const MiB = 1024 * 1024

/** A JSON object or list page: a cut JSON document is useless, so a larger one is an error, not read. */
export const JSON_CAP = 64 * MiB
/** An agent log (the request also asks the server for limitBytes of this size): the head is kept. */
export const LOG_CAP = 16 * MiB
/** The agent's metrics through the API server's pod proxy: the head is kept. */
export const METRICS_CAP = 16 * MiB
/** stdout of one allowlisted command in an agent: the head is kept and the exec ended. */
export const EXEC_CAP = 32 * MiB
/** stderr of one command: only its last line is ever shown. */
export const EXEC_STDERR_CAP = MiB
/** An error answer is a short Status object; more of it is not worth reading. */
export const ERROR_BODY_CAP = 64 * 1024

export function mib(bytes: number): string {
  return `${Math.round(bytes / MiB)} MiB`
}

/** Where one output's bytes go as they arrive (each chunk at most once). */
export interface OutputBytes {
  readonly cap: number
  held: number
  truncated: boolean
  /** false once the cap is reached: the caller stops reading */
  push(chunk: Buffer): boolean
  bytes(): Buffer
  text(): string
  /** Nothing refers to the bytes any more: storage that is reused gets them back (PooledBytes). */
  release?(): void
}

/** Bytes held up to a cap: when the cap cut them, up to their last whole line (a line cut at the cap is not evidence). */
function wholeLines(b: Buffer, truncated: boolean): Buffer {
  return truncated ? b.subarray(0, b.lastIndexOf(0x0a) + 1) : b
}

/**
 * Bytes of at most `cap`, cut after their last complete line when the cap was hit. Chunks are kept as
 * they arrive (each is its own buffer), not copied: 1000 agents' outputs are a gigabyte.
 */
export class CappedBytes implements OutputBytes {
  private readonly chunks: Buffer[] = []
  held = 0
  truncated = false

  constructor(readonly cap: number) {}

  /** false once the cap is reached: the caller stops reading */
  push(chunk: Buffer): boolean {
    if (this.held >= this.cap) {
      this.truncated = true
      return false
    }
    const part = this.held + chunk.length > this.cap ? chunk.subarray(0, this.cap - this.held) : chunk
    this.chunks.push(part)
    this.held += part.length
    if (part.length < chunk.length) this.truncated = true
    return !this.truncated
  }

  bytes(): Buffer {
    return wholeLines(this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks), this.truncated)
  }

  text(): string {
    return this.bytes().toString('utf8')
  }
}

/**
 * Buffers for command outputs, reused from one agent to the next. An agent's status is half a megabyte
 * at 1000 nodes; allocated anew for each of 1000 agents, these buffers were the largest garbage outside
 * the JS heap, which V8 frees only after 64 MB more of it exist and glibc then keeps resident. A buffer
 * comes back only when its output was parsed and nothing refers to it (PooledBytes.release).
 */
export class BytePool {
  private readonly free: Buffer[] = []

  constructor(private readonly keep = 16, private readonly largest = 8 * MiB) {}

  take(size: number): Buffer {
    const b = this.free.pop()
    return b && b.length >= size ? b : Buffer.allocUnsafeSlow(Math.max(size, b?.length ?? 0, 64 * 1024))
  }

  give(b: Buffer): void {
    if (this.free.length < this.keep && b.length <= this.largest) this.free.push(b)
  }

  /** Let go of the free buffers (up to `keep` × `largest` bytes): reading is over, and nothing will take them. */
  clear(): void {
    this.free.length = 0
  }
}

const EMPTY = Buffer.alloc(0)

/** CappedBytes' contract in one pooled buffer: each chunk is copied in as it arrives, so the frames die young. */
export class PooledBytes implements OutputBytes {
  private buf: Buffer
  held = 0
  truncated = false
  private released = false

  constructor(readonly cap: number, private readonly pool: BytePool) {
    this.buf = pool.take(0)
  }

  /** false once the cap is reached: the caller stops reading */
  push(chunk: Buffer): boolean {
    if (this.held >= this.cap) {
      this.truncated = true
      return false
    }
    const n = Math.min(chunk.length, this.cap - this.held)
    if (this.held + n > this.buf.length) this.grow(this.held + n)
    chunk.copy(this.buf, this.held, 0, n)
    this.held += n
    if (n < chunk.length) this.truncated = true
    return !this.truncated
  }

  private grow(size: number): void {
    const next = this.pool.take(Math.max(size, this.buf.length * 2))
    this.buf.copy(next, 0, 0, this.held)
    this.pool.give(this.buf)
    this.buf = next
  }

  bytes(): Buffer {
    if (this.released) throw new Error('output read after its buffer was given back')
    return wholeLines(this.buf.subarray(0, this.held), this.truncated)
  }

  text(): string {
    return this.bytes().toString('utf8')
  }

  /** The output was parsed and is no longer referred to: its buffer serves the next one. */
  release(): void {
    if (this.released) return
    this.released = true
    this.pool.give(this.buf)
    this.buf = EMPTY
  }
}
