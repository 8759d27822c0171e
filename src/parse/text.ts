import type {SourceRef} from '../snapshot/schema.js'

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g
const DEFAULTED = /^Defaulted container "[^"]*" out of: /

/**
 * Split captured output into lines with real-world noise removed, keeping line numbers exact:
 * CRLF, ANSI colour codes and kubectl's "Defaulted container" notice are tolerated.
 * A removed notice becomes an empty line so every later line keeps its number.
 * Each line is a copy of its own (see own()): a caller may keep any of them.
 */
export function splitLines(text: string): string[] {
  const lines = lineViews(text)
  for (let i = 0; i < lines.length; i++) lines[i] = own(lines[i])
  return lines
}

/**
 * The lines splitLines gives, as views into the text: for a parser that keeps a few lines of thousands and
 * passes what it returns through detach(), rather than copying every line (a 1000-agent capture has a
 * million lines, and copying each was a fifth of reading it).
 */
export function lineViews(text: string): string[] {
  const clean = text.includes('\x1b') ? text.replace(ANSI, '') : text
  // splitting on a plain "\n" is several times faster than the regex, and the same when there is no CR
  const lines = clean.includes('\r') ? clean.split(/\r?\n|\r/) : clean.split('\n')
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop()
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]
    // trimEnd, not /\s+$/: the regex is quadratic on long blank runs (tabwriter padding, garbage input)
    lines[i] = l.startsWith('Defaulted container') && DEFAULTED.test(l) ? '' : l.trimEnd()
  }
  const indent = commonIndent(lines)
  if (indent > 0) for (let i = 0; i < lines.length; i++) lines[i] = lines[i].slice(indent)
  return lines
}

/** One line of a streamed text, cleaned as splitLines cleans it (CR, ANSI colour codes, kubectl's notice). */
export function cleanLine(line: string): string {
  let l = line.includes('\x1b') ? line.replace(ANSI, '') : line
  l = l.trimEnd()
  return l.startsWith('Defaulted container') && DEFAULTED.test(l) ? '' : l
}

/**
 * Text arriving in chunks, cut into lines as they complete. A line is held only up to `maxLine`
 * characters: the rest of an endless line is dropped, so memory stays bounded by one held line.
 */
export class LineSplitter {
  private pending = ''
  private dropping = false

  constructor(private readonly maxLine = 1024 * 1024) {}

  push(chunk: string): string[] {
    const out: string[] = []
    let from = 0
    for (let nl = chunk.indexOf('\n'); nl >= 0; nl = chunk.indexOf('\n', from)) {
      out.push(this.take(chunk.slice(from, nl)))
      from = nl + 1
    }
    this.hold(chunk.slice(from))
    return out
  }

  end(): string[] {
    if (this.pending === '' && !this.dropping) return []
    return [this.take('')]
  }

  private hold(part: string): void {
    if (this.dropping) return
    this.pending += part
    if (this.pending.length > this.maxLine) {
      this.pending = this.pending.slice(0, this.maxLine)
      this.dropping = true
    }
  }

  private take(tail: string): string {
    this.hold(tail)
    const line = this.pending
    this.pending = ''
    this.dropping = false
    return line
  }
}

/**
 * The first non-empty lines of a head of text, cleaned like splitLines (ANSI, CR, kubectl notice, common
 * indentation) but without copying each line: content detectors run on every captured file and only
 * look at a few lines.
 */
export function headLines(text: string, max = 30): string[] {
  const out: string[] = []
  for (let l of text.split('\n', max)) {
    if (l.includes('\x1b')) l = l.replace(ANSI, '')
    l = l.trimEnd()
    if (l === '' || (l.startsWith('Defaulted container') && DEFAULTED.test(l))) continue
    out.push(l)
  }
  const indent = commonIndent(out)
  return indent > 0 ? out.map((l) => l.slice(indent)) : out
}

/**
 * Whitespace every non-empty line starts with: outputs pasted from CI logs (`\t `) or markdown code blocks
 * (4 spaces). Real CLI output always has unindented lines (labels, table headers), so this is 0 for it.
 */
export function commonIndent(lines: string[]): number {
  let prefix: string | undefined
  for (const l of lines) {
    if (l === '') continue
    const ws = /^[ \t]*/.exec(l)![0]
    if (prefix === undefined) prefix = ws
    else {
      let n = 0
      while (n < prefix.length && n < ws.length && prefix[n] === ws[n]) n++
      prefix = prefix.slice(0, n)
    }
    if (prefix === '') return 0
  }
  return prefix?.length ?? 0
}

