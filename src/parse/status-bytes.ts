/*
 * `cilium-dbg status --verbose` as a live exec receives it: bytes, 7 lines per node of the cluster on
 * every agent (1.17+), most of them for healthy nodes. Before the text is decoded and split:
 * - a node block whose four probes passed becomes the row the parser reads for a healthy node and six
 *   empty lines (every later line keeps its number);
 * - any other probe that passed is cut after its verdict ("…:   OK, RTT=152.724µs   (Last probed: …)" → "…:   OK").
 * The snapshot keeps no healthy node, only their count (src/snapshot/compact.ts), so the compacted status
 * is the same as from the whole text (test/parse/status-bytes.test.ts), at a fraction of the work.
 * Anything unusual (CRLF, ANSI colours, a CI prefix, no "Cluster health:" at a line start) is decoded whole.
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
  if (buf.compare(OK_RTT, 0, OK_RTT.length, value, value + OK_RTT.length) !== 0) return -1
  const last = lastNonBlank(buf, value, end)
  const gap = buf.indexOf(SPACE, value + OK_RTT.length)
  // the RTT is the last word, or only "(Last probed: …)" follows it: such a line never reads as a table row
  if (gap >= 0 && gap < last) {
    const probed = gap + indent(buf, gap, end)
    if (buf.compare(LAST_PROBED, 0, LAST_PROBED.length, probed, probed + LAST_PROBED.length) !== 0 || buf[last] !== 0x29) return -1
  }
  return value + 2
}

type State = 'section' | 'block' | 'path'

/** The next state after a line of the Cluster health section, read as status-cluster-health.ts reads it. */
function nextState(buf: Buffer, from: number, end: number, state: State): State | 'done' {
  const n = indent(buf, from, end)
  if (n === 0 && from < end) return buf.compare(NAME, 0, NAME.length, from, from + NAME.length) === 0 ? state : 'done'
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
const SEPARATOR = Buffer.from('   ')
const HEALTHY_TAIL = Buffer.from(`   2/2   2/2${'\n'.repeat(6)}`)

/** Start and end (the newline or the buffer's end) of the next k lines from `pos`, or undefined past the end. */
function lineEnds(buf: Buffer, pos: number, k: number): Array<[number, number]> | undefined {
  const out: Array<[number, number]> = []
  for (let i = 0; i < k; i++) {
    if (pos >= buf.length) return undefined
    const nl = buf.indexOf(NL, pos)
    const end = nl < 0 ? buf.length : nl
    out.push([pos, end])
    pos = end + 1
  }
  return out
}

/** One printable ASCII word: no blank and nothing a regex could read as a space (U+00A0 and the like). */
function isWord(buf: Buffer, from: number, end: number): boolean {
  if (from >= end) return false
  for (let i = from; i < end; i++) if (buf[i] <= SPACE || buf[i] >= 0x7f) return false
  return true
}

/** [start, end) of ADDR in "    Host|Endpoint connectivity to ADDR:", or undefined when the line is anything else. */
function pathAddress(buf: Buffer, [from, end]: [number, number], head: Buffer): [number, number] | undefined {
  if (buf.compare(head, 0, head.length, from, Math.min(end, from + head.length)) !== 0) return undefined
  const last = lastNonBlank(buf, from, end)
  return buf[last] === COLON && isWord(buf, from + head.length, last) ? [from + head.length, last] : undefined
}

/** End of "  NAME[ (localhost)]" before its colon, or -1 when the line does not open a node block that way. */
function nodeNameEnd(buf: Buffer, [from, end]: [number, number]): number {
  const colon = lastNonBlank(buf, from, end)
  if (buf[colon] !== COLON) return -1
  const local = colon - LOCALHOST.length
  const nameEnd = local > from + 2 && buf.compare(LOCALHOST, 0, LOCALHOST.length, local, colon) === 0 ? local : colon
  return isWord(buf, from + 2, nameEnd) ? colon : -1
}

/**
 * A node block whose four probes all passed (the 7 lines Cilium prints per healthy node), as the table
 * row the parser reads for a healthy node ("  node   IP   2/2   2/2") and six empty lines, so every
 * later line keeps its number. The snapshot keeps no healthy row, only their count (compact.ts).
 */
function healthyBlockRow(buf: Buffer, pos: number): {row: Buffer[], end: number} | undefined {
  const lines = lineEnds(buf, pos, 7)
  if (!lines) return undefined
  const nameEnd = nodeNameEnd(buf, lines[0])
  const host = pathAddress(buf, lines[1], HOST_PATH)
  if (nameEnd < 0 || host === undefined || pathAddress(buf, lines[4], ENDPOINT_PATH) === undefined) return undefined
  for (const k of [2, 3, 5, 6]) {
    const [from, end] = lines[k]
    if (indent(buf, from, end) !== 6 || passedProbeEnd(buf, from, end) < 0) return undefined
  }
  return {row: [buf.subarray(pos, nameEnd), SEPARATOR, buf.subarray(host[0], host[1]), HEALTHY_TAIL], end: lines[6][1]}
}

export function statusTextFromBytes(buf: Buffer): string {
  const first = buf[0]
  const start = buf.indexOf(HEADER)
  if (start < 0 || first === undefined || first < 0x41 || first > 0x5a || buf.includes(0x0d) || buf.includes(0x1b)) return buf.toString('utf8')
  const parts: Buffer[] = []
  let kept = 0
  let state: State = 'section'
  let pos = buf.indexOf(NL, start + 1) + 1 // after the header line
  if (pos === 0) return buf.toString('utf8')
  let blocks = 0
  while (pos < buf.length) {
    const nl = buf.indexOf(NL, pos)
    const end = nl < 0 ? buf.length : nl
    // the first block stays as printed: it is what tells the parser that the table is --verbose
    const opens = indent(buf, pos, end) === 2 && buf[lastNonBlank(buf, pos, end)] === COLON
    const healthy = opens && blocks++ > 0 ? healthyBlockRow(buf, pos) : undefined
    if (healthy) {
      parts.push(buf.subarray(kept, pos), ...healthy.row)
      kept = healthy.end
      state = 'section' // a row closes the block before it and opens none
      pos = healthy.end + 1
      continue
    }
    const cut = state === 'path' && indent(buf, pos, end) === 6 ? passedProbeEnd(buf, pos, end) : -1
    if (cut >= 0) {
      parts.push(buf.subarray(kept, cut))
      kept = end
    } else {
      const next = nextState(buf, pos, end, state)
      if (next === 'done') break
      state = next
    }
    pos = end + 1
  }
  parts.push(buf.subarray(kept))
  return Buffer.concat(parts).toString('utf8')
}
