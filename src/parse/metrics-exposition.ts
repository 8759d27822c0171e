import type {Metrics} from '../snapshot/schema.js'
import {copiesOf, intern, internLine, lineViews, own, src} from './text.js'

/*
 * Prometheus text exposition (the agent's :9962/metrics): `# HELP`/`# TYPE` comments, then
 * `name{label="value",...} value [timestamp]`. Label values use \\, \" and \n escapes.
 * NaN and ±Inf values cannot live in the JSON snapshot (zod numbers are finite), so those
 * samples go to `unrecognized` rather than being silently rounded.
 */

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/

export function parseExposition(text: string, file: string): Metrics {
  const out: Metrics = {format: 'exposition', samples: [], unrecognized: []}
  // views into the text: only the lines kept are copied, in one piece (a third of an exposition is comments)
  const lines = lineViews(text)
  const kept: string[] = []
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]
    const n = i + 1
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    const s = parseSampleLine(line)
    if (!s || !Number.isFinite(s.value)) {
      out.unrecognized.push({line: n, text: own(raw)})
      continue
    }
    out.samples.push({name: s.name, labels: s.labels, value: s.value, src: src(file, n, line)})
    kept.push(line)
  }
  const copies = copiesOf(kept)
  for (let i = 0; i < copies.length; i++) out.samples[i].src.text = copies[i]
  return out
}

export function parseSampleLine(line: string): {name: string, labels: Record<string, string>, value: number} | undefined {
  const nm = NAME.exec(line)
  if (!nm) return undefined
  let pos = nm[0].length
  let labels: Record<string, string> = {}
  if (line[pos] === '{') {
    const parsed = parseLabelBlock(line, pos + 1)
    if (!parsed) return undefined
    labels = parsed.labels
    pos = parsed.end
  }
  const rest = line.slice(pos).trim().split(/\s+/)
  if (rest.length < 1 || rest.length > 2 || rest[0] === '') return undefined
  const value = parseGoFloat(rest[0])
  if (value === undefined) return undefined
  return {name: shared(nm[0]), labels, value}
}

/**
 * One copy of a name or label value for all agents. Never a view into the line: the lines are views into
 * the whole exposition, which a kept view would hold alive.
 */
function shared(s: string): string {
  return s.length > 24 ? internLine(s) : intern(s)
}

const LABEL_NAME = /[a-zA-Z_][a-zA-Z0-9_]*/y

/**
 * Labels from just after `{` to the matching `}`; returns the index after `}`. Names and values are
 * interned: a 1000-agent capture repeats the same few hundred of them on every agent.
 */
function parseLabelBlock(line: string, start: number): {labels: Record<string, string>, end: number} | undefined {
  const labels: Record<string, string> = {}
  let pos = start
  for (;;) {
    while (line[pos] === ' ' || line[pos] === ',') pos++
    if (line[pos] === '}') return {labels, end: pos + 1}
    LABEL_NAME.lastIndex = pos
    const key = LABEL_NAME.exec(line)
    if (!key) return undefined
    pos = LABEL_NAME.lastIndex
    while (line[pos] === ' ') pos++
    if (line[pos] !== '=' || line[pos + 1] !== '"') return undefined
    pos += 2
    // the closing quote is the first one not escaped; the value is one slice, unescaped only when needed
    let end = pos
    let escaped = false
    while (end < line.length && line.charCodeAt(end) !== 0x22) {
      if (line.charCodeAt(end) === 0x5c) {
        escaped = true
        end += 2
      } else end++
    }
    if (end >= line.length) return undefined
    const raw = line.slice(pos, end)
    const value = escaped ? raw.replace(/\\([\s\S])/g, (_, c: string) => (c === 'n' ? '\n' : c)) : raw
    pos = end + 1
    labels[shared(key[0])] = shared(value)
  }
}

/** Go's float text forms: decimals, exponents, +Inf/-Inf/NaN (these come back as non-finite). */
export function parseGoFloat(s: string): number | undefined {
  if (/^[+-]?Inf$/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity
  if (/^NaN$/i.test(s)) return NaN
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return undefined
  return Number(s)
}
