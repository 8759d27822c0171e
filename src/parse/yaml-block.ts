/*
 * A fast reader for the YAML kubectl writes (-o yaml: block mappings and sequences, one-line plain or quoted
 * scalars), line by line, with the line of every key and item. The `yaml` library reads a 5000-node
 * NodeList (17 MB) in about 10 s through its CST; this reads it in well under one. Anything outside that
 * subset (flow collections, anchors and aliases, tags, block or multi-line scalars, comments, duplicate keys,
 * tabs) makes it give up (undefined), and the caller reads the text with the `yaml` library as before, which
 * also names the bad line of a broken document. Plain scalars resolve as the library's YAML 1.2 core schema.
 */

export interface BlockYaml {
  value: unknown
  lineOf(path: Array<string | number>): number
}

class Unsupported extends Error {}

const INDICATOR = /^[[\]{}#&*!|>%@`,?]/
const QUOTED_KEY = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'):(?: |$)/

/** 1.2 core schema, as the `yaml` library resolves a plain scalar. */
export function plainScalar(s: string): unknown {
  if (/^(?:~|[Nn]ull|NULL)?$/.test(s)) return null
  if (/^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/.test(s)) return s[0] === 't' || s[0] === 'T'
  if (/^[-+]?[0-9]+$/.test(s)) return parseInt(s, 10)
  if (/^0o[0-7]+$/.test(s)) return parseInt(s.substring(2), 8)
  if (/^0x[0-9a-fA-F]+$/.test(s)) return parseInt(s.substring(2), 16)
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(s) || /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(s)) return parseFloat(s)
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(s)) return s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? -Infinity : Infinity
  return s
}

function quoted(s: string): string {
  if (s[0] === "'") {
    const inner = s.slice(1, -1)
    if (/'(?!')/.test(inner.replace(/''/g, ''))) throw new Unsupported()
    return inner.replace(/''/g, "'")
  }
  // JSON's escapes are a subset of YAML's double-quoted ones; anything else (\x, \e, a raw tab) goes to the library
  try {
    return JSON.parse(s) as string
  } catch {
    throw new Unsupported()
  }
}

/** A scalar written on one line after `key: ` or `- `. */
function scalar(s: string): unknown {
  if (s === '[]') return []
  if (s === '{}') return {}
  if (s[0] === '"' || s[0] === "'") {
    if (s.length < 2 || s[s.length - 1] !== s[0]) throw new Unsupported()
    return quoted(s)
  }
  if (INDICATOR.test(s) || /^-(?: |$)/.test(s) || /^:(?: |$)/.test(s) || s.includes(' #') || s.includes(': ') || s.endsWith(':') || s.includes('\t')) throw new Unsupported()
  return plainScalar(s)
}

class Reader {
  private i = 0
  /** column where the current line's content starts (after "- " of a sequence item holding a mapping) */
  private col = -1
  readonly lines = new Map<object, Map<string, number> | number[]>()

  constructor(private readonly src: string[], private readonly skip: ReadonlySet<string>) {}

  /** indentation of line i (spaces), or -1 for a blank line; tabs are unsupported */
  private indent(i: number): number {
    const l = this.src[i]
    let n = 0
    while (l.charCodeAt(n) === 32) n++
    if (n === l.length) return -1
    if (l.charCodeAt(n) === 9) throw new Unsupported()
    return n
  }

  /** the next non-blank line at or after i, and its indentation (the content column on the current line) */
  private next(): number {
    while (this.i < this.src.length) {
      const n = this.col >= 0 ? this.col : this.indent(this.i)
      if (n >= 0) return n
      this.i++
    }
    return -1
  }

  document(): unknown {
    const n = this.next()
    if (n < 0) return null
    const l = this.src[this.i]
    if (n > 0 || /^(?:---|\.\.\.|%|\ufeff)/.test(l)) throw new Unsupported()
    const v = this.block(0)
    if (this.next() >= 0) throw new Unsupported()
    return v
  }

  private block(n: number): unknown {
    const l = this.src[this.i].slice(n)
    return l === '-' || l.startsWith('- ') ? this.sequence(n) : this.mapping(n)
  }

