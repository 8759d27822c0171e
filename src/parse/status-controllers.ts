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
