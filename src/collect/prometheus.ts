import type {CollectionError, Snapshot, SourceRef, Trend} from '../snapshot/schema.js'
import type {PromClient, Series} from './prometheus-client.js'
import {QueryFailure, createClient} from './prometheus-client.js'
import type {FamilyQuery} from './prometheus-queries.js'
import {FAMILIES, exactRegex, familyQuery, rangeStepSeconds, sampleQuery} from './prometheus-queries.js'
import {forecastText, formatNumber, slopePerHour, withoutResets} from './prometheus-trends.js'
import type {PrometheusOptions} from './types.js'
import {metricValueProblem} from '../parse/value-range.js'

/*
 * Metrics evidence from Prometheus: a probe that also lists which Cilium families exist, one
 * aggregated instant query per family, then one range query per trended family for its hottest
 * series. Never throws: an unreachable, refusing, hanging or non-Prometheus server becomes one
 * error line, and the rules that need metrics report "not evaluated".
 */

export type PrometheusEvidence = NonNullable<Snapshot['prometheus']>

const CONCURRENCY = 4

function seriesText(name: string, labels: Record<string, string>): string {
  const keys = Object.keys(labels).sort()
  return keys.length === 0 ? name : `${name}{${keys.map((k) => `${k}=${JSON.stringify(labels[k])}`).join(',')}}`
}

/** Agent labels under the names the rules read: pod and node (old annotation configs say kubernetes_*). */
function normalize(labels: Record<string, string>): Record<string, string> {
  if (labels.kubernetes_pod_name === undefined && labels.kubernetes_node === undefined) return labels
  const out = {...labels}
  if (out.kubernetes_pod_name !== undefined) {
    out.pod ??= out.kubernetes_pod_name
    delete out.kubernetes_pod_name
  }
  if (out.kubernetes_node !== undefined) {
    out.node ??= out.kubernetes_node
    delete out.kubernetes_node
  }
  return out
}

/** Which raw label names the agent of a series, and its value. */
function agentOf(raw: Record<string, string>): {label: string, value: string} | undefined {
  for (const label of ['pod', 'kubernetes_pod_name', 'instance']) if (raw[label]) return {label, value: raw[label]}
  return undefined
}

function ownKey(f: FamilyQuery, labels: Record<string, string>): string {
  return f.by.map((k) => labels[k] ?? '').join('\u0000')
}

async function pool<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(Array.from({length: Math.min(n, items.length)}, async () => {
    while (next < items.length) await fn(items[next++])
  }))
}

function srcOf(url: string, query: string, text: string): SourceRef {
  return {file: `${url} query: ${query}`, line: 0, text}
}

function failure(command: string, error: unknown, url: string): CollectionError & {fatal: boolean} {
  if (error instanceof QueryFailure) return {command, kind: error.kind, message: error.message, fatal: error.fatal}
  return {command, kind: 'failed', message: `Prometheus ${url}: ${(error as Error)?.message ?? String(error)}`, fatal: false}
}

export async function collectPrometheus(opts: PrometheusOptions): Promise<PrometheusEvidence> {
  const out: PrometheusEvidence = {url: opts.url, samples: [], trends: [], absent: [], errors: []}
  const addError = (e: CollectionError & {fatal?: boolean}) => out.errors.push({command: e.command, kind: e.kind, message: e.message})
  try {
    const u = new URL(opts.url)
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http')
  } catch {
    addError({command: 'prometheus', kind: 'failed', message: `--prometheus-url "${opts.url}" is not an http:// or https:// URL`})
    return out
  }
  let client: PromClient
  try {
    client = await createClient(opts, CONCURRENCY)
  } catch (error) {
    addError(failure('prometheus', error, opts.url))
    return out
  }
  try {
    return await collectWith(client, opts, out)
  } finally {
    client.close()
  }
}

