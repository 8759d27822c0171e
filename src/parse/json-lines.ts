/*
 * JSON.parse with line numbers: a small recursive-descent reader that returns the value and,
 * for every object and array in it, the 1-based line of each key / item. kubectl's JSON for a
 * few thousand nodes or pods runs to tens of MB, where the YAML parser's CST is far too slow.
 * Throws SyntaxError on invalid JSON (the caller catches), like JSON.parse.
 */

export interface JsonWithLines {
  value: unknown
  /** 1-based line of the key (or array item) at `path`; 0 when absent. */
  lineOf(path: (string | number)[]): number
}

export function parseJsonWithLines(text: string): JsonWithLines {
  const reader = new JsonLineReader(text)
  const root = reader.value()
  reader.ws()
  if (reader.pos < text.length) reader.fail('trailing characters')
  const keyLines = reader.keyLines
  return {
    value: root,
    lineOf(path) {
      let cur: unknown = root
      let at = 0
      for (const seg of path) {
        if (typeof cur !== 'object' || cur === null) return 0
        const lines = keyLines.get(cur)
        if (Array.isArray(cur) && typeof seg === 'number' && Array.isArray(lines)) {
          if (seg < 0 || seg >= cur.length) return 0
          at = lines[seg]
          cur = cur[seg]
        } else if (!Array.isArray(cur) && lines instanceof Map && lines.has(String(seg))) {
          at = lines.get(String(seg))!
          cur = (cur as Record<string, unknown>)[String(seg)]
        } else {
          return 0
        }
      }
      return at
    },
  }
}

const NUM = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y

/** Recursive descent over one document, counting lines as it goes. */
class JsonLineReader {
  // a Map, not a WeakMap: the lines live exactly as long as the document, and ephemerons are costly to GC
  readonly keyLines = new Map<object, Map<string, number> | number[]>()
  pos = 0
  line = 1

  constructor(private readonly text: string) {}

  fail(what: string): never {
    throw new SyntaxError(`${what} at line ${this.line}`)
  }

  ws(): void {
    const {text} = this
    while (this.pos < text.length) {
      const c = text.charCodeAt(this.pos)
      if (c === 10) this.line++
      else if (c !== 32 && c !== 9 && c !== 13) break
      this.pos++
    }
  }

  value(): unknown {
    this.ws()
    const {text} = this
    const c = text.charCodeAt(this.pos)
    if (c === 123) return this.object()
    if (c === 91) return this.array()
    if (c === 34) return this.str()
    if (text.startsWith('true', this.pos)) return (this.pos += 4), true
    if (text.startsWith('false', this.pos)) return (this.pos += 5), false
    if (text.startsWith('null', this.pos)) return (this.pos += 4), null
    NUM.lastIndex = this.pos
    const m = NUM.exec(text)
    if (!m || m[0] === '' || m[0] === '-') this.fail('unexpected character')
    this.pos += m[0].length
    return Number(m[0])
  }

  private str(): string {
    const {text} = this
    const start = ++this.pos
    let end = text.indexOf('"', start)
    let escaped = false
    // a backslash before the closing quote may escape it: walk only those strings
    if (end >= 0 && text.slice(start, end).indexOf('\\') >= 0) {
      escaped = true
      let pos = start
      while (pos < text.length) {
        const c = text.charCodeAt(pos)
        if (c === 34) break
        pos += c === 92 ? 2 : 1
      }
      end = pos < text.length ? pos : -1
    }
    if (end < 0) this.fail('unterminated string')
    const raw = text.slice(start, end)
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f]/.test(raw)) this.fail('control character in string')
    this.pos = end + 1
    return escaped ? (JSON.parse(`"${raw}"`) as string) : raw
  }

  private object(): Record<string, unknown> {
    const {text} = this
    this.pos++
    const obj: Record<string, unknown> = {}
    const lines = new Map<string, number>()
    this.keyLines.set(obj, lines)
    this.ws()
    if (text.charCodeAt(this.pos) === 125) {
      this.pos++
      return obj
    }
    for (;;) {
      this.ws()
      if (text.charCodeAt(this.pos) !== 34) this.fail('expected key')
      const keyLine = this.line
      const key = this.str()
      this.ws()
      if (text.charCodeAt(this.pos++) !== 58) this.fail('expected ":"')
      const v = this.value()
      // later duplicates win, as with JSON.parse; defineProperty keeps "__proto__" a plain key
      if (key === '__proto__') Object.defineProperty(obj, key, {value: v, enumerable: true, writable: true, configurable: true})
      else obj[key] = v
      lines.set(key, keyLine)
      this.ws()
      const sep = text.charCodeAt(this.pos++)
      if (sep === 125) return obj
      if (sep !== 44) this.fail('expected "," or "}"')
    }
  }

  private array(): unknown[] {
    const {text} = this
    this.pos++
    const arr: unknown[] = []
    const lines: number[] = []
    this.keyLines.set(arr, lines)
    this.ws()
    if (text.charCodeAt(this.pos) === 93) {
      this.pos++
      return arr
    }
    for (;;) {
      this.ws()
      lines.push(this.line)
      arr.push(this.value())
      this.ws()
      const sep = text.charCodeAt(this.pos++)
      if (sep === 93) return arr
      if (sep !== 44) this.fail('expected "," or "]"')
    }
  }
}
