import type {SourceRef} from '../snapshot/schema.js'

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g
const DEFAULTED = /^Defaulted container "[^"]*" out of: /

/**
 * Split captured output into lines with real-world noise removed, keeping line numbers exact:
 * CRLF, ANSI colour codes and kubectl's "Defaulted container" notice are tolerated.
 * A removed notice becomes an empty line so every later line keeps its number.
 */
export function splitLines(text: string): string[] {
  const clean = text.includes('\x1b') ? text.replace(ANSI, '') : text
  const lines = clean.split(/\r?\n|\r/)
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop()
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]
    // trimEnd, not /\s+$/: the regex is quadratic on long blank runs (tabwriter padding, garbage input)
    lines[i] = l.startsWith('Defaulted container') && DEFAULTED.test(l) ? '' : own(l.trimEnd())
  }
  return lines
}

/**
 * A copy of `s` that does not point into the string it was cut from. V8 keeps substrings as views of
 * their parent, so one retained evidence line would otherwise keep a whole captured file alive.
 */
export function own(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1)
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
