import type {Metrics} from '../snapshot/schema.js'
import {parseExposition} from './metrics-exposition.js'
import {parseMetricsListJson, parseMetricsListText} from './metrics-list.js'
import {headLines} from './text.js'

/*
 * Any of the agent's metric outputs: raw exposition, `metrics list` (old tabular or new shell
 * table) and `metrics list -o json`. The form is decided from content, never from the file name.
 */

const EXPOSITION_COMMENT = /^# (HELP|TYPE) [a-zA-Z_:]/m
const EXPOSITION_SAMPLE = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})?\s+([+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|NaN|[+-]Inf)(\s+-?\d+)?$/
const LIST_HEADER = /^Metric\s+Labels\s+Value\s*$/m
const LIST_ROW = /^[a-zA-Z_:][a-zA-Z0-9_:]*\s{2,}(?:.*\s{2,})?(?:[+-]?\d+\.\d{6}|\S+ \/ \S+ \/ \S+|p\d+\(.*\))$/

export function parseMetrics(text: string, file: string): Metrics {
  if (/^\s*\[/.test(text)) {
    const json = parseMetricsListJson(text, file)
    if (json) return json
  }
  return isExposition(text) ? parseExposition(text, file) : parseMetricsListText(text, file)
}

function isExposition(text: string): boolean {
  const head = text.slice(0, 8192)
  if (EXPOSITION_COMMENT.test(head)) return true
  if (LIST_HEADER.test(head)) return false
  const lines = headLines(head).slice(0, 20)
  // a grep'd exposition keeps `{` right after the name; list rows separate name and labels by spaces
  return lines.filter((l) => EXPOSITION_SAMPLE.test(l.trim())).length > lines.length / 2
}

export function looksLikeMetrics(text: string): boolean {
  const head = text.slice(0, 8192)
  if (/^\s*\[/.test(head)) return /"name"\s*:/.test(head) && /"value"\s*:/.test(head) && /"labels"\s*:/.test(head)
  if (EXPOSITION_COMMENT.test(head) || LIST_HEADER.test(head)) return true
  const lines = headLines(head).slice(0, 20)
  if (lines.length === 0) return false
  const hits = lines.filter((l) => EXPOSITION_SAMPLE.test(l.trim()) || LIST_ROW.test(l.trim())).length
  // a cut-off capture may end mid-line, so allow one miss
  return hits >= Math.max(1, lines.length - 1)
}
