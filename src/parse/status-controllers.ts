import type {ControllerRow, SourceRef} from '../snapshot/schema.js'
import {safeInt} from './status-values.js'
import {intern} from './text.js'

const HEADER = /^\s*Name\s+Last success\s+Last error\s+Count\s+Message\s*$/
// Names hold spaces, parentheses and slashes ("sync-to-k8s-ciliumendpoint (1178)",
// "resolve-labels-kube-system/coredns-…") but never the "<age> ago|never  <age> ago|never  <int>"
// triple, so the first such triple ends the name. Searched unanchored (linear time) rather than
// with a lazy name group, which backtracks quadratically on long blank runs.
const TRIPLE = /\s(\S+ ago|never)\s+(\S+ ago|never)\s+(\d+)(?=\s|$)/

/** "Controller Status:   35/35 healthy" → {healthy: 35, total: 35}. */
export function controllerHeader(value: string): {healthy: number, total: number} | undefined {
  const m = /^(\d+)\/(\d+)\s+healthy/.exec(value.trim())
  const healthy = safeInt(m?.[1])
  const total = safeInt(m?.[2])
  return healthy === undefined || total === undefined ? undefined : {healthy, total}
}

export function isControllerTableHeader(raw: string): boolean {
  return HEADER.test(raw)
}

// TRIPLE without the groups a dropped row does not need: the same first match, and only the count copied out
const TRIPLE_COUNT = /\s(?:\S+ ago|never)\s+(?:\S+ ago|never)\s+(\d+)(?=\s|$)/

/**
 * The failure count of a controller row, or undefined when the line is not one (controllerRow's answer):
 * what a status reads of its healthy rows, without building the row (186 rows an agent, all dropped).
 */
export function controllerFailures(raw: string): number | undefined {
  if (!/^\s/.test(raw)) return undefined
  const m = TRIPLE_COUNT.exec(raw)
  if (!m) return undefined
  // the name before the triple must not be blank (what trim() would leave of it)
  let named = false
  for (let i = 0; i < m.index && !named; i++) named = !isSpace(raw.charCodeAt(i), raw[i])
  return named ? safeInt(m[1]) ?? 0 : undefined
}

/** What \s matches (and trim() removes): the ASCII ones by code, the rest by the regex. */
function isSpace(code: number, ch: string): boolean {
  if (code < 0x80) return code === 0x20 || (code >= 0x09 && code <= 0x0d)
  return /\s/.test(ch)
}

/** One row of the controller table; undefined when the line is not a row. */
export function controllerRow(raw: string, src: SourceRef): ControllerRow | undefined {
  if (!/^\s/.test(raw)) return undefined
  const m = TRIPLE.exec(raw)
  const name = m ? raw.slice(0, m.index).trim() : ''
  if (!m || !name) return undefined
  const failureCount = safeInt(m[3]) ?? 0
  // every caller keeps failing rows only: a healthy row's values are read once and dropped, not worth a shared copy
  const share = failureCount > 0 ? intern : (v: string) => v
  return {
    name,
    lastSuccess: share(m[1]),
    lastError: share(m[2]),
    failureCount,
    message: share(raw.slice(m.index + m[0].length).trim()),
    src,
  }
}
