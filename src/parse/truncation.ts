import type {Truncation} from '../snapshot/schema.js'
import {docProblem, isRecord, readK8sDoc} from './k8s-object.js'

/*
 * A capture cut before its end (a paste that hit a size limit, `head -c`, a copy from a scrolled terminal) is
 * read as far as it is valid and said to be cut, never read as a whole document whose missing keys are "absent".
 * kubectl and helm always end their output with a newline and print every map with sorted keys; the cut point,
 * with that order, tells which keys a reader could still have seen (src/rules/lib/core.ts: settingCut).
 */

export type KeyPath = Array<string | number>

/** The longest valid prefix of a YAML/JSON document, and where it was cut; undefined cut = whole. */
export interface Salvaged {text: string, truncation?: Truncation}

const MAX_DROPPED_LINES = 3

function lineOfOffset(text: string, offset: number): number {
  let n = 1
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) n++
  return n
}

function lastLines(text: string): string[] {
  return text.split('\n').map((l) => l.replace(/\r$/, ''))
}

/** The number of the last non-blank line (1-based), 0 when none. */
function lastNonBlank(lines: string[]): number {
  for (let i = lines.length - 1; i >= 0; i--) if (lines[i].trim() !== '') return i + 1
  return 0
}

/**
 * JSON cut before its closing brackets: the text up to the last complete value, closed. A document
 * whose brackets all close but which still does not parse is broken, not cut: undefined.
 */
function salvageJson(text: string): Salvaged | undefined {
  const stack: string[] = []
  let safe: {pos: number, closers: string} | undefined
  let inString = false
  const mark = (pos: number) => {
    safe = {pos, closers: stack.map((c) => (c === '{' ? '}' : ']')).reverse().join('')}
  }
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (inString) {
      if (ch === '\\') i++
      else if (ch === '"') inString = false
      continue
    }
    if (ch === '"') inString = true
    else if (ch === '{' || ch === '[') {
      stack.push(ch)
      mark(i + 1)
    } else if (ch === '}' || ch === ']') {
      stack.pop()
      if (stack.length === 0) return undefined // closed: a cut cannot be the problem
      mark(i + 1)
    } else if (ch === ',') {
      mark(i)
    }
  }
  if (stack.length === 0 || !safe) return undefined
  const cut = text.slice(0, safe.pos).replace(/\s+$/, '')
  const repaired = cut + safe.closers
  try {
    JSON.parse(repaired)
  } catch {
    return undefined
  }
  const line = lineOfOffset(text, cut.length)
  return {text: repaired, truncation: {line, text: lastLines(text)[line - 1]?.trim() ?? '', reason: 'the JSON document ends before its closing brackets'}}
}

/** YAML whose only errors sit on its last lines (a line cut in the middle): the lines before them. */
function salvageYaml(text: string): Salvaged | undefined {
  const all = lastLines(text)
  let lines = all
  for (let dropped = 0; dropped < MAX_DROPPED_LINES; dropped++) {
    const problem = docProblem(lines.join('\n'))
    if (!problem) {
      if (dropped === 0) return undefined
      const line = lastNonBlank(lines)
      const cut = all.slice(line).map((l) => l.trim()).filter(Boolean).join(' ').slice(0, 80)
      return {text: lines.join('\n'), truncation: {line, text: lines[line - 1]?.trim() ?? '', reason: `the document ends in a line cut in the middle: ${cut}`}}
    }
    const at = Number(/^line (\d+):/.exec(problem)?.[1] ?? 0)
    const last = lastNonBlank(lines)
    if (at !== last || last <= 1) return undefined // an error before the last line: broken, not cut
    lines = lines.slice(0, last - 1)
  }
  return undefined
}

/** kubectl prints apiVersion first and metadata last (sorted keys): an object or list missing them was cut. */
function kubectlCut(value: unknown): string | undefined {
  return isRecord(value) ? kubectlCutKeys(Object.keys(value)) : undefined
}

function kubectlCutKeys(keys: string[]): string | undefined {
  if (keys[0] !== 'apiVersion') return undefined
  // only kubectl's printer sorts the keys; a writer of its own (ciltune collect, yq) may leave metadata out
  if (!inOrder(keys)) return undefined
  if (!keys.includes('kind')) return 'the kubectl output ends before its `kind:` line'
  if (!keys.includes('metadata')) return 'the kubectl output ends before its `metadata:` line'
  return undefined
}

/** Whether every map in a value lists its keys in Go's sorted order (kubectl, helm get values). */
function sortedKeys(v: unknown): boolean {
  if (Array.isArray(v)) return v.every(sortedKeys)
  if (!isRecord(v)) return true
  const keys = Object.keys(v)
  return inOrder(keys) && keys.every((k) => sortedKeys(v[k]))
}

function inOrder(keys: string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1] > keys[i]) return false
  return true
}

