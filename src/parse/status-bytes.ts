/*
 * `cilium-dbg status --verbose` as a live exec receives it or a capture saved it: bytes, 7 lines per node
 * of the cluster on every agent (1.17+), most of them for healthy nodes. Before the text is decoded and split:
 * - a node block whose four probes passed becomes seven empty lines (every later line keeps its number)
 *   and an entry in `healthy` (its first line and the node's name), which the parser counts as a healthy
 *   node without reading a row for it;
 * - any other probe that passed is cut after its verdict ("…:   OK, RTT=152.724µs   (Last probed: …)" → "…:   OK").
 * The snapshot keeps no healthy node, only their count (src/snapshot/compact.ts), so the compacted status
 * is the same as from the whole text (test/parse/status-bytes.test.ts), at a fraction of the work.
 * Anything unusual (CRLF, ANSI colours, a CI prefix, no "Cluster health:" at a line start, a header
 * without a value) is decoded whole.
 */

import {isHealthRow, opensNodeBlock} from './status-cluster-health.js'

const NL = 0x0a
const SPACE = 0x20
const TAB = 0x09
const COLON = 0x3a
const HEADER = Buffer.from('\nCluster health:')
const NAME = Buffer.from('Name')
const OK_RTT = Buffer.from('OK, RTT=')
const LAST_PROBED = Buffer.from('(Last probed: ')
const PATH = /^ {4}(?:Secondary\s+)?(Host|Endpoint)\s+connectivity\s+to\s+(\S+?):?$/i

/** `pat` at `at`, wholly before `limit`: a byte loop, far cheaper than Buffer#compare's checks for a few bytes. */
function startsAt(buf: Buffer, at: number, pat: Buffer, limit: number): boolean {
  if (at < 0 || at + pat.length > limit) return false
  for (let i = 0; i < pat.length; i++) if (buf[at + i] !== pat[i]) return false
  return true
}

function indent(buf: Buffer, from: number, end: number): number {
  let i = from
  while (i < end && buf[i] === SPACE) i++
  return i - from
}

function lastNonBlank(buf: Buffer, from: number, end: number): number {
  let i = end - 1
  while (i >= from && (buf[i] === SPACE || buf[i] === TAB)) i--
  return i
}

/** End of the verdict of a passed probe line ("…:   OK, RTT=x[   (Last probed: t)]"), or -1 to keep the line. */
function passedProbeEnd(buf: Buffer, from: number, end: number): number {
  if (buf[from + 6] === SPACE || buf[from + 6] === TAB) return -1
  const colon = buf.indexOf(COLON, from + 6)
  if (colon < 0 || colon >= end || (buf[colon + 1] !== SPACE && buf[colon + 1] !== TAB)) return -1
  const value = indent(buf, colon + 1, end) + colon + 1
  if (!startsAt(buf, value, OK_RTT, buf.length)) return -1
  const last = lastNonBlank(buf, value, end)
  const gap = buf.indexOf(SPACE, value + OK_RTT.length)
  // the RTT is the last word, or only "(Last probed: …)" follows it: such a line never reads as a table row
  if (gap >= 0 && gap < last) {
    const probed = gap + indent(buf, gap, end)
    if (!startsAt(buf, probed, LAST_PROBED, buf.length) || buf[last] !== 0x29) return -1
  }
  return value + 2
}

type State = 'section' | 'block' | 'path'

/** The next state after a line of the Cluster health section, read as status-cluster-health.ts reads it. */
function nextState(buf: Buffer, from: number, end: number, state: State): State | 'done' {
  const n = indent(buf, from, end)
  if (n === 0 && from < end) return startsAt(buf, from, NAME, buf.length) ? state : 'done'
  if (n === 0) return state // a blank line
  const line = buf.toString('utf8', from, end).trimEnd()
  // the order status-cluster-health.ts reads a line in: a row, a node block's name, a path
  if (isHealthRow(line) && !line.endsWith(':')) return 'section'
  if (opensNodeBlock(line)) return 'block'
  if (n === 4 && state !== 'section' && PATH.test(line)) return 'path'
  return state
}

const HOST_PATH = Buffer.from('    Host connectivity to ')
const ENDPOINT_PATH = Buffer.from('    Endpoint connectivity to ')
const LOCALHOST = Buffer.from(' (localhost)')

/**
 * Start and end (the newline or the buffer's end) of the next k lines from `pos`, as [start0, end0,
 * start1, end1, …] in a scratch array reused for every block, or undefined past the end: this runs once
 * per node on every agent (a million times at 1000 nodes), so it allocates nothing.
 */
const SPANS: number[] = []
function lineEnds(buf: Buffer, pos: number, k: number): number[] | undefined {
  for (let i = 0; i < k; i++) {
    if (pos >= buf.length) return undefined
    const nl = buf.indexOf(NL, pos)
    const end = nl < 0 ? buf.length : nl
    SPANS[2 * i] = pos
    SPANS[2 * i + 1] = end
    pos = end + 1
  }
  return SPANS
}

/** One printable ASCII word: no blank and nothing a regex could read as a space (U+00A0 and the like). */
function isWord(buf: Buffer, from: number, end: number): boolean {
  if (from >= end) return false
  for (let i = from; i < end; i++) if (buf[i] <= SPACE || buf[i] >= 0x7f) return false
  return true
}

/** Whether the line is "    Host|Endpoint connectivity to ADDR:" with ADDR one word. */
function isPathLine(buf: Buffer, from: number, end: number, head: Buffer): boolean {
  if (!startsAt(buf, from, head, end)) return false
  const last = lastNonBlank(buf, from, end)
  return buf[last] === COLON && isWord(buf, from + head.length, last)
}

