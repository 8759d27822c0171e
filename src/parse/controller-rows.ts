import type {AgentStatus, ControllerRow} from '../snapshot/schema.js'
import {controllerRow} from './status-controllers.js'
import {splitLines, src} from './text.js'

/*
 * Rows of the `cilium-dbg status --verbose` controller table pasted without their "Controller Status:" line
 * or column header ("  sync-to-k8s-ciliumendpoint (1178)   3s ago   never   0   no error"). They become the
 * controllers section of a status, so the failing-controllers rule reads them like any other status.
 */

export function parseControllerRows(text: string, file: string): AgentStatus {
  const rows: ControllerRow[] = []
  let first: ControllerRow | undefined
  splitLines(text).forEach((l, i) => {
    // the rows' own indentation may have been removed with the paste's
    const row = controllerRow(/^\s/.test(l) ? l : ` ${l}`, src(file, i + 1, l))
    if (!row) return
    first ??= row
    rows.push(row)
  })
  if (!first) throw new Error('expected controller rows "NAME  <age> ago|never  <age> ago|never  COUNT  MESSAGE"')
  const failing = rows.filter((r) => r.failureCount > 0)
  return {
    format: 'text', verbose: true, earlyExit: false, unrecognized: [],
    controllers: {healthy: rows.length - failing.length, total: rows.length, src: (failing[0] ?? first).src, rows: failing},
  }
}

/** Most non-empty lines of the head are controller rows. */
export function looksLikeControllerRows(head: string): boolean {
  const lines = head.split('\n', 40).filter((l) => l.trim() !== '')
  if (lines.length === 0) return false
  const hits = lines.filter((l) => controllerRow(` ${l.trimEnd()}`, {file: '', line: 0, text: ''}) !== undefined).length
  return hits >= Math.max(1, Math.ceil(lines.length * 0.6))
}
