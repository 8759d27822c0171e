import {closeSync, openSync, readSync} from 'node:fs'
import {StringDecoder} from 'node:string_decoder'
import {LineSplitter} from '../parse/text.js'

const CHUNK = 1024 * 1024

/**
 * The lines of a file, read a megabyte at a time: a 500 MB log is never one string in memory.
 * Synchronous on purpose: the snapshot builder parses files as it is handed them.
 */
export function* fileLines(path: string): Generator<string> {
  const fd = openSync(path, 'r')
  try {
    const buf = Buffer.allocUnsafe(CHUNK)
    const decoder = new StringDecoder('utf8')
    const lines = new LineSplitter()
    for (let n = readSync(fd, buf, 0, CHUNK, null); n > 0; n = readSync(fd, buf, 0, CHUNK, null)) {
      yield* lines.push(decoder.write(buf.subarray(0, n)))
    }
    yield* lines.push(decoder.end())
    yield* lines.end()
  } finally {
    closeSync(fd)
  }
}

/** The first `bytes` of a file, for recognizing what it holds without reading it whole. */
export function fileHead(path: string, bytes: number): Buffer {
  const fd = openSync(path, 'r')
  try {
    const buf = Buffer.alloc(bytes)
    const n = readSync(fd, buf, 0, bytes, 0)
    return buf.subarray(0, n)
  } finally {
    closeSync(fd)
  }
}