  private sequence(n: number): unknown[] {
    const out: unknown[] = []
    const lines: number[] = []
    this.lines.set(out, lines)
    while (this.next() === n) {
      const l = this.src[this.i].slice(n)
      if (!l.startsWith('- ')) break
      lines.push(this.i + 1)
      const rest = l.slice(2).trimEnd()
      this.col = -1
      // an item's value on the lines below ("-" alone) starts there, which the library counts as its line
      if (rest === '') throw new Unsupported()
      if (rest.startsWith('- ') || rest === '-') {
        throw new Unsupported() // a sequence in a sequence item on one line
      } else if (QUOTED_KEY.test(rest) || /^[^"'#[{&*!|>%@`,?-][^#]*?:(?: |$)/.test(rest) || /^-[^ ][^#]*?:(?: |$)/.test(rest)) {
        this.col = n + 2 // a mapping whose first key is on the item's line
        out.push(this.mapping(n + 2))
      } else {
        out.push(scalar(rest))
        this.i++
      }
    }
    this.col = -1
    if (out.length === 0) throw new Unsupported()
    return out
  }

  /** the value of a key with nothing after it: a deeper block, a sequence at the key's column, or null */
  private childOf(n: number): unknown {
    const m = this.next()
    if (m > n) return this.block(m)
    if (m === n) {
      const l = this.src[this.i].slice(n)
      if (l === '-' || l.startsWith('- ')) return this.sequence(n)
    }
    return null
  }

  /** skip a key's value lines (deeper, or a sequence at the key's column) without building it */
  private skipValue(n: number): void {
    for (;;) {
      const m = this.next()
      if (m < 0 || m < n) return
      const l = this.src[this.i]
      if (m === n && !(l.startsWith('- ', n) || l.length === n + 1 && l[n] === '-')) return
      this.i++
    }
  }

  private mapping(n: number): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    const lines = new Map<string, number>()
    const seen = new Set<string>()
    this.lines.set(out, lines)
    for (let m = this.next(); m >= 0 && m >= n; m = this.next()) {
      if (m > n) throw new Unsupported() // a continuation line (multi-line scalar) or bad indentation
      const l = this.src[this.i].slice(n)
      if (l === '-' || l.startsWith('- ')) break // the sequence at the parent key's column
      const {key, rest} = keyOf(l)
      if (key === '<<' || key === '__proto__' || seen.has(key)) throw new Unsupported() // duplicates: the library names the line
      seen.add(key)
      const line = this.i + 1
      this.col = -1
      this.i++
      if (this.skip.has(key)) {
        if (rest !== '') throw new Unsupported()
        this.skipValue(n)
        continue
      }
      lines.set(key, line)
      out[key] = rest === '' ? this.childOf(n) : scalar(rest)
    }
    return out
  }
}

function keyOf(l: string): {key: string, rest: string} {
  const q = QUOTED_KEY.exec(l)
  if (q) return {key: quoted(q[1]), rest: l.slice(q[0].length).trim()}
  if (INDICATOR.test(l) || l[0] === '"' || l[0] === "'") throw new Unsupported()
  const colon = /:(?: |$)/.exec(l)
  if (!colon) throw new Unsupported()
  const raw = l.slice(0, colon.index)
  if (raw !== raw.trimEnd() || raw.includes(' #') || raw === '') throw new Unsupported()
  const k = plainScalar(raw)
  return {key: k === null ? '' : String(k), rest: l.slice(colon.index + 1).trim()}
}

/**
 * The document, or undefined when it is not in the subset. `skip`: keys whose values are not read at all
 * (a Node's image list is most of its bytes and none of its evidence); they are absent from the value.
 */
export function readBlockYaml(lines: string[], skip: ReadonlySet<string> = new Set()): BlockYaml | undefined {
  const r = new Reader(lines, skip)
  let value: unknown
  try {
    value = r.document()
  } catch (error) {
    // nesting deeper than the stack: the library reports it as it always did
    if (error instanceof Unsupported || error instanceof RangeError) return undefined
    throw error
  }
  const keyLines = r.lines
  return {
    value,
    lineOf(path) {
      let cur: unknown = value
      let at = 0
      for (const seg of path) {
        if (typeof cur !== 'object' || cur === null) return 0
        const ls = keyLines.get(cur)
        if (Array.isArray(cur) && Array.isArray(ls) && typeof seg === 'number') {
          if (seg < 0 || seg >= cur.length) return 0
          at = ls[seg]
          cur = cur[seg]
        } else if (ls instanceof Map && ls.has(String(seg))) {
          at = ls.get(String(seg))!
          cur = (cur as Record<string, unknown>)[String(seg)]
        } else {
          return 0
        }
      }
      return at
    },
  }
}
