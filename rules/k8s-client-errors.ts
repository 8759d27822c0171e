import {capEvidence, configValue, ev, metricSamples, agentOf, counterText, fmtCount, groupBy, howToEnable, latencies, trendFor} from '../src/rules/helpers.js'
import type {CheckResult, HelmSuggestion, Severity} from '../src/rules/types.js'
import type {Snapshot} from '../src/snapshot/schema.js'
import {defaultFor} from '../src/cilium/helm-config.js'
import {defineRule} from '../src/rules/types.js'

const CALLS = 'cilium_k8s_client_api_calls_total'
const LIMITER = 'cilium_k8s_client_rate_limiter_duration_seconds'
const P99_SLOW = 1 // s, heuristic (rules-catalog R-SCL-04)
const MEAN_SLOW = 0.1 // s, heuristic (metrics.md §2.5)

interface Kind {
  id: string
  test: (code: string) => boolean
  severity: Severity
  what: string
  fix: string
}

/** 404/409/410/422 are ordinary (not found, conflicts, expired watches); these are not. */
const KINDS: Kind[] = [
  {id: '429', test: (c) => c === '429', severity: 'medium', what: 'throttled by the API server (429, API Priority and Fairness)',
    fix: 'server-side throttling: raising the agent QPS makes it worse; reduce watch/update load (ciliumEndpointSlice.enabled) or give Cilium its own APF FlowSchema'},
  {id: '5xx', test: (c) => /^5\d\d$/.test(c), severity: 'medium', what: 'API server errors (5xx)',
    fix: 'API server overloaded or unavailable: check its health; with one API endpoint consider k8s.apiServerURLs (1.18+) or a load balancer'},
  {id: '401/403', test: (c) => c === '401' || c === '403', severity: 'high', what: 'unauthorized/forbidden (401/403)',
    fix: 'the agent token or RBAC is wrong: compare the cilium ClusterRole with the chart of the running version; check service account token rotation'},
]

export default defineRule({
  meta: {
    id: 'k8s-client-errors',
    title: 'Kubernetes API errors and client-side throttling',
    severity: 'high',
    versions: '*',
    needs: [['metrics']],
    messages: {'client-errors': 'Kubernetes API calls fail', 'rate-limiter-wait': 'the client-side rate limiter makes agents wait'},
    description: 'cilium_k8s_client_api_calls_total with return codes 429, 5xx and 401/403 (404/409/410/422 are ordinary), and time spent in the client-side rate limiter (cilium_k8s_client_rate_limiter_duration_seconds p99 > 1 s or mean > 0.1 s).',
    why: 'Agents that cannot read or write the API server miss endpoint, identity and service updates; a client limiter that is too tight delays every update on big clusters.',
    fix: 'Client-side waits: raise k8sClientRateLimit.qps/burst (carefully: it multiplies by the node count). Server-side 429/5xx: reduce load first (CiliumEndpointSlice), spread over several API servers (k8s.apiServerURLs, 1.18+), keep exponential backoff on (k8sClientExponentialBackoff.enabled, 1.18+).',
    sources: [
      'https://docs.cilium.io/en/stable/observability/metrics/',
      'https://docs.cilium.io/en/stable/helm-reference/',
      'https://github.com/cilium/cilium/blob/main/pkg/k8s/client/config.go',
    ],
  },
  check(ctx) {
    const {snapshot} = ctx
    const calls = metricSamples(snapshot, CALLS)
    const waits = latencies(snapshot, LIMITER)
    if (calls.length === 0 && waits.length === 0) ctx.notEvaluated(howToEnable(snapshot, CALLS, true))
    const results = KINDS.flatMap((k) => clientErrors(snapshot, calls, k))
    const slow = waits.filter((x) => x.value > (x.kind === 'p99' ? P99_SLOW : MEAN_SLOW)).sort((a, b) => b.value - a.value)
    if (slow.length > 0) results.push(limiterWait(snapshot, slow, ctx.ciliumVersion))
    return results
  },
})

type Sample = ReturnType<typeof metricSamples>[number]
type Latency = ReturnType<typeof latencies>[number]