/** The path of the last key printed (depth first), as far as maps go. */
function lastPath(v: unknown): KeyPath {
  const out: KeyPath = []
  let cur = v
  while (isRecord(cur)) {
    const keys = Object.keys(cur)
    if (keys.length === 0) break
    const k = keys[keys.length - 1]
    out.push(k)
    cur = cur[k]
  }
  return out
}

/**
 * The readable part of a YAML/JSON capture and where it was cut. `printedSorted`: the caller knows the text is
 * program output with sorted keys (helm's USER-SUPPLIED VALUES heading). Text that is whole comes back unchanged
 * without a truncation; text broken before its last lines comes back unchanged too (the caller's strict
 * reader then names the bad line).
 */
export function salvageDocument(input: string, opts: {printedSorted?: boolean} = {}): Salvaged {
  const text = input.includes('\r') && !input.includes('\n') ? input.replace(/\r/g, '\n') : input
  if (text.trim() === '') return {text}
  const json = /^\s*[{[]/.test(text)
  // YAML ending with its newline is cut only where kubectl's top-level keys stop early: their column-0 keys tell,
  // without parsing a 17 MB NodeList twice more
  if (!json && /\n\s*$/.test(text) && !kubectlCutKeys(text.match(/^[A-Za-z_][\w.-]*(?=:)/gm) ?? [])) return {text}
  let out: Salvaged = {text}
  if (docProblem(text)) {
    // a YAML error on a whole last line (it ends with a newline) is a broken line, not a cut one
    out = (json ? salvageJson(text) : undefined) ?? (/\n\s*$/.test(text) ? undefined : salvageYaml(text)) ?? {text}
  } else if (!json && !/\n\s*$/.test(text)) {
    // kubectl and helm end with a newline: a last line without one may stop in the middle of its value
    const lines = lastLines(text)
    const last = lastNonBlank(lines)
    if (last > 1 && !docProblem(lines.slice(0, last - 1).join('\n'))) {
      const kept = lines.slice(0, last - 1)
      const line = lastNonBlank(kept)
      out = {text: kept.join('\n'), truncation: {line, text: kept[line - 1]?.trim() ?? '', reason: `the last line ends without a newline, cut in the middle: ${lines[last - 1].trim().slice(0, 80)}`}}
    }
  }
  const doc = out.truncation || !json ? readK8sDoc(out.text) : undefined
  const structural = doc ? kubectlCut(doc.value) : undefined
  if (structural && !out.truncation) {
    const lines = lastLines(out.text)
    const line = lastNonBlank(lines)
    out = {text: out.text, truncation: {line, text: lines[line - 1]?.trim() ?? '', reason: structural}}
  }
  // a few keys in order prove nothing: only output known to come from kubectl or helm is taken as sorted
  const printedSorted = opts.printedSorted === true || (isRecord(doc?.value) && Object.keys(doc.value)[0] === 'apiVersion')
  if (out.truncation && doc && printedSorted && sortedKeys(doc.value)) out.truncation.after = lastPath(doc.value)
  return out
}

/** /\n\s*$/.test(text), without the regex: on a status with indented trees it retried at every newline. */
function newlineInTrailingSpace(text: string): boolean {
  for (let i = text.length - 1; i >= 0; i--) {
    const c = text.charCodeAt(i)
    if (c === 10) return true
    if (!/\s/.test(text[i])) return false
  }
  return false
}

/**
 * The last line of lastLines(text) that is not blank, and where it starts, found from the end of the text;
 * undefined when every line is blank. Its number (lastNonBlank) is lineNumberAt(text, start).
 */
function lastNonBlankLine(text: string): {line: string, start: number} | undefined {
  let end = text.length
  for (;;) {
    const start = end === 0 ? 0 : text.lastIndexOf('\n', end - 1) + 1
    const line = text.slice(start, end).replace(/\r$/, '')
    if (line.trim() !== '') return {line, start}
    if (start === 0) return undefined
    end = start - 1
  }
}

/** The number of the line that starts at `start`. */
function lineNumberAt(text: string, start: number): number {
  let n = 1
  for (let i = text.indexOf('\n'); i >= 0 && i < start; i = text.indexOf('\n', i + 1)) n++
  return n
}

/**
 * A status text that stops in the middle, and the part of it to read: the lines before the cut one, without a
 * cluster-health node block the cut left incomplete (a node shown without its probe results is not unreachable).
 * Cut: the last line is one the parser could not read and is indented or has no newline; or it opens a block with
 * nothing under it (`name:`); or it has no newline inside a nested block (probe results, the modules tree).
 */
export function statusCut(text: string, parsed: {unrecognized: Array<{line: number, text: string}>}): Salvaged | undefined {
  // whether the end is cut is judged from the last lines alone: a whole status (nearly every one) is not split again
  const tail = lastNonBlankLine(text)
  if (!tail) return undefined
  const line = tail.line
  // its number is counted only when some line was not read, or the status was cut
  let counted: number | undefined
  const lastLine = () => (counted ??= lineNumberAt(text, tail.start))
  // the cut fell in the last non-blank line, or just after it (only the next line's indentation came through)
  const inLine = !newlineInTrailingSpace(text)
  const afterLine = !text.endsWith('\n') && !inLine
  const unread = parsed.unrecognized.length > 0 && parsed.unrecognized.some((u) => u.line === lastLine())
  const cut = (unread && (inLine || /^\s+\S/.test(line))) || /:\s*$/.test(line) || (inLine && /^ {4,}\S/.test(line)) || (afterLine && /^\s+\S/.test(line)) ||
    // the summary cut before its count: "Cluster health:   3"
    (inLine && /^Cluster health:/.test(line) && !/reachable|disabled|Warning/i.test(line))
  if (!cut) return undefined
  const lines = lastLines(text)
  let keep = afterLine ? lastLine() : lastLine() - 1
  // the node block the cut fell in: its header at indent 2, only deeper lines after it
  let h = keep
  while (h > 0 && /^ {4,}\S/.test(lines[h - 1])) h--
  if (h > 0 && h <= keep && /^ {2}\S.*:\s*$/.test(lines[h - 1]) && (h < keep || /^ {4,}\S/.test(line) || afterLine)) keep = h - 1
  keep = lastNonBlank(lines.slice(0, keep))
  return {
    text: lines.slice(0, keep).join('\n') + '\n',
    truncation: {line: keep, text: lines[keep - 1]?.trim() ?? '', reason: afterLine
      ? `the output stops after line ${lastLine()}, inside a table or block`
      : `the output stops in the middle of line ${lastLine()} (${line.trim().slice(0, 80)})`},
  }
}

const STATUS_LABEL = /^([A-Z][A-Za-z0-9 ]*):(\s|$)/
const KUBECTL_NOISE = /^(Defaulted container |Unable to use a TTY|If you don't see a command prompt)/

/**
 * A `cilium status` printed from its top (`KVStore:` first) that ends at a line boundary before `Cluster health:`.
 * A running agent's status always ends with that line ("Probe disabled" when health checking is off); only an
 * agent that is not Ok stops earlier (`earlyExit`). So the output was cut (`| head -n N`, a paste limit), and a
 * section missing from it is unknown, not absent. A last line no reader understood is taken as cut too.
 */
export function statusHeadCut(text: string, parsed: {earlyExit: boolean, clusterHealth?: unknown, unrecognized: Array<{line: number, text: string}>}): Salvaged | undefined {
  if (parsed.earlyExit || parsed.clusterHealth !== undefined || /^\s*Cluster health:/m.test(text)) return undefined
  const lines = lastLines(text)
  const first = lines.findIndex((l) => l.trim() !== '' && !KUBECTL_NOISE.test(l.trim()))
  if (first < 0 || STATUS_LABEL.exec(lines[first].trim())?.[1] !== 'KVStore') return undefined
  const last = lastNonBlank(lines)
  const partial = parsed.unrecognized.some((u) => u.line === last) && !STATUS_LABEL.test(lines[last - 1].trim())
  const keep = partial ? lastNonBlank(lines.slice(0, last - 1)) : last
  if (keep <= first) return undefined
  return {
    text: lines.slice(0, keep).join('\n') + '\n',
    truncation: {line: keep, text: lines[keep - 1].trim(), reason: `the status ends at line ${last}${partial ? ` (${lines[last - 1].trim().slice(0, 40)}, a line cut short)` : ''} ` +
      'before its "Cluster health:" line, which every status of a running agent prints last: cut (head -n, a paste limit)'},
  }
}

// a logfmt/slog line whose quotes do not close, or a JSON line that does not parse, was cut in the middle
function logLineUnreadable(line: string): boolean {
  const t = line.trim()
  if (t.startsWith('{')) {
    try {
      JSON.parse(t)
      return false
    } catch {
      return true
    }
  }
  if (!/\b(?:level|msg)=/.test(t)) return false
  let quotes = 0
  for (let i = 0; i < t.length; i++) {
    if (t[i] === '\\') i++
    else if (t[i] === '"') quotes++
  }
  return quotes % 2 === 1
}

/** A log whose last line has no newline and cannot be read as a log line: the text without it, and the cut. */
export function logCutAtEnd(text: string): Salvaged | undefined {
  if (text === '' || text.endsWith('\n')) return undefined
  const at = text.lastIndexOf('\n')
  const last = text.slice(at + 1).replace(/\r$/, '')
  if (!logLineUnreadable(last)) return undefined
  const line = at < 0 ? 0 : lineOfOffset(text, at) + 1
  return {text: text.slice(0, at + 1), truncation: {line: line - 1, text: last.trim().slice(0, 160), reason: `line ${line} ends without a newline in the middle of the line`}}
}
