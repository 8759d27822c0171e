import type {ControllerRow, SourceRef} from '../snapshot/schema.js'
import {safeInt} from './status-values.js'

const HEADER = /^\s*Name\s+Last success\s+Last error\s+Count\s+Message\s*$/
// Parsed from the right of the name: names hold spaces, parentheses and slashes
// ("sync-to-k8s-ciliumendpoint (1178)", "resolve-labels-kube-system/coredns-…"), but never the
// "<age> ago|never  <age> ago|never  <int>" triple, so the first such triple ends the name.
const ROW = /^\s+(\S.*?)\s+(\S+ ago|never)\s+(\S+ ago|never)\s+(\d+)(?:\s+(.*?))?\s*$/

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
  const m = ROW.exec(raw)
  if (!m) return undefined
  return {
    name: m[1],
    lastSuccess: m[2],
    lastError: m[3],
    failureCount: safeInt(m[4]) ?? 0,
    message: (m[5] ?? '').trim(),
    src,
  }
}
