/*
 * The PromQL ciltune sends: one aggregated query per metric family, so the number of queries
 * never grows with the cluster (knowledge/metrics.md §2, rules-catalog.md).
 *
 * The agent of a series: kube-prometheus / ServiceMonitor scrapes label it `pod` (and often `node`);
 * the old annotation-based configs say `kubernetes_pod_name` / `kubernetes_node`; a static config
 * only has `instance` (podIP:9962). Every query keeps all of those (a missing label groups as
 * empty and disappears), and prometheus.ts renames the kubernetes_* ones, so the rules find the
 * agent in `pod`, falling back to `instance` (src/rules/helpers.ts metricSamples).
 *
 * `max by (<agent>, <the family's own labels>)` rather than `sum`: those labels name one series of
 * one agent, so max is the value itself, and an agent scraped by two jobs (ServiceMonitor plus
 * annotations) is not counted twice. Families whose own labels are summed away (k8s client calls
 * over host and method, errors over subsystem) take the max per full label set first, then the sum.
 *
 * The answer must not grow with the cluster when nothing is wrong (5000 agents × 12 maps would be
 * 60 000 series of "all is fine"). Families with `only` return the series that matter (a failing
 * controller, a map above 10 %, a degraded module). When that is nothing, a second query reads the
 * family for three known agents (`sampleQuery`): a few series, so the rules can still tell
 * "healthy" from "not exported" without Prometheus reading every series twice. Per-agent values
 * the rules compare across agents (versions, IPAM use and capacity, drops, map-op failures) are
 * returned in full.
 */

export const AGENT_LABELS = ['pod', 'kubernetes_pod_name', 'node', 'kubernetes_node', 'instance'] as const

export interface FamilyQuery {
  family: string // metric name; samples carry it as their name
  by: string[] // the family's labels kept besides the agent labels
  sumOver?: string[] // labels summed away after the per-series max
  selector?: string // label matchers inside {}, e.g. outcome="fail"
  /** return only these per-agent series (extra matchers, a comparison); see sampleQuery */
  only?: {selector?: string, filter?: string}
  /** return only the `top` agents per label set */
  top?: number
  /** Trend (range query) for the `top` highest series per label set, optionally only some label sets. */
  trend?: {top: number, min?: number, where?: (labels: Record<string, string>) => boolean}
  why: string
}

const ERROR_CODE = /^(429|5\d\d)$/

