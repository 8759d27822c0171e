import {once} from 'node:events'
import {closeSync, openSync, writeSync} from 'node:fs'
import type {Writable} from 'node:stream'

/*
 * A report of a 5000-agent cluster is tens of megabytes of text. Written whole, it is encoded into one
 * Buffer as large as itself, on top of the string (about 100 MB more peak RSS for a 35 MB JSON report);
 * written in pieces, each piece is encoded and freed in turn.
 */

const CHUNK = 1 << 20

/** `text` in pieces of about `size` characters, never splitting a surrogate pair (each half would encode as U+FFFD). */
export function* textChunks(text: string, size = CHUNK): Generator<string> {
  let start = 0
  while (start < text.length) {
    let end = Math.min(start + size, text.length)
    const last = text.charCodeAt(end - 1)
    // a high surrogate: keep it with its pair, in this piece when the piece would otherwise be empty
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end += end - 1 > start ? -1 : 1
    yield text.slice(start, end)
    start = end
  }
}

/** A text to write: whole, or as pieces written in order (a document too large to hold as one string). */
export type TextOut = string | Iterable<string>

/*
 * Pieces are joined into strings small enough for V8's young generation (under 128 KB): a larger string is
 * allocated among the large objects, which only a full collection frees. Joined to 1 MiB, a 35 MB report left
 * 150 MB of written chunks on the heap until the next one.
 */
const JOINED = 1 << 14

/**
 * The text in pieces: a whole text cut up (views into it, no copies), or a run of small pieces joined up to
 * about `size` characters (a system call per small piece would cost more than the joining).
 */
export function* outChunks(text: TextOut, size = JOINED): Generator<string> {
  if (typeof text === 'string') {
    yield* textChunks(text)
    return
  }
  let held: string[] = []
  let length = 0
  for (const piece of text) {
    if (piece.length >= size) {
      if (held.length > 0) yield held.join('')
      held = []
      length = 0
      yield* textChunks(piece, size)
      continue
    }
    held.push(piece)
    length += piece.length
    if (length >= size) {
      yield held.join('')
      held = []
      length = 0
    }
  }
  if (held.length > 0) yield held.join('')
}

/**
 * Write `text` to a stream piece by piece, each after the last has gone out. stdout to a pipe is asynchronous:
 * queued at once, every piece is encoded in the same turn (a 35 MB report became 100 MB of Buffers).
 */
export async function writeChunked(stream: Writable, text: TextOut): Promise<void> {
  for (const piece of outChunks(text)) {
    if (stream.write(piece)) continue
    try {
      await once(stream, 'drain')
    } catch (error) {
      // the reader went away (`| head`): the rest has nowhere to go, and that is not ciltune's failure
      if ((error as NodeJS.ErrnoException).code === 'EPIPE') return
      throw error
    }
  }
}

/** writeFileSync for a large text, in pieces. */
export function writeFileChunked(path: string, text: TextOut, mode: number): void {
  const fd = openSync(path, 'w', mode)
  try {
    for (const piece of outChunks(text)) {
      const bytes = Buffer.from(piece, 'utf8')
      for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done)
    }
  } finally {
    closeSync(fd)
  }
}
