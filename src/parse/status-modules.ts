import type {ModuleHealth, SourceRef} from '../snapshot/schema.js'
import {safeInt} from './status-values.js'

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

const CONNECTOR = /[├└]──/
// unanchored searches and lastIndexOf instead of lazy groups: linear on long padding
const LEVEL = /\[(OK|DEGRADED|STOPPED)\]/
const AGE_COUNT = /^\(([^,()]+),\s*x(\d+)\)$/

/** "msg (2m59s, x3)" → message, age, count; the last parenthesis group is the age/count one. */
function ageCount(rest: string): {message: string, age: string, count: number} {
  const t = rest.trimEnd()
  const i = t.lastIndexOf('(')
  const m = i >= 0 ? AGE_COUNT.exec(t.slice(i)) : null
  if (!m) return {message: t.trim(), age: '', count: 0}
  return {message: t.slice(0, i).trim(), age: m[1].trim(), count: safeInt(m[2]) ?? 0}
}

/**
 * The verbose Modules Health tree. Its left margin differs per version: column 0 (1.15),
 * 6 spaces (1.16–1.17), the value column of a tabwriter block that depends on the data
 * (1.18–1.19, root on the "Modules Health:" line itself), 2 spaces (1.20). Depth is therefore
 * measured from the root's column, in steps of 4 ("│   " or "    ").
 */
export class ModulesTreeParser {
  readonly modules: ModuleHealth[] = []
  treeSeen = false
  private rootCol: number | undefined
  private stack: string[] = []

  root(name: string, col: number): void {
    this.rootCol = col
    this.stack = [name.trim()]
    this.treeSeen = true
  }

  line(raw: string, src: SourceRef): boolean {
    const conn = CONNECTOR.exec(raw)
    if (!conn) {
      // a root line: one bare word at the margin, before any connector line
      const t = raw.trim()
      if (this.rootCol === undefined && /^[\w.-]+$/.test(t)) {
        this.root(t, raw.length - raw.trimStart().length)
        return true
      }
      return false
    }
    const at = conn.index
    if (this.rootCol === undefined || this.rootCol > at) {
      // fragment without a root: assume the first tree character sits on the root's column
      this.rootCol = raw.length - raw.trimStart().length
      this.stack = []
    }
    const prefix = raw.slice(this.rootCol, at)
    if (!/^[│ ]*$/.test(prefix)) return false
    this.treeSeen = true
    const depth = Math.round(prefix.length / 4) + 1
    const content = raw.slice(at + conn[0].length).trim()
    this.stack.length = Math.min(this.stack.length, depth)
    const lv = LEVEL.exec(content)
    if (!lv) {
      this.stack[depth] = content
      return true
    }
    const name = content.slice(0, lv.index).trim()
    const ac = ageCount(content.slice(lv.index + lv[0].length))
    const path = [...this.stack.slice(0, depth), name].filter((p) => p !== undefined && p !== '').join('.')
    this.stack[depth] = name
    this.modules.push({
      path,
      name,
      level: lv[1] as ModuleHealth['level'],
      ...ac,
      src,
    })
    return true
  }
}