async function collectWith(client: PromClient, opts: PrometheusOptions, out: PrometheusEvidence): Promise<PrometheusEvidence> {
  const addError = (e: CollectionError & {fatal?: boolean}) => out.errors.push({command: e.command, kind: e.kind, message: e.message})
  const now = opts.atMs ?? Date.now()

  // The probe: does Prometheus answer at all, and which families did it store in the window?
  // The __name__ index is read without touching series, so this is cheap however big the cluster.
  let present: Set<string> | undefined
  try {
    const names = new Set(await client.metricNames(now - opts.rangeSeconds * 1000, now))
    present = new Set(FAMILIES.map((f) => f.family).filter((f) => names.has(f)))
  } catch (error) {
    const e = failure('prometheus', error, opts.url)
    addError(e)
    if (e.fatal) return out
  }
  if (present && present.size === 0) {
    out.absent = FAMILIES.map((f) => f.family)
    addError({
      command: 'prometheus',
      kind: 'missing',
      message: `Prometheus ${opts.url} holds no Cilium agent metrics (${FAMILIES[0].family}, ${FAMILIES[2].family} …): is the agent scraped? Helm prometheus.enabled=true with prometheus.serviceMonitor.enabled=true, or pod annotations`,
    })
    return out
  }

  const families = present ? FAMILIES.filter((f) => present.has(f.family)) : FAMILIES
  if (present) out.absent = FAMILIES.filter((f) => !present.has(f.family)).map((f) => f.family)
  const instant = new Map<FamilyQuery, Series[]>()
  const samples = new Map<string, PrometheusEvidence['samples']>()
  const keep = (f: FamilyQuery, query: string, series: Series[]) => {
    const file = `${opts.url} query: ${query}`
    const list = samples.get(f.family) ?? []
    for (const s of series) {
      const p = s.points[s.points.length - 1]
      const labels = normalize(s.labels)
      // the client keeps finite points only: a series left with none held NaN or ±Inf
      const problem = metricValueProblem(f.family, labels, p ? p.v : Number.NaN)
      if (problem) {
        addError({command: `prometheus query ${f.family}`, kind: 'unparsable', message: `Prometheus ${opts.url}: rejected: ${problem}: ${seriesText(f.family, labels)}${p ? ` ${p.v}` : ''} (query ${query})`})
        continue
      }
      if (!p) continue
      list.push({name: f.family, labels, value: p.v, src: {file, line: 0, text: `${seriesText(f.family, labels)} ${p.v}`}})
    }
    samples.set(f.family, list)
  }
  // a failure that every other query would repeat (Prometheus went away, auth expired) is said once
  let broken = false
  const fail = (command: string, error: unknown) => {
    const e = failure(command, error, opts.url)
    if (broken && e.fatal) return
    broken ||= e.fatal
    addError(e)
  }
  await pool(families, CONCURRENCY, async (f) => {
    if (broken) return
    const query = familyQuery(f)
    try {
      const series = await client.instant(query, now)
      instant.set(f, series)
      keep(f, query, series)
      // without the probe's list, an unfiltered family with no series is not exported
      if (!present && series.length === 0 && !f.selector && !f.only) out.absent.push(f.family)
    } catch (error) {
      fail(`prometheus query ${f.family}`, error)
    }
  })

  // Nothing wrong in a filtered family: read it for three agents that answered elsewhere, so the
  // rules see it is exported and healthy (a few series, whatever the cluster size).
  const quiet = families.filter((f) => f.only && instant.get(f)?.length === 0)
  const known = knownAgents(instant, 3)
  await pool(known ? quiet : [], CONCURRENCY, async (f) => {
    if (broken) return
    const query = sampleQuery(f, `${known!.label}=~"${exactRegex(known!.values)}"`)
    try {
      const series = await client.instant(query, now)
      keep(f, query, series)
      if (!present && series.length === 0) out.absent.push(f.family)
    } catch (error) {
      fail(`prometheus query ${f.family}`, error)
    }
  })

  const trended = families.filter((f) => f.trend && (instant.get(f)?.length ?? 0) > 0)
  await pool(trended, CONCURRENCY, async (f) => {
    const chosen = pickForTrend(f, instant.get(f)!)
    if (broken || chosen.keys.size === 0) return
    const query = [...chosen.byLabel].map(([label, values]) => familyQuery(f, `${label}=~"${exactRegex([...values])}"`)).join(' or ')
    try {
      const step = rangeStepSeconds(opts.rangeSeconds)
      const series = await client.range(query, now - opts.rangeSeconds * 1000, now, step)
      for (const s of series) {
        const a = agentOf(s.labels)
        if (!a || !chosen.keys.has(`${a.value}\u0000${ownKey(f, s.labels)}`)) continue
        const trend = toTrend(f, normalize(s.labels), s.points, opts.url, query)
        if (trend) out.trends.push(trend)
      }
    } catch (error) {
      fail(`prometheus range ${f.family}`, error)
    }
  })

  // stable order (catalogue order, then series text): the report and saved snapshots must not
  // depend on which answer came first, nor on Prometheus' own series order
  const byText = (a: {src: SourceRef}, b: {src: SourceRef}) => (a.src.text < b.src.text ? -1 : a.src.text > b.src.text ? 1 : 0)
  const order = new Map(FAMILIES.map((f, i) => [f.family, i]))
  for (const f of FAMILIES) for (const x of (samples.get(f.family) ?? []).sort(byText)) out.samples.push(x)
  out.trends.sort((a, b) => (order.get(a.metric) ?? 0) - (order.get(b.metric) ?? 0) || byText(a, b))
  out.absent.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0))
  return out
}

