import type {ModuleHealth, SourceRef} from '../snapshot/schema.js'
import {safeInt} from './status-values.js'
import {intern, src as mkSrc} from './text.js'

/** "Stopped(a) Degraded(b) OK(c)" (1.16+) or with " Unknown(d)" (1.15). */
export function modulesSummary(value: string): {stopped: number, degraded: number, ok: number, unknown?: number} | undefined {
  const m = /Stopped\((\d+)\)\s*Degraded\((\d+)\)\s*OK\((\d+)\)(?:\s*Unknown\((\d+)\))?/.exec(value)
  if (!m) return undefined
  const out: {stopped: number, degraded: number, ok: number, unknown?: number} = {
    stopped: safeInt(m[1]) ?? 0, degraded: safeInt(m[2]) ?? 0, ok: safeInt(m[3]) ?? 0,
  }
  const unknown = safeInt(m[4])
  if (unknown !== undefined) out.unknown = unknown
  return out
}

const BRANCH = '├──'
const LAST = '└──'
// unanchored searches and lastIndexOf instead of lazy groups: linear on long padding
const TAGS = {OK: '[OK]', DEGRADED: '[DEGRADED]', STOPPED: '[STOPPED]'} as const
type Level = keyof typeof TAGS

/** Where the first "[OK]", "[DEGRADED]" or "[STOPPED]" starts in `s`, or -1: /\[(OK|DEGRADED|STOPPED)\]/'s match, without its array. */
function levelAt(s: string): number {
  for (let i = s.indexOf('['); i >= 0; i = s.indexOf('[', i + 1)) {
    if (s.startsWith(TAGS.OK, i) || s.startsWith(TAGS.DEGRADED, i) || s.startsWith(TAGS.STOPPED, i)) return i
  }
  return -1
}

/** The level whose tag starts at `i` (levelAt's answer): the letter after "[" tells them apart. */
function levelOf(s: string, i: number): Level {
  const c = s[i + 1]
  return c === 'O' ? 'OK' : c === 'D' ? 'DEGRADED' : 'STOPPED'
}
const AGE_COUNT = /^\(([^,()]+),\s*x(\d+)\)$/

/** "msg (2m59s, x3)" → message, age, count; the last parenthesis group is the age/count one. */
function ageCount(rest: string): {message: string, age: string, count: number} {
  const t = rest.trimEnd()
  const i = t.lastIndexOf('(')
  const m = i >= 0 ? AGE_COUNT.exec(t.slice(i)) : null
  if (!m) return {message: intern(t.trim()), age: '', count: 0}
  return {message: intern(t.slice(0, i).trim()), age: intern(m[1].trim()), count: safeInt(m[2]) ?? 0}
}

/** Where the first "├──" or "└──" starts, or -1. */
function connectorAt(raw: string): number {
  const b = raw.indexOf(BRANCH)
  const l = raw.indexOf(LAST)
  return b < 0 ? l : l < 0 ? b : Math.min(b, l)
}

/** Only "│" and spaces in raw[from, to): the tree's indentation. */
function isIndent(raw: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = raw.charCodeAt(i)
    if (c !== 0x20 && c !== 0x2502) return false
  }
  return true
}

/**
 * The verbose Modules Health tree. Its left margin differs per version: column 0 (1.15),
 * 6 spaces (1.16–1.17), the value column of a tabwriter block that depends on the data
 * (1.18–1.19, root on the "Modules Health:" line itself), 2 spaces (1.20). Depth is therefore
 * measured from the root's column, in steps of 4 ("│   " or "    ").
 */
export class ModulesTreeParser {
  /** Non-OK leaves only: a 1000-agent capture holds ~50 OK leaves per agent that no rule reads. */
  readonly modules: ModuleHealth[] = []
  /** Every leaf, by level, for when no summary line was printed (1.16–1.19 verbose). */
  readonly counts = {ok: 0, degraded: 0, stopped: 0}
  /** The first leaf's line, whatever its level: where a summary-less section is quoted from. */
  firstLeaf: SourceRef | undefined
  treeSeen = false
  private rootCol: number | undefined
  private stack: string[] = []
  // dots[d]: the path of stack[0..d-1] followed by ".", or "" when empty; shared by siblings, so a leaf's
  // path is one concatenation instead of a join of its whole ancestry
  private dots: Array<string | undefined> = []

  root(name: string, col: number): void {
    this.rootCol = col
    this.stack = [name.trim()]
    this.dots = []
    this.treeSeen = true
  }

  private set(depth: number, name: string): void {
    this.stack[depth] = name
    if (this.dots.length > depth + 1) this.dots.length = depth + 1
  }

  private prefix(depth: number): string {
    if (depth === 0) return ''
    const known = this.dots[depth]
    if (known !== undefined) return known
    const parent = this.prefix(depth - 1)
    const seg = this.stack[depth - 1]
    const v = seg === undefined || seg === '' ? parent : parent + seg + '.'
    this.dots[depth] = v
    return v
  }

  /** A line of the tree, line `no` of `file`: its SourceRef is made only for the leaves kept. */
  line(raw: string, no: number, file: string): boolean {
    const at = connectorAt(raw)
    if (at < 0) {
      // a root line: one bare word at the margin, before any connector line
      const t = raw.trim()
      if (this.rootCol === undefined && /^[\w.-]+$/.test(t)) {
        this.root(t, raw.length - raw.trimStart().length)
        return true
      }
      return false
    }
    if (this.rootCol === undefined || this.rootCol > at) {
      // fragment without a root: assume the first tree character sits on the root's column
      this.rootCol = raw.length - raw.trimStart().length
      this.stack = []
      this.dots = []
    }
    if (!isIndent(raw, this.rootCol, at)) return false
    this.treeSeen = true
    const depth = Math.round((at - this.rootCol) / 4) + 1
    const content = raw.slice(at + 3).trim()
    if (this.stack.length > depth) {
      this.stack.length = depth
      if (this.dots.length > depth + 1) this.dots.length = depth + 1
    }
    const tag = levelAt(content)
    if (tag < 0) {
      this.set(depth, content)
      return true
    }
    const level = levelOf(content, tag)
    const name = content.slice(0, tag).trim()
    this.firstLeaf ??= mkSrc(file, no, raw)
    if (level === 'OK') {
      this.counts.ok++
      this.set(depth, name)
      return true
    }
    if (level === 'DEGRADED') this.counts.degraded++
    else this.counts.stopped++
    const ac = ageCount(content.slice(tag + TAGS[level].length))
    const prefix = this.prefix(depth)
    const path = name === '' ? prefix.slice(0, -1) : prefix + name
    this.set(depth, name)
    // spelled out rather than spread: a literal with fixed keys keeps its fields inside the object
    this.modules.push({
      path,
      name,
      level,
      message: ac.message,
      age: ac.age,
      count: ac.count,
      src: mkSrc(file, no, raw),
    })
    return true
  }
}
