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
    const b = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks)
    if (!this.truncated) return b
    // a line cut at the cap is not evidence
    return b.subarray(0, b.lastIndexOf(0x0a) + 1)
  }

  text(): string {
    return this.bytes().toString('utf8')
  }
}