function clientErrors(snapshot: Snapshot, calls: Sample[], k: Kind): CheckResult[] {
  const bad = calls.filter((s) => k.test(s.labels.return_code ?? s.labels.code ?? '') && s.value > 0)
  if (bad.length === 0) return []
  const totals = new Map<string, number>()
  for (const s of calls) totals.set(agentOf(s), (totals.get(agentOf(s)) ?? 0) + s.value)
  const nAgents = totals.size
  const perAgent = [...groupBy(bad, agentOf)].map(([agent, ss]) => {
    const n = ss.reduce((x, s) => x + s.value, 0)
    const all = totals.get(agent) ?? 0
    const t = ss.map((s) => trendFor(snapshot, CALLS, {return_code: s.labels.return_code ?? '', method: s.labels.method ?? ''}, agent))
      .filter((x) => x !== undefined).sort((a, b) => b.slopePerHour - a.slopePerHour)[0]
    return {agent, n, all, t, ss}
  }).sort((a, b) => b.n - a.n)
  const w = perAgent[0]
  const rising = perAgent.filter((a) => a.t && a.t.slopePerHour > 0).length
  const anyTrend = perAgent.some((a) => a.t)
  const severity = rising > 0 ? 'high' : anyTrend ? 'info' : k.severity
  return [{
    severity,
    title: `Kubernetes API calls failing: ${k.id}`,
    messageId: 'client-errors',
    message: `${k.what}: ${fmtCount(perAgent.reduce((x, a) => x + a.n, 0))} calls on ${perAgent.length}/${nAgents} agents; worst ${w.agent} ${counterText(w.n, w.t)}${w.all > 0 ? ` = ${((w.n / w.all) * 100).toFixed(1)} % of its ${fmtCount(w.all)} calls` : ''}${anyTrend && rising === 0 ? '; not rising in the trend window' : ''}.`,
    agents: perAgent.map((a) => a.agent),
    evidence: capEvidence([...w.ss.map((s) => ev(s.src)), ...(w.t ? [ev(w.t.src)] : []), ...perAgent.slice(1).map((a) => ev(a.ss[0].src))]),
    helm: [],
    fix: k.fix,
  }]
}

function limiterWait(snapshot: Snapshot, slow: Latency[], version: string | undefined): CheckResult {
  const w = slow[0]
  const qpsCfg = configValue(snapshot, 'k8s-client-qps')
  const burstCfg = configValue(snapshot, 'k8s-client-burst')
  const qps = Number(qpsCfg?.value) || defaultFor('k8s-client-qps', version)!
  const burst = Number(burstCfg?.value) || defaultFor('k8s-client-burst', version)!
  const agents = [...new Set(slow.map((s) => s.agent))]
  const total = snapshot.agents.length || agents.length
  const cost = `API server load: up to ${total} agents × ${qps * 2} QPS = ${fmtCount(total * qps * 2)} QPS sustained at worst (now ${fmtCount(total * qps)})`
  const helm: HelmSuggestion[] = [
    {path: 'k8sClientRateLimit.qps', value: qps * 2, reason: `agents wait ${w.value.toFixed(2)} s (${w.kind}) in the client-side limiter at ${qps} QPS${qpsCfg ? '' : ' (default)'}`, cost},
    {path: 'k8sClientRateLimit.burst', value: burst * 2, reason: `keep burst at 2 × qps (now ${burst}${burstCfg ? '' : ', default'})`},
  ]
  return {
    severity: 'medium',
    title: 'Agents wait in the Kubernetes client rate limiter',
    messageId: 'rate-limiter-wait',
    message: `client-side rate limiter wait ${w.kind} ${w.value.toFixed(2)} s${w.labels.path ? ` (${w.labels.method ?? ''} ${w.labels.path})` : ''} on ${w.agent}; ${agents.length} agents above ${w.kind === 'p99' ? `${P99_SLOW} s p99` : `${MEAN_SLOW} s mean`} at ${qps} QPS / burst ${burst}.`,
    agents,
    evidence: capEvidence([...slow.map((s) => ev(s.src)), ...(qpsCfg ? [ev(qpsCfg.src)] : [])]),
    helm,
    fix: 'Enable CiliumEndpointSlice first where the load is CiliumEndpoint churn; raise QPS only as far as the API server can take it.',
  }
}
