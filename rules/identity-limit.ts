import type {Evidence} from '../src/rules/types.js'
import {defineRule} from '../src/rules/types.js'
import {capEvidence, configValue, ev, metricSamples, percent, fmtCount, fmtHours, groupBy, slopeText, trendFor} from '../src/rules/helpers.js'
import type {CheckResult, Severity} from '../src/rules/types.js'
import {identityLimit} from '../src/cilium/limits.js'
import type {Snapshot, SourceRef, Trend} from '../src/snapshot/schema.js'

const METRIC = 'cilium_identity'
const CHURN_MIN_ENDPOINTS = 500 // heuristic: below this many endpoints the ratio says little
const CHURN_RATIO = 0.8 // heuristic: nearly one identity per endpoint
const GROWTH_PER_H = 0.05 // heuristic: > 5 %/h steady growth

/** Node-local (CIDR/FQDN) identities live in a separate space; only cluster-wide ones count against the limit. */
function isGlobal(type: string | undefined): boolean {
  return type === undefined || !/local|reserved/i.test(type) || /cluster_local/i.test(type)
}

export default defineRule({
  meta: {
    id: 'identity-limit',
    title: 'Security identity space and identity churn',
    severity: 'critical',
    versions: '*',
    needs: [['counts'], ['metrics']],
    messages: {'near-limit': 'identities near the cluster limit', 'per-pod-labels': 'identities per endpoint suggest per-pod labels', growing: 'the identity count grows'},
    description: 'Cluster-wide identities (CiliumIdentity count or cilium_identity) vs the per-cluster identity space (65536 − 256; 32768 − 256 with max-connected-clusters 511; pkg/identity/numericidentity.go): ≥ 50 % medium, ≥ 80 % high, ≥ 95 % critical; nearly one identity per endpoint (high-cardinality labels) and steady identity growth.',
    why: 'Every distinct set of identity-relevant labels is a new identity; labels with per-pod values (job names, hashes, build ids) make one identity per pod, growing policy maps, regeneration work and API objects until the identity space runs out.',
    fix: 'Restrict identity-relevant labels with Helm `labels` (exclude e.g. k8s:!job-name, or list only the labels policies select). Existing identities change only after the pods restart; old ones are garbage-collected by the operator.',
    sources: [
      'https://docs.cilium.io/en/stable/operations/performance/scalability/identity-relevant-labels/',
      'https://docs.cilium.io/en/stable/observability/metrics/',
      'https://github.com/cilium/cilium/blob/main/pkg/identity/numericidentity.go',
    ],
  },
  check(ctx) {
    const seen = readIdentities(ctx.snapshot)
    if (!seen) return ctx.notEvaluated('neither the CiliumIdentity count (kubectl get ciliumidentities) nor cilium_identity is available')
    const near = nearLimit(seen)
    return [near, ...(near ? [] : [perPodLabels(seen), growing(seen)])].filter((r) => r !== undefined)
  },
})

interface Seen {
  n: number
  limit: number
  maxClusters: number
  fromCount?: number
  fromMetric?: {agent: string, n: number, src: SourceRef, labels: Record<string, string>}
  endpoints?: number
  evidence: Evidence[]
  labelsKey?: {value: string}
  trend?: Trend
}

/** Cluster-wide identities from the CiliumIdentity count and cilium_identity, with the limit of this cluster. */
function readIdentities(snapshot: Snapshot): Seen | undefined {
  const counts = snapshot.cluster.counts
  const samples = metricSamples(snapshot, METRIC).filter((s) => isGlobal(s.labels.type))
  if (counts?.ciliumIdentities === undefined && samples.length === 0) return undefined
  const maxClusters = Number(configValue(snapshot, 'max-connected-clusters')?.value)
  // per agent, sum the global types; agents see the same cluster-wide set, so take the largest
  const perAgent = [...groupBy(samples, (s) => s.agent ?? '')].map(([agent, ss]) => ({agent, n: ss.reduce((x, s) => x + s.value, 0), src: ss[0].src, labels: ss[0].labels}))
    .sort((a, b) => b.n - a.n)
  const fromMetric = perAgent[0]
  const fromCount = counts?.ciliumIdentities
  const evidence: Evidence[] = []
  if (fromCount !== undefined && counts?.src) evidence.push(ev(counts.src))
  if (fromMetric) evidence.push(ev(fromMetric.src))
  return {
    n: Math.max(fromCount ?? 0, fromMetric?.n ?? 0), limit: identityLimit(maxClusters), maxClusters, fromCount, fromMetric, evidence,
    endpoints: counts?.ciliumEndpoints, labelsKey: configValue(snapshot, 'labels'),
    trend: fromMetric ? trendFor(snapshot, METRIC, fromMetric.labels.type ? {type: fromMetric.labels.type} : {}, fromMetric.agent) : undefined,
  }
}

