import {capEvidence, ev, metricSamples, agentOf, counterText, fmtCount, groupBy, howToEnable, latencies, trendFor} from '../src/rules/helpers.js'
import type {CheckResult, Severity} from '../src/rules/types.js'
import {defineRule} from '../src/rules/types.js'
import type {Snapshot} from '../src/snapshot/schema.js'

const REGEN = 'cilium_endpoint_regenerations_total'
const STATE = 'cilium_endpoint_state'
const TIME = 'cilium_endpoint_regeneration_time_stats_seconds'
const BAD_STATES = ['not-ready', 'waiting-for-identity', 'invalid']
const PERSIST_S = 5 * 60 // heuristic: a bad state that lasts 5 min is not pod churn
const SLOW_S = 10 // heuristic: the scalability report saw ≈ 3 s p99 with 250 CCNPs
const TRANSIENT_MIN = 5 // fewer non-ready endpoints in one scrape is ordinary pod churn

export default defineRule({
  meta: {
    id: 'endpoint-regeneration',
    title: 'Endpoint regeneration failures / endpoints not ready',
    severity: 'high',
    versions: '*',
    needs: [['metrics']],
    messages: {'regeneration-failures': 'endpoint regenerations fail', 'endpoints-not-ready': 'endpoints stuck outside ready', 'regeneration-slow': 'endpoint regeneration is slow'},
    description: 'cilium_endpoint_regenerations_total{outcome="fail"}, endpoints in not-ready / waiting-for-identity / invalid (cilium_endpoint_state), and regeneration time p99 (or mean) above 10 s.',
    why: 'An endpoint that fails to regenerate keeps its old (or no) datapath program and policy: new pods get no connectivity or stale policy.',
    fix: 'Read the agent log for the failing endpoints (`cilium-dbg endpoint list`, `cilium-dbg endpoint log <id>`); common causes are policy maps overflowing, BPF compilation errors after upgrades and identity allocation stalls.',
    sources: [
      'https://docs.cilium.io/en/stable/observability/metrics/',
      'https://docs.cilium.io/en/stable/operations/performance/scalability/report/',
    ],
  },
  check(ctx) {
    const {snapshot} = ctx
    const regen = metricSamples(snapshot, REGEN)
    const states = metricSamples(snapshot, STATE)
    const times = latencies(snapshot, TIME)
    if (regen.length === 0 && states.length === 0 && times.length === 0) ctx.notEvaluated(howToEnable(snapshot, REGEN, true))
    return [...regenerationFailures(snapshot, regen), ...notReady(snapshot, states), ...slowRegeneration(times)]
  },
})

type Sample = ReturnType<typeof metricSamples>[number]

function regenerationFailures(snapshot: Snapshot, regen: Sample[]): CheckResult[] {
  const fails = regen.filter((s) => /^fail/.test(s.labels.outcome ?? '') && s.value > 0)
  if (fails.length === 0) return []
  const successes = new Map<string, number>()
  for (const s of regen) if (s.labels.outcome === 'success') successes.set(agentOf(s), (successes.get(agentOf(s)) ?? 0) + s.value)
  const byAgent = [...groupBy(fails, agentOf)].map(([agent, ss]) => {
    const n = ss.reduce((x, s) => x + s.value, 0)
    const ok = successes.get(agent) ?? 0
    return {agent, n, ok, src: ss[0].src, trend: trendFor(snapshot, REGEN, {outcome: ss[0].labels.outcome}, agent)}
  }).sort((a, b) => b.n - a.n)
  const w = byAgent[0]
  const rising = byAgent.filter((a) => a.trend && a.trend.slopePerHour > 0)
  const anyTrend = byAgent.some((a) => a.trend)
  const severity: Severity = rising.length > 0 ? 'high' : anyTrend ? 'info' : 'medium'
  return [{
    severity,
    title: 'Endpoint regenerations failing',
    messageId: 'regeneration-failures',
    message: `${byAgent.length} agent${byAgent.length === 1 ? '' : 's'} with failed endpoint regenerations; worst ${w.agent}: ${counterText(w.n, w.trend)}${w.ok > 0 ? ` (${((w.n / (w.n + w.ok)) * 100).toFixed(1)} % of ${fmtCount(w.n + w.ok)})` : ''}${anyTrend && rising.length === 0 ? '; not rising in the trend window' : ''}.`,
    agents: byAgent.map((a) => a.agent),
    evidence: capEvidence([ev(w.src), ...(w.trend ? [ev(w.trend.src)] : []), ...byAgent.slice(1).map((a) => ev(a.src))]),
    helm: [],
  }]
}

function notReady(snapshot: Snapshot, states: Sample[]): CheckResult[] {
  const bad = states.filter((s) => BAD_STATES.includes(s.labels.endpoint_state ?? s.labels.state ?? '') && s.value > 0)
  if (bad.length === 0) return []
  const rows = bad.map((s) => {
    const state = s.labels.endpoint_state ?? s.labels.state
    const t = trendFor(snapshot, STATE, s.labels.endpoint_state ? {endpoint_state: state} : {state}, s.agent)
    const persistent = state === 'invalid' || (t !== undefined && t.windowSeconds >= PERSIST_S && t.current > 0)
    return {agent: agentOf(s), state, n: s.value, persistent, src: s.src}
  }).sort((a, b) => Number(b.persistent) - Number(a.persistent) || b.n - a.n)
  const w = rows[0]
  const persistent = rows.filter((r) => r.persistent)
  const total = rows.reduce((x, r) => x + r.n, 0)
  if (persistent.length === 0 && total < TRANSIENT_MIN) return []
  return [{
    severity: persistent.length > 0 ? (persistent.some((r) => r.state === 'invalid') ? 'high' : 'medium') : 'info',
    title: 'Endpoints not ready',
    messageId: 'endpoints-not-ready',
    message: `${fmtCount(total)} endpoints in ${[...new Set(rows.map((r) => r.state))].join('/')} on ${new Set(rows.map((r) => r.agent)).size} agents (worst ${w.agent}: ${w.n} ${w.state})${persistent.length > 0 ? '; persisting' : '; at collection time only — may be pod churn, re-check in 5 min'}.`,
    agents: [...new Set(rows.map((r) => r.agent))],
    evidence: capEvidence(rows.map((r) => ev(r.src))),
    helm: [],
  }]
}

function slowRegeneration(times: ReturnType<typeof latencies>): CheckResult[] {
  const slow = times.filter((t) => t.value > SLOW_S && (t.labels.scope === undefined || t.labels.scope === 'total') && (t.labels.status ?? 'success') === 'success')
    .sort((a, b) => b.value - a.value)
  if (slow.length === 0) return []
  const w = slow[0]
  return [{
    severity: 'medium',
    title: 'Slow endpoint regeneration',
    messageId: 'regeneration-slow',
    message: `endpoint regeneration ${w.kind} ${w.value.toFixed(1)} s on ${w.agent} (> ${SLOW_S} s; the scalability report saw ≈ 3 s p99 with 250 cluster-wide policies) on ${new Set(slow.map((s) => s.agent)).size} agents.`,
    agents: [...new Set(slow.map((s) => s.agent))],
    evidence: capEvidence(slow.map((s) => ev(s.src))),
    helm: [],
    fix: 'Large or many policies selecting all pods, FQDN/CIDR selectors and CPU-starved agents slow regeneration; check agent CPU limits and policy selector breadth.',
  }]
}