/** A few agents seen in the answers (cilium_version first: every agent exports it), under one agent label. */
function knownAgents(instant: Map<FamilyQuery, Series[]>, n: number): {label: string, values: string[]} | undefined {
  const families = [...instant.keys()].sort((a, b) => Number(b.family === 'cilium_version') - Number(a.family === 'cilium_version'))
  for (const f of families) {
    const seen = new Map<string, Set<string>>()
    for (const s of instant.get(f)!) {
      const a = agentOf(s.labels)
      if (!a) continue
      const set = seen.get(a.label) ?? new Set<string>()
      set.add(a.value)
      seen.set(a.label, set)
      if (set.size >= n) return {label: a.label, values: [...set]}
    }
    const best = [...seen].sort((x, y) => y[1].size - x[1].size)[0]
    if (best) return {label: best[0], values: [...best[1]]}
  }
  return undefined
}

/** The `top` highest series of each label set (e.g. the 3 fullest agents per map), by agent label. */
function pickForTrend(f: FamilyQuery, series: Series[]): {keys: Set<string>, byLabel: Map<string, Set<string>>} {
  const t = f.trend!
  const groups = new Map<string, Array<{agent: {label: string, value: string}, key: string, v: number}>>()
  for (const s of series) {
    const a = agentOf(s.labels)
    const v = s.points[s.points.length - 1]?.v
    if (!a || v === undefined) continue
    if (t.where && !t.where(s.labels)) continue
    if (t.min !== undefined && v < t.min) continue
    const own = ownKey(f, s.labels)
    const list = groups.get(own) ?? []
    list.push({agent: a, key: `${a.value}\u0000${own}`, v})
    groups.set(own, list)
  }
  const keys = new Set<string>()
  const byLabel = new Map<string, Set<string>>()
  for (const list of groups.values()) {
    list.sort((x, y) => y.v - x.v || x.key.localeCompare(y.key))
    for (const c of list.slice(0, t.top)) {
      keys.add(c.key)
      const set = byLabel.get(c.agent.label) ?? new Set<string>()
      set.add(c.agent.value)
      byLabel.set(c.agent.label, set)
    }
  }
  return {keys, byLabel}
}

function toTrend(f: FamilyQuery, labels: Record<string, string>, points: Series['points'], url: string, query: string): Trend | undefined {
  if (points.length < 3) return undefined
  const counter = f.family.endsWith('_total')
  const slope = slopePerHour(counter ? withoutResets(points) : points)
  if (slope === undefined) return undefined
  const first = points[0]
  const last = points[points.length - 1]
  const windowSeconds = Math.round((last.t - first.t) / 1000)
  const forecast = f.family === 'cilium_bpf_map_pressure' ? forecastText(last.v, slope) : undefined
  const text = `${seriesText(f.family, labels)} ${formatNumber(first.v)} → ${formatNumber(last.v)} over ${Math.round(windowSeconds / 60)} min` +
    ` (${slope >= 0 ? '+' : ''}${formatNumber(slope)}/h${forecast ? `, ${forecast}` : ''})`
  return {metric: f.family, labels, current: last.v, slopePerHour: slope, windowSeconds, src: srcOf(url, query, text)}
}

