import type {Readable} from 'node:stream'
import {StringDecoder} from 'node:string_decoder'
import {LineSplitter} from '../parse/text.js'

export interface Captured {text: string, truncated: boolean, bytes: number}

/**
 * Read a stream into text, keeping at most `cap` bytes: the head for command output,
 * the tail for logs (the newest lines explain the incident). Memory stays bounded by the cap.
 */
export async function readCapped(stream: Readable, cap: number, keep: 'head' | 'tail'): Promise<Captured> {
  return decodedCapture(await readCappedBytes(stream, cap, keep))
}

export interface CapturedBytes {buf: Buffer, truncated: boolean, bytes: number, keep: 'head' | 'tail'}

/** The text of captured bytes. A cut in the middle of a line is not evidence: the partial line at the cut is dropped. */
export function decodedCapture({buf, truncated, bytes, keep}: CapturedBytes): Captured {
  let text = buf.toString('utf8')
  if (truncated && keep === 'tail') text = text.slice(text.indexOf('\n') + 1)
  if (truncated && keep === 'head') text = text.slice(0, text.lastIndexOf('\n') + 1)
  return {text, truncated, bytes}
}

/** readCapped's bytes, before they are decoded: a cut one may end in the middle of a line. */
export async function readCappedBytes(stream: Readable, cap: number, keep: 'head' | 'tail'): Promise<CapturedBytes> {
  const chunks: Buffer[] = []
  let held = 0
  let bytes = 0
  let truncated = false
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    bytes += chunk.length
    if (keep === 'head') {
      if (held >= cap) {
        truncated = true
        continue
      }
      const part = held + chunk.length > cap ? chunk.subarray(0, cap - held) : chunk
      if (part.length < chunk.length) truncated = true
      chunks.push(part)
      held += part.length
    } else {
      chunks.push(chunk)
      held += chunk.length
      while (held > cap && chunks.length > 1) {
        held -= chunks.shift()!.length
        truncated = true
      }
    }
  }
  let buf = Buffer.concat(chunks)
  if (keep === 'tail' && buf.length > cap) {
    buf = buf.subarray(buf.length - cap)
    truncated = true
  }
  return {buf, truncated, bytes, keep}
}

/** The lines of a stream as they arrive: a log of any size is read without holding it. */
export async function* streamLines(stream: Readable): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8')
  const lines = new LineSplitter()
  for await (const chunk of stream as AsyncIterable<Buffer>) yield* lines.push(decoder.write(chunk))
  yield* lines.push(decoder.end())
  yield* lines.end()
}