function severityOf(seen: Seen): Severity | undefined {
  const share = seen.n / seen.limit
  return share >= 0.95 ? 'critical' : share >= 0.8 ? 'high' : share >= 0.5 ? 'medium' : undefined
}

function nearLimit(seen: Seen): CheckResult | undefined {
  const severity = severityOf(seen)
  if (!severity) return undefined
  const {n, limit, trend, labelsKey} = seen
  const eta = trend && trend.slopePerHour > 0 ? (limit - n) / trend.slopePerHour : undefined
  return {
    severity,
    title: 'Security identity space filling up',
    messageId: 'near-limit',
    message: `${fmtCount(n)} cluster-wide identities = ${percent(n / limit)} of the ${fmtCount(limit)} available per cluster${seen.maxClusters === 511 ? ' (max-connected-clusters 511 halves it)' : ''}${eta !== undefined ? `; ${slopeText(trend!)}, exhausted in about ${fmtHours(eta)}` : ''}.`,
    agents: [],
    evidence: capEvidence([...seen.evidence, ...(trend ? [ev(trend.src)] : [])]),
    helm: labelsKey ? [] : [labelsSuggestion()],
    fix: labelsKey ? `a labels filter is set (${labelsKey.value}); find the label that still varies per pod (kubectl get ciliumidentities -o yaml)` : undefined,
  }
}

function perPodLabels(seen: Seen): CheckResult | undefined {
  const {fromCount, endpoints: eps, labelsKey} = seen
  if (fromCount === undefined || eps === undefined || eps < CHURN_MIN_ENDPOINTS || fromCount < CHURN_RATIO * eps) return undefined
  return {
    severity: 'medium',
    title: 'Nearly one identity per endpoint',
    messageId: 'per-pod-labels',
    message: `${fmtCount(fromCount)} CiliumIdentities for ${fmtCount(eps)} CiliumEndpoints (${(fromCount / eps).toFixed(2)} per endpoint): some identity-relevant label likely carries per-pod values${labelsKey ? '' : '; cilium-config has no labels filter'}.`,
    agents: [],
    evidence: seen.evidence,
    helm: labelsKey ? [] : [labelsSuggestion()],
  }
}

function growing(seen: Seen): CheckResult | undefined {
  const {trend, fromMetric, labelsKey} = seen
  if (!trend || trend.current <= 100 || trend.slopePerHour / trend.current <= GROWTH_PER_H) return undefined
  return {
    severity: 'medium',
    title: 'Identity count growing steadily',
    messageId: 'growing',
    message: `cilium_identity ${fmtCount(trend.current)}, ${slopeText(trend)} (${((trend.slopePerHour / trend.current) * 100).toFixed(0)} %/h): pod churn is creating new identities.`,
    agents: fromMetric ? [fromMetric.agent] : [],
    evidence: capEvidence([...seen.evidence, ev(trend.src)]),
    helm: labelsKey ? [] : [labelsSuggestion()],
  }
}

function labelsSuggestion() {
  return {
    path: 'labels',
    value: 'k8s:io.kubernetes\\.pod\\.namespace k8s:k8s-app k8s:app k8s:name',
    reason: 'inclusive identity-relevant label list from the Cilium docs; adapt it to the labels your policies select (or exclude the noisy one, e.g. "k8s:!job-name")',
    cost: 'policies selecting other labels stop matching: review CiliumNetworkPolicies first',
  }
}
