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
  // a Map, not a WeakMap: the lines live exactly as long as the document, and ephemerons are costly to GC
  const keyLines = new Map<object, Map<string, number> | number[]>()
  let pos = 0
  let line = 1
  const n = text.length

  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at line ${line}`)
  }
  const ws = () => {
    while (pos < n) {
      const c = text.charCodeAt(pos)
      if (c === 10) line++
      else if (c !== 32 && c !== 9 && c !== 13) break
      pos++
    }
  }
  const str = (): string => {
    const start = ++pos
    let end = text.indexOf('"', start)
    let escaped = false
    // a backslash before the closing quote may escape it: walk only those strings
    if (end >= 0 && text.slice(start, end).indexOf('\\') >= 0) {
      escaped = true
      pos = start
      while (pos < n) {
        const c = text.charCodeAt(pos)
        if (c === 34) break
        pos += c === 92 ? 2 : 1
      }
      end = pos < n ? pos : -1
    }
    if (end < 0) fail('unterminated string')
    const raw = text.slice(start, end)
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f]/.test(raw)) fail('control character in string')
    pos = end + 1
    return escaped ? (JSON.parse(`"${raw}"`) as string) : raw
  }
  const NUM = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y
  const value = (): unknown => {
    ws()
    const c = text.charCodeAt(pos)
    if (c === 123) {
      pos++
      const obj: Record<string, unknown> = {}
      const lines = new Map<string, number>()
      keyLines.set(obj, lines)
      ws()
      if (text.charCodeAt(pos) === 125) {
        pos++
        return obj
      }
      for (;;) {
        ws()
        if (text.charCodeAt(pos) !== 34) fail('expected key')
        const keyLine = line
        const key = str()
        ws()
        if (text.charCodeAt(pos++) !== 58) fail('expected ":"')
        const v = value()
        // later duplicates win, as with JSON.parse; defineProperty keeps "__proto__" a plain key
        if (key === '__proto__') Object.defineProperty(obj, key, {value: v, enumerable: true, writable: true, configurable: true})
        else obj[key] = v
        lines.set(key, keyLine)
        ws()
        const sep = text.charCodeAt(pos++)
        if (sep === 125) return obj
        if (sep !== 44) fail('expected "," or "}"')
      }
    }
    if (c === 91) {
      pos++
      const arr: unknown[] = []
      const lines: number[] = []
      keyLines.set(arr, lines)
      ws()
      if (text.charCodeAt(pos) === 93) {
        pos++
        return arr
      }
      for (;;) {
        ws()
        lines.push(line)
        arr.push(value())
        ws()
        const sep = text.charCodeAt(pos++)
        if (sep === 93) return arr
        if (sep !== 44) fail('expected "," or "]"')
      }
    }
    if (c === 34) return str()
    if (text.startsWith('true', pos)) return (pos += 4), true
    if (text.startsWith('false', pos)) return (pos += 5), false
    if (text.startsWith('null', pos)) return (pos += 4), null
    NUM.lastIndex = pos
    const m = NUM.exec(text)
    if (!m || m[0] === '' || m[0] === '-') fail('unexpected character')
    pos += m![0].length
    return Number(m![0])
  }

  const root = value()
  ws()
  if (pos < n) fail('trailing characters')

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
