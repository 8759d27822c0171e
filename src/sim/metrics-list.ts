/*
 * `cilium-dbg metrics list` as the agent prints it, rendered from Prometheus exposition text:
 * the tabular `Metric  Labels  Value` form with quoted labels and %f values. Histogram and
 * summary buckets/quantiles are folded away (the command shows one row per series), so a
 * histogram shows its _sum under the family name, as older agents did.
 */

interface Row {name: string, labels: string, value: string}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+\d+)?$/

function parseLabels(s: string): Array<[string, string]> {
  const out: Array<[string, string]> = []
  const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g
  for (const m of s.matchAll(re)) out.push([m[1], m[2]])
  return out
}

export function renderMetricsList(exposition: string): string {
  const types = new Map<string, string>()
  const rows: Row[] = []
  for (const raw of exposition.split(/\r?\n/)) {
    const line = raw.trim()
    if (line === '') continue
    const t = /^#\s*TYPE\s+(\S+)\s+(\S+)/.exec(line)
    if (t) {
      types.set(t[1], t[2])
      continue
    }
    if (line.startsWith('#')) continue
    const m = SAMPLE.exec(line)
    if (!m) continue
    let name = m[1]
    const labels = parseLabels(m[3] ?? '').filter(([k]) => k !== 'le' && k !== 'quantile')
    const family = name.replace(/_(bucket|sum|count)$/, '')
    const ft = types.get(family)
    if (ft === 'histogram' || ft === 'summary') {
      if (!name.endsWith('_sum')) continue
      name = family
    }
    const v = Number(m[4])
    if (Number.isNaN(v)) continue
    const value = Number.isFinite(v) ? v.toFixed(6) : (v > 0 ? '+Inf' : '-Inf')
    rows.push({name, labels: labels.map(([k, val]) => `${k}="${val}"`).join(' '), value})
  }
  const w1 = Math.max(6, ...rows.map((r) => r.name.length)) + 3
  const w2 = Math.max(6, ...rows.map((r) => r.labels.length)) + 3
  const out = [`${'Metric'.padEnd(w1)}${'Labels'.padEnd(w2)}Value`]
  for (const r of rows) out.push(`${r.name.padEnd(w1)}${r.labels.padEnd(w2)}${r.value}`)
  return out.join('\n') + '\n'
}
