import type {Snapshot, SourceRef, Trend} from '../../snapshot/schema.js'
import {configValue, metricSamples} from './core.js'
import {atLeast} from '../../cilium/version.js'

export type Sample = ReturnType<typeof metricSamples>[number]

/** Agents that have any metric evidence (agent scrape or Prometheus series naming the pod). */
export function agentsWithMetrics(snapshot: Snapshot): string[] {
  const names = new Set<string>()
  for (const a of snapshot.agents) if (a.metrics && a.metrics.samples.length > 0) names.add(a.name)
  for (const s of snapshot.prometheus?.samples ?? []) {
    const who = s.labels.pod ?? s.labels.instance
    if (who && s.name.startsWith('cilium_')) names.add(who)
  }
  return [...names]
}

/** Any Cilium agent metric at all (a Prometheus that scrapes no Cilium target does not count). */
export function ciliumMetricsPresent(snapshot: Snapshot): boolean {
  return snapshot.agents.some((a) => a.metrics?.samples.some((s) => s.name.startsWith('cilium_'))) ||
    Boolean(snapshot.prometheus?.samples.some((s) => s.name.startsWith('cilium_')))
}

/** The Prometheus trend for one series, matched on the given labels and the agent (pod/instance). */
export function trendFor(snapshot: Snapshot, metric: string, labels: Record<string, string>, agent?: string): Trend | undefined {
  return snapshot.prometheus?.trends.find((t) => t.metric === metric &&
    Object.entries(labels).every(([k, v]) => t.labels[k] === v) &&
    (agent === undefined || t.labels.pod === agent || t.labels.instance === agent || (!t.labels.pod && !t.labels.instance)))
}

/** "rising 120/h over 1 h" style text for a counter or gauge trend. */
export function slopeText(t: Trend): string {
  const per = Math.abs(t.slopePerHour) >= 10 ? Math.round(t.slopePerHour).toString() : t.slopePerHour.toPrecision(2)
  const w = t.windowSeconds >= 3600 ? `${(t.windowSeconds / 3600).toFixed(t.windowSeconds % 3600 ? 1 : 0)} h` : `${Math.round(t.windowSeconds / 60)} min`
  return t.slopePerHour > 0 ? `rising ${per}/h over ${w}` : `flat over ${w}`
}

/** Hours until a gauge trending up reaches `limit`; undefined when not rising. */
export function hoursUntil(t: Trend | undefined, limit = 1): number | undefined {
  if (!t || t.slopePerHour <= 0 || t.current >= limit) return undefined
  return (limit - t.current) / t.slopePerHour
}

export function fmtHours(h: number): string {
  return h < 1 ? `${Math.max(1, Math.round(h * 60))} min` : `${h < 10 ? h.toFixed(1) : Math.round(h)} h`
}

// what toLocaleString('en-US') formats with, made once: toLocaleString builds a formatter on every call
const EN_US = new Intl.NumberFormat('en-US')

export function fmtCount(n: number): string {
  return Number.isInteger(n) ? EN_US.format(n) : n.toFixed(2)
}

/** Why a metric family is missing and how to get it, for ctx.notEvaluated(). */
export function howToEnable(snapshot: Snapshot, metric: string, defaultOn: boolean, since?: string): string {
  const metricsKey = configValue(snapshot, 'metrics')?.value ?? ''
  const parts = [`${metric} is not exported by any agent`]
  if (metricsKey.split(/\s+/).includes(`-${metric}`)) {
    parts.push(`cilium-config "metrics" disables it (-${metric}); remove that from Helm \`prometheus.metrics\``)
  } else if (defaultOn) {
    parts.push(`it is on by default${since ? ` since ${since}` : ''}; check Helm \`prometheus.enabled: true\` and that \`prometheus.metrics\` does not contain -${metric}`)
  } else {
    parts.push(`enable it with Helm \`prometheus.metrics: "+${metric}"\``)
  }
  return parts.join('; ')
}

/** Counter text: with one scrape we only know it happened since the agent started. */
export function counterText(value: number, trend: Trend | undefined): string {
  return trend ? `${fmtCount(value)} (${slopeText(trend)})` : `${fmtCount(value)} since agent start`
}

export function agentOf(s: Sample): string {
  return s.agent ?? 'unknown agent'
}


export function srcOf(s: {src: SourceRef}): SourceRef {
  return s.src
}

export function versionAtLeast(v: string | undefined, major: number, minor: number): boolean | undefined {
  return atLeast(v, `${major}.${minor}`)
}

/**
 * Latency of a histogram family per series: p99 where the source gives quantiles
 * (`metrics list` 1.17+ and summaries carry a `quantile` label), else the mean from _sum/_count.
 */
export function latencies(snapshot: Snapshot, base: string): Array<{agent: string, labels: Record<string, string>, value: number, kind: 'p99' | 'mean', src: SourceRef}> {
  const out: Array<{agent: string, labels: Record<string, string>, value: number, kind: 'p99' | 'mean', src: SourceRef}> = []
  for (const s of metricSamples(snapshot, base)) {
    if (s.labels.quantile !== '0.99') continue
    const {quantile: _q, ...labels} = s.labels
    out.push({agent: s.agent ?? 'unknown agent', labels, value: s.value, kind: 'p99', src: s.src})
  }
  if (out.length > 0) return out
  const key = (s: Sample) => `${s.agent}\u0000${JSON.stringify(Object.entries(s.labels).sort())}`
  const counts = new Map(metricSamples(snapshot, `${base}_count`).map((s) => [key(s), s.value]))
  for (const s of metricSamples(snapshot, `${base}_sum`)) {
    const c = counts.get(key(s))
    if (c && c > 0) out.push({agent: s.agent ?? 'unknown agent', labels: s.labels, value: s.value / c, kind: 'mean', src: s.src})
  }
  return out
}
