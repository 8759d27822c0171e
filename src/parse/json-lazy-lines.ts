/*
 * Line numbers in a large JSON text, found only when asked. The value comes from the native JSON.parse
 * (a 32 MB NodeList in a fraction of a second); a line is found by walking the text down the asked path,
 * skipping every value beside it. Each container walked is indexed once (its keys or item offsets), so
 * asking for the name of every item of a 5000-item list walks the list once, not 5000 times.
 * The answers are those of parseJsonWithLines (json-lines.ts): the line of a key, or of an item's first character.
 */

interface Entry {keyAt: number, valueAt: number}

export class LazyJsonLines {
  private newlines: number[] | undefined
  private readonly objects = new Map<number, Map<string, Entry>>()
  private readonly arrays = new Map<number, number[]>()

  constructor(private readonly text: string) {}

  /** 1-based line of the key (or array item) at `path`; 0 when absent. */
  lineOf(path: Array<string | number>): number {
    let at = this.ws(0)
    let line = 0
    for (const seg of path) {
      const c = this.text.charCodeAt(at)
      if (c === 123 && typeof seg === 'string') {
        const e = this.objectIndex(at).get(seg)
        if (!e) return 0
        line = this.lineAt(e.keyAt)
        at = e.valueAt
      } else if (c === 91 && typeof seg === 'number') {
        const items = this.arrayIndex(at)
        if (seg < 0 || seg >= items.length) return 0
        line = this.lineAt(items[seg])
        at = items[seg]
      } else {
        return 0
      }
    }
    return line
  }

  /** The text of a 1-based line, without its line ending ('' when out of range). */
  lineText(line: number): string {
    const nl = this.lines()
    if (line < 1 || line > nl.length + 1) return ''
    const start = line === 1 ? 0 : nl[line - 2] + 1
    const end = line <= nl.length ? nl[line - 1] : this.text.length
    return this.text.slice(start, end).replace(/\r$/, '')
  }

  private lines(): number[] {
    if (this.newlines) return this.newlines
    const nl: number[] = []
    for (let i = this.text.indexOf('\n'); i >= 0; i = this.text.indexOf('\n', i + 1)) nl.push(i)
    return (this.newlines = nl)
  }

  private lineAt(offset: number): number {
    const nl = this.lines()
    let lo = 0
    let hi = nl.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (nl[mid] < offset) lo = mid + 1
      else hi = mid
    }
    return lo + 1
  }

  private ws(at: number): number {
    const t = this.text
    for (;;) {
      const c = t.charCodeAt(at)
      if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return at
      at++
    }
  }

  /** offset after the string starting at `at` (a '"') */
  private stringEnd(at: number): number {
    const t = this.text
    for (let i = at + 1; i < t.length;) {
      const q = t.indexOf('"', i)
      if (q < 0) return t.length
      let bs = 0
      while (t.charCodeAt(q - 1 - bs) === 92) bs++
      if (bs % 2 === 0) return q + 1
      i = q + 1
    }
    return t.length
  }

  /** offset after the value starting at `at` */
  private valueEnd(at: number): number {
    const t = this.text
    const c = t.charCodeAt(at)
    if (c === 34) return this.stringEnd(at)
    if (c !== 123 && c !== 91) {
      let i = at
      for (; i < t.length; i++) {
        const d = t.charCodeAt(i)
        if (d === 44 || d === 125 || d === 93 || d === 32 || d === 10 || d === 13 || d === 9) break
      }
      return i
    }
    let depth = 0
    for (let i = at; i < t.length; i++) {
      const d = t.charCodeAt(i)
      if (d === 34) i = this.stringEnd(i) - 1
      else if (d === 123 || d === 91) depth++
      else if ((d === 125 || d === 93) && --depth === 0) return i + 1
    }
    return t.length
  }

  private objectIndex(at: number): Map<string, Entry> {
    const known = this.objects.get(at)
    if (known) return known
    const t = this.text
    const keys = new Map<string, Entry>()
    let i = this.ws(at + 1)
    while (t.charCodeAt(i) === 34) {
      const end = this.stringEnd(i)
      const raw = t.slice(i + 1, end - 1)
      const key = raw.includes('\\') ? JSON.parse(`"${raw}"`) as string : raw
      const valueAt = this.ws(this.ws(end) + 1) // past the ':'
      keys.set(key, {keyAt: i, valueAt}) // a later duplicate wins, as in JSON.parse
      i = this.ws(this.valueEnd(valueAt))
      if (t.charCodeAt(i) !== 44) break
      i = this.ws(i + 1)
    }
    this.objects.set(at, keys)
    return keys
  }

  private arrayIndex(at: number): number[] {
    const known = this.arrays.get(at)
    if (known) return known
    const t = this.text
    const items: number[] = []
    let i = this.ws(at + 1)
    if (t.charCodeAt(i) !== 93) {
      for (;;) {
        items.push(i)
        i = this.ws(this.valueEnd(i))
        if (t.charCodeAt(i) !== 44) break
        i = this.ws(i + 1)
      }
    }
    this.arrays.set(at, items)
    return items
  }
}
