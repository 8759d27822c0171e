import type {Metrics, MetricSample} from '../snapshot/schema.js'
import {get, isRecord, readK8sDoc, str} from './k8s-object.js'
import {parseGoFloat} from './metrics-exposition.js'
import {intern, internLine, splitLines, src} from './text.js'

/*
 * `cilium-dbg metrics list` (FORMAT-NOTES §11; printer pkg/metrics/cmd.go):
 *  - ≤1.16 tabular: `Metric  Labels  Value`, labels `k="v"` in random (Go map) order, value `%f`;
 *  - 1.17+ agent shell: labels `k=v` unquoted, space-joined; counters/gauges `%f`, histograms
 *    `p50 / p90 / p99` as `%.4g` with an SI prefix (and `s` for *_seconds), summaries `p50(x) p90(y)`;
 *  - `-o json`: [{name, labels, value}].
 * Histogram and summary cells become one sample per quantile with a `quantile` label.
 */

const HEADER = /^Metric\s+Labels\s+Value\s*$/
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$|^[+-]?Inf$|^NaN$/
// each starts at a word boundary: tried inside a long word, `\S+` would rescan it from every position (quadratic)
const HISTOGRAM = /(?<!\S)(\S+) \/ (\S+) \/ (\S+)$/
const SUMMARY = /(?<!\S)((?:p\d+\([^)]*\)\s*)+)$/
const QUOTED_LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g
const PREFIX: Record<string, number> = {T: 1e12, G: 1e9, M: 1e6, k: 1e3, '': 1, m: 1e-3, 'µ': 1e-6, u: 1e-6, n: 1e-9, p: 1e-12}

export function parseMetricsListText(text: string, file: string): Metrics {
  const samples: MetricSample[] = []
  const unrecognized: Metrics['unrecognized'] = []
  let quoted = 0
  let shell = 0
  splitLines(text).forEach((raw, i) => {
    const n = i + 1
    const line = raw.trim()
    if (line === '' || HEADER.test(line)) return
    const found = /^[a-zA-Z_:][a-zA-Z0-9_:]*(?=\s|$)/.exec(line)?.[0]
    // one copy of each family name, not a view into this line per sample
    const name = found === undefined ? undefined : internLine(found)
    if (!name) {
      unrecognized.push({line: n, text: raw})
      return
    }
    const rest = line.slice(name.length).trim()
    const at = src(file, n, raw)
    const hist = HISTOGRAM.exec(rest)
    const summ = hist ? null : SUMMARY.exec(rest)
    if (hist || summ) {
      shell++
      const labelText = rest.slice(0, (hist ?? summ)!.index).trim()
      const labels = parseLabels(labelText)
      const quantiles = hist
        ? [['0.5', hist[1]], ['0.9', hist[2]], ['0.99', hist[3]]]
        : [...summ![1].matchAll(/p(\d+)\(([^)]*)\)/g)].map((m) => [String(Number(m[1]) / 100), m[2]])
      const values = quantiles.map(([, v]) => prettyToNumber(v, name))
      if (!labels || values.some((v) => v === undefined || !Number.isFinite(v))) {
        unrecognized.push({line: n, text: raw})
        return
      }
      quantiles.forEach(([q], k) => samples.push({name, labels: {...labels.labels, quantile: q}, value: values[k]!, src: at}))
      return
    }
    const lastSpace = rest.search(/\S+$/)
    const valueText = lastSpace >= 0 ? rest.slice(lastSpace) : ''
    const value = NUMBER.test(valueText) ? parseGoFloat(valueText) : undefined
    const labels = parseLabels(rest.slice(0, Math.max(0, lastSpace)).trim())
    if (value === undefined || !Number.isFinite(value) || !labels) {
      unrecognized.push({line: n, text: raw})
      return
    }
    if (labels.style === 'quoted') quoted++
    if (labels.style === 'shell') shell++
    samples.push({name, labels: labels.labels, value, src: at})
  })
  return {format: shell > quoted ? 'list-shell' : 'list-tabular', samples, unrecognized}
}

function parseLabels(text: string): {labels: Record<string, string>, style: 'quoted' | 'shell' | 'none'} | undefined {
  if (text === '') return {labels: {}, style: 'none'}
  if (/^[a-zA-Z_][a-zA-Z0-9_]*="/.test(text)) {
    const labels: Record<string, string> = {}
    QUOTED_LABEL.lastIndex = 0
    let consumed = ''
    for (const m of text.matchAll(QUOTED_LABEL)) {
      labels[intern(m[1])] = intern(m[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c)))
      consumed += m[0]
    }
    // every non-space character must belong to a pair, or the cell was something else
    if (consumed.replace(/\s/g, '').length !== text.replace(/\s/g, '').length) return undefined
    return {labels, style: 'quoted'}
  }
  // shell form: `k=v k2=v with spaces`; a new pair starts at ` name=`
  const parts = text.split(/\s+(?=[a-zA-Z_][a-zA-Z0-9_]*=)/)
  const labels: Record<string, string> = {}
  for (const p of parts) {
    const eq = p.indexOf('=')
    if (eq <= 0 || !/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(p.slice(0, eq))) return undefined
    labels[intern(p.slice(0, eq))] = intern(p.slice(eq + 1))
  }
  return {labels, style: 'shell'}
}

/** `15ms`, `1.2k`, `3.5µs`, `0s`, `12` (pkg/metrics prettyValue: %.4g + SI prefix + `s` for *_seconds). */
export function prettyToNumber(cell: string, name: string): number | undefined {
  let s = cell
  if (name.endsWith('seconds') && s.endsWith('s')) s = s.slice(0, -1)
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)(T|G|M|k|m|µ|u|n|p)?$/.exec(s)
  if (!m) return undefined
  return Number(m[1]) * PREFIX[m[2] ?? '']
}

export function parseMetricsListJson(text: string, file: string): Metrics | undefined {
  const doc = readK8sDoc(text)
  if (!doc || !Array.isArray(doc.value)) return undefined
  const out: Metrics = {format: 'json', samples: [], unrecognized: []}
  doc.value.forEach((m, i) => {
    const line = doc.lineOf([i, 'name']) || doc.lineOf([i])
    const lineText = doc.lineText(line)
    const name = str(get(m, 'name'))
    const value = get(m, 'value')
    const labelsRaw = get(m, 'labels')
    if (!name || typeof value !== 'number' || !Number.isFinite(value)) {
      out.unrecognized.push({line, text: lineText})
      return
    }
    const labels: Record<string, string> = {}
    if (isRecord(labelsRaw)) for (const [k, v] of Object.entries(labelsRaw)) labels[intern(k)] = intern(str(v) ?? '')
    out.samples.push({name, labels, value, src: src(file, line, lineText)})
  })
  return out
}
