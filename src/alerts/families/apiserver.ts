import type {AlertFacts} from '../facts.js'
import type {AlertDef, AlertGroup} from '../schema.js'
import {METRICS_DOC, pct} from '../sources.js'

/*
 * The agents' API-server client: server errors and throttling (429), and the client-side limit of this
 * cluster's k8s-client-qps. 404/409/410/422 are ordinary answers and never count.
 */

const ERROR_SHARE = 0.05 // heuristic: one call in twenty failing is no longer a blip
const QPS_SHARE = 0.8 // heuristic: sustained 80 % of the client QPS leaves no burst for an endpoint storm
const WAIT_MEAN_S = 0.1 // ciltune k8s-client-errors: mean wait in the client rate limiter

function calls(ns: string, code: string, v: string): {series: string, values: string} {
  return {series: `cilium_k8s_client_api_calls_total{namespace="${ns}",pod="cilium-7xk2p",host="10.0.0.1:6443",method="GET",return_code="${code}"}`, values: v}
}

export function apiserverAlerts(facts: AlertFacts): AlertGroup {
  const ns = facts.namespace.value
  const qps = facts.qps.value
  const labels = {namespace: ns, pod: 'cilium-7xk2p'}
  const total = 'sum by (namespace, pod) (rate(cilium_k8s_client_api_calls_total[5m]))'
  const alerts: AlertDef[] = [{
    alert: 'CiliumApiServerErrors', severity: 'warning', for: '10m',
    expr: `sum by (namespace, pod) (rate(cilium_k8s_client_api_calls_total{return_code=~"5..|429"}[5m])) / ${total} > ${ERROR_SHARE}`,
    summary: 'Cilium agent {{ $labels.pod }} gets server errors or throttling from the API server.',
    description: `More than ${pct(ERROR_SHARE)} of the API-server calls of {{ $labels.pod }} answer 5xx or 429 for 10 min: endpoint, identity and service updates are delayed.`,
    threshold: `${pct(ERROR_SHARE)} of calls (heuristic); codes 5xx and 429 as ciltune k8s-client-errors counts them`,
    rule: 'k8s-client-errors',
    firing: {series: [calls(ns, '200', '0+60x30'), calls(ns, '429', '0+30x30')], labels},
    healthy: [calls(ns, '200', '0+600x30'), calls(ns, '404', '0+30x30'), calls(ns, '503', '0+1x30')],
    evalMinutes: 25,
  }, {
    alert: 'CiliumApiClientNearQpsLimit', severity: 'warning', for: '15m',
    expr: `${total} > ${QPS_SHARE} * ${qps}`,
    summary: `Cilium agent {{ $labels.pod }} uses over ${pct(QPS_SHARE)} of its API-server client QPS (${qps}).`,
    description: `{{ $labels.pod }} calls the API server at more than ${pct(QPS_SHARE)} of k8s-client-qps ${qps} for 15 min; the client-side limiter will queue the next burst (pod churn, an agent rollout).`,
    threshold: `${pct(QPS_SHARE)} (heuristic) of k8s-client-qps ${qps} from ${facts.qps.from}`,
    rule: 'k8s-client-rate-limit',
    firing: {series: [calls(ns, '200', `0+${Math.ceil(qps * 0.95 * 60)}x30`)], labels},
    healthy: [calls(ns, '200', `0+${Math.floor(qps * 0.3 * 60)}x30`)],
    evalMinutes: 25,
  }, {
    alert: 'CiliumApiClientThrottled', severity: 'warning', for: '15m',
    expr: `sum by (namespace, pod) (rate(cilium_k8s_client_rate_limiter_duration_seconds_sum[5m])) / sum by (namespace, pod) (rate(cilium_k8s_client_rate_limiter_duration_seconds_count[5m])) > ${WAIT_MEAN_S}`,
    summary: 'API-server calls of {{ $labels.pod }} wait in the client-side rate limiter.',
    description: `Calls of {{ $labels.pod }} wait more than ${WAIT_MEAN_S} s on average in the client rate limiter (k8s-client-qps ${qps}) for 15 min.`,
    threshold: `mean wait ${WAIT_MEAN_S} s (ciltune k8s-client-errors; ${METRICS_DOC}: cilium_k8s_client_rate_limiter_duration_seconds); k8s-client-qps ${qps} from ${facts.qps.from}`,
    rule: 'k8s-client-rate-limit',
    firing: {series: [
      {series: `cilium_k8s_client_rate_limiter_duration_seconds_sum{namespace="${ns}",pod="cilium-7xk2p",method="GET",path="/api/v1/pods"}`, values: '0+30x30'},
      {series: `cilium_k8s_client_rate_limiter_duration_seconds_count{namespace="${ns}",pod="cilium-7xk2p",method="GET",path="/api/v1/pods"}`, values: '0+60x30'},
    ], labels},
    healthy: [
      {series: `cilium_k8s_client_rate_limiter_duration_seconds_sum{namespace="${ns}",pod="cilium-7xk2p",method="GET",path="/api/v1/pods"}`, values: '0+0.06x30'},
      {series: `cilium_k8s_client_rate_limiter_duration_seconds_count{namespace="${ns}",pod="cilium-7xk2p",method="GET",path="/api/v1/pods"}`, values: '0+60x30'},
    ],
    evalMinutes: 25,
  }]
  return {name: 'ciltune-cilium-apiserver', alerts}
}
