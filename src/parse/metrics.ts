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
// a `metrics list` row: name, two or more spaces, optionally labels and two or more spaces, then the value
const LIST_ROW_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*\s\s/
const LIST_VALUE = [/[+-]?\d+\.\d{6}$/y, /\S+ \/ \S+ \/ \S+$/y, /p\d+\(.*\)$/y]
const TERMINATOR = /[\n\r\u2028\u2029]/

/**
 * Whether a line is a `metrics list` row. The value is tried once at each field start after two spaces;
 * the single regex this replaces backtracked cubically on a long run of spaces (a 10 kB line took a minute).
 */
export function isListRow(l: string): boolean {
  const name = LIST_ROW_NAME.exec(l)
  if (!name) return false
  let start = name[0].length
  while (start < l.length && /\s/.test(l[start])) start++
  // labels (a `.*`) cannot span a line terminator; only the spaces around them may hold one
  const term = l.slice(start).search(TERMINATOR)
  const labelsEnd = term < 0 ? l.length : start + term
  for (let i = start; i < l.length; i++) {
    if (/\s/.test(l[i])) continue
    if (i === start || (/\s/.test(l[i - 1]) && /\s/.test(l[i - 2]) && runStart(l, i) <= labelsEnd)) {
      for (const re of LIST_VALUE) {
        re.lastIndex = i
        if (re.test(l)) return true
      }
    }
    if (i > labelsEnd) return false // every later field is past a terminator
  }
  return false
}

/** where the run of whitespace ending before `i` starts */
function runStart(l: string, i: number): number {
  let j = i
  while (j > 0 && /\s/.test(l[j - 1])) j--
  return j
}

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
  const hits = lines.filter((l) => EXPOSITION_SAMPLE.test(l.trim()) || isListRow(l.trim())).length
  // a cut-off capture may end mid-line, so allow one miss
  return hits >= Math.max(1, lines.length - 1)
}