/** The text with that common indentation removed, for detectors that anchor at line starts. */
export function dedent(text: string): string {
  // an unindented first line makes the common indentation 0: skip splitting the whole head
  const c = text.charCodeAt(0)
  if (text.length > 0 && c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return text
  const lines = text.split('\n')
  const n = commonIndent(lines.map((l) => l.trimEnd()))
  return n === 0 ? text : lines.map((l) => l.slice(n)).join('\n')
}

/**
 * A copy of `s` that does not point into the string it was cut from. V8 keeps substrings as views of
 * their parent, so one retained evidence line would otherwise keep a whole captured file alive.
 * JSON.parse builds a flat string of its own, one byte per character when the line allows it: lines of a
 * file holding a single box-drawing character (a Modules Health tree) would otherwise take two bytes per
 * character, plus a view object each.
 */
export function own(s: string): string {
  if (s.length < 13) return s // V8 copies short substrings anyway
  if (!s.includes('"') && !s.includes('\\')) {
    try {
      return JSON.parse(`"${s}"`) as string
    } catch {
      // a control character (tab): copied below
    }
  }
  // a flat copy of its own ((' ' + s).slice(1) would be a view into a copy with a leading space)
  return JSON.parse(JSON.stringify(s)) as string
}

/**
 * Copies of `views` (lines cut from a text) that share one new string instead of the text: the lines are
 * joined (one flat copy) and cut again. One copy for a file's kept lines costs a fraction of copying each
 * (own), and keeps no more than they hold. The copy is two-byte when a view is (own() narrows each line).
 */
export function copiesOf(views: readonly string[]): string[] {
  // a join of one string may be that string itself, still a view into the text
  if (views.length < 2) return views.map(own)
  const joined = views.join('\n')
  const out = new Array<string>(views.length)
  let at = 0
  for (let i = 0; i < views.length; i++) {
    out[i] = joined.slice(at, at + views[i].length)
    at += views[i].length + 1
  }
  return out
}

const interned = new Map<string, string>()

/**
 * One shared copy of a short value that repeats across lines and agents ("never", "OK", "6d", "no error"):
 * a 1000-agent capture holds hundreds of thousands of them.
 */
export function intern(s: string): string {
  if (s.length > 24) return s
  const hit = interned.get(s)
  if (hit !== undefined) return hit
  if (interned.size >= 65_536) interned.clear() // bounded: values that never repeat must not accumulate
  const copy = own(s)
  interned.set(copy, copy)
  return copy
}

const sharedLines = new Map<string, string>()

/**
 * One shared copy of a whole line that repeats verbatim across agents: every agent of a cluster programs
 * the same services, so its service list rows are the same text 1000 times. Bounded like intern().
 */
export function internLine(s: string): string {
  const hit = sharedLines.get(s)
  if (hit !== undefined) return hit
  if (sharedLines.size >= 262_144) sharedLines.clear()
  const copy = own(s)
  sharedLines.set(copy, copy)
  return copy
}

/**
 * `value` (a parser's result: plain objects, arrays, strings) with every string that may be a view into the
 * text it was parsed from replaced by a copy of its own. Parsers that read lineViews() call it on what they
 * return, so no kept value holds a whole file alive. `file` (the name every SourceRef repeats, never cut
 * from the text) is left as it is. Run it before sharing values with intern()/internLine(): it would copy them.
 */
export function detach<T>(value: T, file?: string): T {
  if (typeof value === 'string') return (mayBeView(value, file) ? own(value) : value) as T
  if (typeof value === 'object' && value !== null) detachIn(value as Record<string, unknown>, file)
  return value
}

function detachIn(o: Record<string, unknown> | unknown[], file: string | undefined): void {
  if (Array.isArray(o)) {
    for (let i = 0; i < o.length; i++) {
      const v = o[i]
      if (typeof v === 'string') {
        if (mayBeView(v, file)) o[i] = own(v)
      } else if (typeof v === 'object' && v !== null) detachIn(v as Record<string, unknown>, file)
    }
    return
  }
  // for…in, not Object.keys: no key array per object; parse results are plain literals with nothing inherited
  for (const k in o) {
    const v = o[k]
    if (typeof v === 'string') {
      if (mayBeView(v, file)) o[k] = own(v)
    } else if (typeof v === 'object' && v !== null) detachIn(v as Record<string, unknown>, file)
  }
}

/**
 * detach(), with every view copied into one shared string (copiesOf) instead of one copy each: for a parser
 * whose text is one-byte (logs, map lists), where own()'s narrowing of a two-byte line gains nothing.
 */
export function detachJoined<T>(value: T, file?: string): T {
  if (typeof value !== 'object' || value === null) return detach(value, file)
  const holders: Array<Record<string, unknown>> = []
  const keys: string[] = []
  const views: string[] = []
  const walk = (o: Record<string, unknown>) => {
    for (const k in o) {
      const v = o[k]
      if (typeof v === 'string') {
        if (mayBeView(v, file)) {
          holders.push(o)
          keys.push(k)
          views.push(v)
        }
      } else if (typeof v === 'object' && v !== null) walk(v as Record<string, unknown>)
    }
  }
  walk(value as Record<string, unknown>)
  const copies = copiesOf(views)
  for (let i = 0; i < copies.length; i++) holders[i][keys[i]] = copies[i]
  return value
}

/** V8 copies substrings shorter than 13 characters: only longer ones can be views. */
function mayBeView(s: string, file: string | undefined): boolean {
  return s.length >= 13 && s !== file
}

export function src(file: string, line: number, text: string): SourceRef {
  return {file, line, text: text.trim()}
}

/** Parse an integer that may be printed with separators; undefined when it is not a number. */
export function int(s: string | undefined): number | undefined {
  if (s === undefined) return undefined
  const t = s.trim().replace(/,/g, '')
  if (!/^-?\d+$/.test(t)) return undefined
  return Number(t)
}
