/* Where thresholds come from, named once so every alert cites them the same way. */

export const MIXIN = 'the Cilium mixin (grafana/jsonnet-libs cilium-enterprise-mixin/alerts/ciliumAlerts.libsonnet)'
export const METRICS_DOC = 'Cilium metrics reference (Documentation/observability/metrics.rst)'
export const DROP_REASONS = 'pkg/monitor/api/drop.go'
export const KSM = 'kube-state-metrics'

/** "52%" for 0.52. */
export function pct(x: number): string {
  return `${Math.round(x * 100)}%`
}

/** "524,288" */
export function count(n: number): string {
  return n.toLocaleString('en-US')
}

/** A PromQL string literal (double-quoted, escaped). */
export function quote(s: string): string {
  return JSON.stringify(s)
}