export const FAMILIES: FamilyQuery[] = [
  {family: 'cilium_bpf_map_pressure', by: ['map_name'], only: {filter: '>= 0.1'}, trend: {top: 3}, why: 'map fill per agent and map; ≥ 1.0 is full (R-MAP-*); below 10 % only the fullest agent per map'},
  {family: 'cilium_bpf_map_ops_total', by: ['map_name', 'operation', 'outcome'], selector: 'outcome="fail"', trend: {top: 3, min: 1}, why: 'failed map updates (map full, R-MAP-06)'},
  {family: 'cilium_drop_count_total', by: ['reason', 'direction'], trend: {top: 3, min: 1}, why: 'drop reasons: CT insertion failed, NAT no mapping, policy denied … (R-MAP-03/04, drops)'},
  {family: 'cilium_controllers_failing', by: [], only: {filter: '> 0'}, why: 'failing controllers (R-AGT-03)'},
  {family: 'cilium_unreachable_nodes', by: [], only: {filter: '> 0'}, why: 'unreachable nodes (R-AGT-05)'},
  {family: 'cilium_unreachable_health_endpoints', by: [], only: {filter: '> 0'}, why: 'unreachable health endpoints (R-AGT-05)'},
  {family: 'cilium_node_health_connectivity_status', by: ['type', 'status'], only: {selector: 'status!="reachable"', filter: '> 0'}, why: 'peers per reachability status, 1.17+ (R-AGT-05)'},
  {family: 'cilium_endpoint_regenerations_total', by: ['outcome'], only: {selector: 'outcome="fail"', filter: '> 0'}, trend: {top: 3, min: 1, where: (l) => l.outcome === 'fail'}, why: 'endpoint regeneration failures'},
  {family: 'cilium_endpoint_state', by: ['endpoint_state'], only: {selector: 'endpoint_state!="ready"', filter: '> 0'}, why: 'endpoints stuck not-ready / waiting-for-identity'},
  {family: 'cilium_k8s_client_api_calls_total', by: ['return_code'], sumOver: ['host', 'method'], only: {selector: 'return_code=~"429|5.."', filter: '> 0'}, trend: {top: 3, min: 1, where: (l) => ERROR_CODE.test(l.return_code ?? '')}, why: 'API server errors and throttling (429, 5xx)'},
  {family: 'cilium_identity', by: ['type'], top: 1, why: 'identities allocated, a cluster-wide count: the highest agent is enough'},
  {family: 'cilium_ip_addresses', by: ['family'], why: 'IPAM use per node (with cilium_ipam_capacity)'},
  {family: 'cilium_ipam_capacity', by: ['family'], why: 'IPAM pool size per node'},
  {family: 'cilium_hive_status', by: ['status'], only: {selector: 'status="degraded"', filter: '> 0'}, why: 'degraded modules (R-AGT-02)'},
  {family: 'cilium_datapath_conntrack_gc_runs_total', by: ['family', 'protocol', 'status'], only: {selector: 'status!="completed"', filter: '> 0'}, why: 'CT GC not finishing (uncompleted runs)'},
  // below 100 000 alive entries no CT map (at least 131 072) is 80 % full
  {family: 'cilium_datapath_conntrack_gc_entries', by: ['family', 'protocol', 'status'], only: {selector: 'status="alive"', filter: '>= 100000'}, why: 'alive CT entries (CT fill on versions without CT pressure)'},
  {family: 'cilium_datapath_conntrack_gc_interval_seconds', by: [], only: {filter: '<= 15'}, why: 'CT GC interval at its 10 s floor (CT churn), 1.17+'},
  {family: 'cilium_errors_warnings_total', by: ['level'], sumOver: ['subsystem'], only: {selector: 'level="error"', filter: '> 0'}, why: 'agent errors and warnings'},
  {family: 'cilium_version', by: ['version'], why: 'agent versions (skew)'},
]

function labelList(labels: readonly string[]): string {
  return labels.join(', ')
}

function selectorOf(f: FamilyQuery, extra?: string): string {
  const parts = [f.selector, extra].filter((x): x is string => Boolean(x))
  return parts.length > 0 ? `${f.family}{${parts.join(', ')}}` : f.family
}

function aggregate(f: FamilyQuery, sel: string): string {
  const keep = labelList([...AGENT_LABELS, ...f.by])
  if (f.sumOver && f.sumOver.length > 0) {
    return `sum by (${keep}) (max by (${labelList([...AGENT_LABELS, ...f.by, ...f.sumOver])}) (${sel}))`
  }
  return `max by (${keep}) (${sel})`
}

/** The instant query for a family; with `agentMatcher` (range queries for trends), every series of those agents. */
export function familyQuery(f: FamilyQuery, agentMatcher?: string): string {
  const all = aggregate(f, selectorOf(f, agentMatcher))
  if (agentMatcher) return all
  if (f.top) return f.by.length > 0 ? `topk by (${labelList(f.by)}) (${f.top}, ${all})` : `topk(${f.top}, ${all})`
  if (!f.only) return all
  return aggregate(f, selectorOf(f, f.only.selector)) + (f.only.filter ? ` ${f.only.filter}` : '')
}

/** A family with `only` that returned nothing: all its series, for a few agents named by `agentMatcher`. */
export function sampleQuery(f: FamilyQuery, agentMatcher: string): string {
  return aggregate(f, selectorOf(f, agentMatcher))
}

/** A PromQL double-quoted string holding a regular expression that matches exactly `values`. */
export function exactRegex(values: string[]): string {
  const re = values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')
  return re.replace(/\\/g, '\\\\').replace(/"/g, '\\"')
}

export function rangeStepSeconds(rangeSeconds: number): number {
  // about 60 points whatever the window: 1 h → 60 s, 6 h → 6 min
  return Math.max(1, Math.round(rangeSeconds / 60))
}
