import type {Readable} from 'node:stream'
import {StringDecoder} from 'node:string_decoder'
import {LineSplitter} from '../parse/text.js'

export interface Captured {text: string, truncated: boolean, bytes: number}

/**
 * Read a stream into text, keeping at most `cap` bytes: the head for command output,
 * the tail for logs (the newest lines explain the incident). Memory stays bounded by the cap.
 */
export async function readCapped(stream: Readable, cap: number, keep: 'head' | 'tail'): Promise<Captured> {
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
  let text = buf.toString('utf8')
  // A cut in the middle of a line is not evidence: drop the partial line at the cut.
  if (truncated && keep === 'tail') text = text.slice(text.indexOf('\n') + 1)
  if (truncated && keep === 'head') text = text.slice(0, text.lastIndexOf('\n') + 1)
  return {text, truncated, bytes}
}

/** The lines of a stream as they arrive: a log of any size is read without holding it. */
export async function* streamLines(stream: Readable): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8')
  const lines = new LineSplitter()
  for await (const chunk of stream as AsyncIterable<Buffer>) yield* lines.push(decoder.write(chunk))
  yield* lines.push(decoder.end())
  yield* lines.end()
}