/** "  NAME[ (localhost)]:" opening a node block: where NAME ends, or -1. */
function nodeNameEnd(buf: Buffer, from: number, end: number): number {
  const colon = lastNonBlank(buf, from, end)
  if (buf[colon] !== COLON) return -1
  const local = colon - LOCALHOST.length
  const nameEnd = local > from + 2 && startsAt(buf, local, LOCALHOST, colon) ? local : colon
  return isWord(buf, from + 2, nameEnd) ? nameEnd : -1
}

/**
 * From this size (about 150 nodes) a saved status is read as bytes: below, nearly all of it is kept, and copying it
 * out before decoding costs more than it spares (measured on the 3-node capture of `npm run bench`).
 */
export const STATUS_BYTES_FROM = 128 * 1024

/** Healthy node blocks taken out of the text: the line each started at and the node's name, in order. */
export interface HealthyBlocks {lines: number[], names: string[]}

/**
 * A node block whose four probes all passed (the 7 lines Cilium prints per healthy node): the node's
 * name and the end of its last line. The parser reads its host address only for the row it would
 * build, which the snapshot drops for a healthy node (compact.ts), so it is not decoded.
 */
function healthyBlock(buf: Buffer, pos: number): {name: string, end: number} | undefined {
  const l = lineEnds(buf, pos, 7)
  if (!l) return undefined
  const nameEnd = nodeNameEnd(buf, l[0], l[1])
  if (nameEnd < 0 || !isPathLine(buf, l[2], l[3], HOST_PATH) || !isPathLine(buf, l[8], l[9], ENDPOINT_PATH)) return undefined
  for (const k of PROBE_LINES) {
    const from = l[2 * k]
    const end = l[2 * k + 1]
    if (indent(buf, from, end) !== 6 || passedProbeEnd(buf, from, end) < 0) return undefined
  }
  return {name: buf.toString('latin1', pos + 2, nameEnd), end: l[13]}
}

const PROBE_LINES = [2, 3, 5, 6]

let scratch = Buffer.alloc(0)

/**
 * One buffer, grown when needed and reused for every agent, that the kept bytes are copied into: the
 * text is decoded from it at once, so nothing of it outlives the call (the output is never longer than
 * its input). A buffer per agent would be a megabyte of garbage outside the JS heap each time.
 */
function scratchFor(size: number): Buffer {
  if (scratch.length < size) scratch = Buffer.allocUnsafeSlow(Math.max(size, scratch.length * 2))
  return scratch
}

/** 1 + the newlines before `pos`. */
function lineOf(buf: Buffer, pos: number): number {
  let n = 1
  for (let i = buf.indexOf(NL); i >= 0 && i < pos; i = buf.indexOf(NL, i + 1)) n++
  return n
}

/** "Cluster health:" followed by a value on its line: what makes the parser read the rows after it. */
function headerHasValue(buf: Buffer, start: number): boolean {
  let i = start + HEADER.length
  if (buf[i] !== SPACE && buf[i] !== TAB) return false
  while (buf[i] === SPACE || buf[i] === TAB) i++
  return i < buf.length && buf[i] !== NL
}

/**
 * The text to parse, and the healthy node blocks taken out of it: give both to parseStatusText, which
 * then counts those nodes as read and healthy. Unusual input is decoded whole, with nothing taken out.
 */
export function statusFromBytes(buf: Buffer): {text: string, healthy: HealthyBlocks} {
  const healthy: HealthyBlocks = {lines: [], names: []}
  const whole = () => ({text: buf.toString('utf8'), healthy})
  const first = buf[0]
  const start = buf.indexOf(HEADER)
  if (start < 0 || first === undefined || first < 0x41 || first > 0x5a || buf.includes(0x0d) || buf.includes(0x1b) || !headerHasValue(buf, start)) return whole()
  const out = scratchFor(buf.length)
  let w = 0
  const keep = (from: number, to: number) => {
    w += buf.copy(out, w, from, to)
  }
  let kept = 0
  let state: State = 'section'
  let pos = buf.indexOf(NL, start + 1) + 1 // after the header line
  if (pos === 0) return whole()
  let line = lineOf(buf, pos)
  let blocks = 0
  while (pos < buf.length) {
    const nl = buf.indexOf(NL, pos)
    const end = nl < 0 ? buf.length : nl
    // the first block stays as printed: it is what tells the parser that the table is --verbose
    const opens = indent(buf, pos, end) === 2 && buf[lastNonBlank(buf, pos, end)] === COLON
    const block = opens && blocks++ > 0 ? healthyBlock(buf, pos) : undefined
    if (block) {
      keep(kept, pos)
      out.fill(NL, w, w + 6) // with the block's last newline, kept: seven empty lines
      w += 6
      healthy.lines.push(line)
      healthy.names.push(block.name)
      kept = block.end
      state = 'section' // a healthy node closes the block before it and opens none
      pos = block.end + 1
      line += 7
      continue
    }
    const cut = state === 'path' && indent(buf, pos, end) === 6 ? passedProbeEnd(buf, pos, end) : -1
    if (cut >= 0) {
      keep(kept, cut)
      kept = end
    } else {
      const next = nextState(buf, pos, end, state)
      if (next === 'done') break
      state = next
    }
    pos = end + 1
    line++
  }
  keep(kept, buf.length)
  return {text: out.toString('utf8', 0, w), healthy}
}
