import {agentPhrase, apiServerEndpoints, capEvidence, ev, kprConfigured, nameList, parseVersion, configText, helmEvidence, helmString, helmValue, nodeCount} from '../src/rules/helpers.js'
import {MIN_FAILURES, persistentApiServerFailures} from '../src/logs/apiserver.js'
import {atLeast} from '../src/cilium/version.js'
import {defaultFor, helmOnlyDefault, pathAvailable} from '../src/cilium/helm-config.js'
import type {Snapshot} from '../src/snapshot/schema.js'
import type {CheckResult, Evidence} from '../src/rules/types.js'
import {defineRule} from '../src/rules/types.js'

// Heuristic thresholds (R-SCL-04): agent QPS <= 10 with > 500 nodes; operator QPS <= 100 with > 1000 nodes.
const AGENT_NODES = 500
const AGENT_QPS = 10
const OPERATOR_NODES = 1000
const OPERATOR_QPS = 100
const LOWERED_NODES = 100
const IP_LITERAL = /^(\d{1,3}(\.\d{1,3}){3}|\[?[0-9a-f:]+\]?)$/i

export default defineRule({
  meta: {
    id: 'k8s-client-rate-limit',
    title: 'Kubernetes client limits and API-server resilience',
    severity: 'medium',
    versions: '*',
    needs: [['config', 'nodes'], ['config', 'counts'], ['config', 'logs'], ['helm']],
    features: ['api-server-urls', 'k8s-client-backoff'],
    messages: {
      'agent-lowered-limits': 'agent client limits lowered below the defaults', 'agent-low-limits': 'agent client limits low for the cluster size',
      'operator-low-limits': 'operator client limits low for the cluster size', 'single-api-server': 'agents reach the API server through one address',
      'backoff-disabled': 'Kubernetes client exponential backoff disabled', 'backoff-max-lowered': 'exponential backoff capped low for the cluster size',
      'api-server-unreachable': 'agents logged API-server connection failures and have no second address',
      'api-server-urls-unsupported': 'k8s.apiServerURLs set on a version that ignores it', 'single-api-server-url': 'k8s.apiServerURLs lists one URL',
    },
    description: `Config side of the agent/operator API-server client: agent k8s-client-qps explicitly lowered below the 1.17+ default (10) with > 100 nodes, agent QPS <= 10 with > 500 nodes, operator QPS <= 100 with > 1000 nodes (heuristics); a single API-server IP (k8sServiceHost) without k8s.apiServerURLs on 1.18+ with >= 3 control-plane nodes; 1.18+ exponential backoff switched off, or its maximum (backoffMaxDurationSeconds) lowered below the chart default above 500 nodes; k8s.apiServerURLs on a chart before 1.18 (ignored) or with a single URL. With agent logs: connection failures to the API server ("Unable to contact k8s api-server", k8sError dial timeouts/refusals, lease renewals timing out; at least ${MIN_FAILURES} lines or one the agent exits on, a single retried blip is normal) while the agents have a single address, naming the address they dialled and, with kube-proxy replacement and no k8sServiceHost, that the ClusterIP is all they have.`,
    why: 'Client-side throttling delays endpoint, identity and CES updates at scale; a single API-server endpoint makes every agent lose the API when that node fails (with KPR there is no kube-proxy fallback); without backoff thousands of agents retry in lockstep after an outage.',
    fix: 'Enable CiliumEndpointSlice first, then raise k8sClientRateLimit.qps/burst (agent) or k8sClientRateLimit.operator.qps/burst carefully; put a VIP/LB in front of the API servers or list them in k8s.apiServerURLs (1.18+); keep k8sClientExponentialBackoff.enabled: true.',
    sources: [
      'https://docs.cilium.io/en/stable/helm-reference/',
      'https://github.com/cilium/cilium/blob/main/pkg/k8s/client/config.go',
      'https://docs.cilium.io/en/stable/operations/performance/scalability/report/',
      'https://github.com/cilium/cilium/issues/21148',
      'https://github.com/cilium/cilium/issues/1973',
      'https://docs.cilium.io/en/stable/network/kubernetes/kubeproxy-free/',
    ],
  },
  check(ctx) {
    const s = ctx.snapshot
    const version = ctx.ciliumVersion
    const nodes = nodeCount(s)
    const out: CheckResult[] = nodes ? [...agentLimits(s, nodes, version), ...operatorLimits(s, nodes, version)] : []
    const unreachable = apiServerUnreachable(s, version)
    out.push(...unreachable, ...(unreachable.length > 0 ? [] : singleApiServer(s, version)), ...backoffDisabled(s, version))
    out.push(...apiServerUrls(s, version), ...(nodes ? backoffMaxLowered(s, nodes, version) : []))
    if (!nodes && !s.cluster.helm && out.length === 0) ctx.notEvaluated('no node count to compare client limits with')
    return out
  },
})

type Nodes = NonNullable<ReturnType<typeof nodeCount>>

function agentLimits(s: Snapshot, nodes: Nodes, version: string | undefined): CheckResult[] {
  const out: CheckResult[] = []
  const qpsCfg = configText(s, 'k8s-client-qps')
  const burstCfg = configText(s, 'k8s-client-burst')
  const qps = qpsCfg ? Number(qpsCfg.value) : defaultFor('k8s-client-qps', version)!
  const burst = burstCfg ? Number(burstCfg.value) : defaultFor('k8s-client-burst', version)!
  const [newQps, newBurst] = [defaultFor('k8s-client-qps', '1.17.0')!, defaultFor('k8s-client-burst', '1.17.0')!]
  // Explicitly lowered below the 1.17+ defaults on a cluster that is no longer small.
  const lowered = atLeast(version, '1.17') === true && qpsCfg !== undefined && Number.isFinite(qps) && qps < newQps && nodes.count > LOWERED_NODES
  if (lowered && nodes.count <= AGENT_NODES) {
    out.push({
      messageId: 'agent-lowered-limits',
      message: `Agent API-server client explicitly limited to ${qps} QPS / burst ${burst}, below the 1.17+ defaults of ${newQps} / ${newBurst}, on ${nodes.count} nodes (heuristic: lowered limits above ${LOWERED_NODES} nodes)`,
      agents: [],
      evidence: [ev(qpsCfg.src), ...(burstCfg ? [ev(burstCfg.src)] : []), ...(nodes.src ? [ev(nodes.src)] : [])],
      helm: [
        {path: 'k8sClientRateLimit.qps', value: newQps, reason: 'back to the chart/agent default; lowered limits throttle endpoint and identity updates', cost: `API-server load grows with node count (${nodes.count} agents x QPS)`},
        {path: 'k8sClientRateLimit.burst', value: newBurst, reason: 'back to the chart/agent default', cost: 'API-server load during agent rollouts'},
      ],
    })
  }
  if (nodes.count > AGENT_NODES && Number.isFinite(qps) && qps <= AGENT_QPS) {
    const ces = configText(s, 'enable-cilium-endpoint-slice')?.value === 'true'
    const evidence: Evidence[] = [qpsCfg ? ev(qpsCfg.src) : {source: 'cilium-config', line: 0, text: `k8s-client-qps not set (default ${qps})`}, ...(nodes.src ? [ev(nodes.src)] : [])]
    out.push({
      messageId: 'agent-low-limits',
      message: `Agent API-server client limited to ${qps} QPS / burst ${burst} with ${nodes.count} nodes (heuristic threshold: <= ${AGENT_QPS} QPS above ${AGENT_NODES} nodes)${ces ? '' : '; CiliumEndpointSlice is off, enable it before raising limits'}`,
      agents: [],
      evidence,
      helm: ces
        ? [
          {path: 'k8sClientRateLimit.qps', value: qps * 2, reason: 'less client-side throttling of agent API calls', cost: `API-server load grows with node count (${nodes.count} agents x QPS)`},
          {path: 'k8sClientRateLimit.burst', value: burst * 2, reason: 'absorb bursts after restarts', cost: 'API-server load during agent rollouts'},
        ]
        : [],
    })
  }
  return out
}

function operatorLimits(s: Snapshot, nodes: Nodes, version: string | undefined): CheckResult[] {
  const opQpsCfg = configText(s, 'operator-k8s-client-qps')
  // an unknown version gives no default here: before 1.17 the operator had none of its own
  const opQps = opQpsCfg ? Number(opQpsCfg.value) : parseVersion(version) ? defaultFor('operator-k8s-client-qps', version) : undefined
  if (opQps === undefined || nodes.count <= OPERATOR_NODES || opQps > OPERATOR_QPS) return []
  return [{
    messageId: 'operator-low-limits',
    message: `Operator API-server client limited to ${opQps} QPS with ${nodes.count} nodes (heuristic threshold: <= ${OPERATOR_QPS} QPS above ${OPERATOR_NODES} nodes); CES and identity work queue behind it`,
    agents: [],
    evidence: [opQpsCfg ? ev(opQpsCfg.src) : {source: 'cilium-config', line: 0, text: `operator-k8s-client-qps not set (default ${opQps})`}, ...(nodes.src ? [ev(nodes.src)] : [])],
    helm: [{path: 'k8sClientRateLimit.operator.qps', value: opQps * 2, reason: 'operator throttling at this cluster size', cost: 'more operator writes to the API server'}],
  }]
}

function singleApiServer(s: Snapshot, version: string | undefined): CheckResult[] {
  const host = helmString(s, 'k8sServiceHost')
  const urls = configText(s, 'k8s-api-server-urls') ?? (helmValue(s, 'k8s.apiServerURLs') ? {value: String(helmValue(s, 'k8s.apiServerURLs'))} : undefined)
  const controlPlanes = (s.cluster.nodes ?? []).filter((n) => 'node-role.kubernetes.io/control-plane' in n.labels || 'node-role.kubernetes.io/master' in n.labels)
  if (atLeast(version, '1.18') !== true || !host || !IP_LITERAL.test(host) || urls || controlPlanes.length < 3) return []
  return [{
    messageId: 'single-api-server',
    message: `Agents reach the API server through a single IP (k8sServiceHost: ${host}) although there are ${controlPlanes.length} control-plane nodes; if that endpoint is not a load balancer, losing it cuts every agent off`,
    agents: [],
    evidence: [helmEvidence(s, 'k8sServiceHost'), ev(controlPlanes[0].src)],
    helm: [],
    fix: 'Put a VIP / load balancer in front of the API servers, or set k8s.apiServerURLs to the space-separated list of all API-server URLs (1.18+: the client rotates to another URL on failure).',
  }]
}

function backoffDisabled(s: Snapshot, version: string | undefined): CheckResult[] {
  const backoff = helmValue(s, 'k8sClientExponentialBackoff.enabled')
  if (atLeast(version, '1.18') !== true || (backoff !== false && backoff !== 'false')) return []
  return [{
    messageId: 'backoff-disabled',
    message: 'Exponential backoff of the agents\' Kubernetes client is disabled (k8sClientExponentialBackoff.enabled: false): after an API-server outage all agents retry in lockstep',
    agents: [],
    evidence: [helmEvidence(s, 'k8sClientExponentialBackoff.enabled')],
    helm: [{path: 'k8sClientExponentialBackoff.enabled', value: true, reason: 'spread agent retries after API-server errors (1.18+ default)'}],
  }]
}

/** k8s.apiServerURLs on a chart that does not render it, or with one URL only (no failover). */
function apiServerUrls(s: Snapshot, version: string | undefined): CheckResult[] {
  const ep = apiServerEndpoints(s)
  if (ep.urls.length === 0 || !ep.urlsEvidence) return []
  const avail = pathAvailable('k8s.apiServerURLs', version)
  if (!avail.ok && parseVersion(version)) {
    return [{
      severity: 'medium', messageId: 'api-server-urls-unsupported',
      message: `k8s.apiServerURLs is set (${nameList(ep.urls, 3)}) but ${avail.reason}: the agents ignore it and use ${ep.host ? `k8sServiceHost ${ep.host}` : 'the kubernetes Service ClusterIP'} alone.`,
      agents: [], evidence: [ep.urlsEvidence], helm: [],
      fix: 'Upgrade to 1.18+ for client-side API-server failover, or put a VIP / load balancer in front of the API servers and point k8sServiceHost at it.',
    }]
  }
  if (ep.urls.length !== 1) return []
  return [{
    severity: 'info', messageId: 'single-api-server-url',
    message: `k8s.apiServerURLs lists a single URL (${ep.urls[0]}): the client has nothing to rotate to when it fails.`,
    agents: [], evidence: [ep.urlsEvidence], helm: [],
    fix: 'List every API server (space-separated), or use one load-balanced address in k8sServiceHost instead.',
  }]
}

/** API-server connection failures in the agents' logs while they have one address to reach it by. */
function apiServerUnreachable(s: Snapshot, version: string | undefined): CheckResult[] {
  const failures = persistentApiServerFailures(s)
  const ep = apiServerEndpoints(s)
  if (failures.length === 0 || ep.urls.length >= 2) return []
  const addresses = [...new Set(failures.map((f) => f.address).filter((a): a is string => a !== undefined))]
  const agents = [...new Set(failures.map((f) => f.agent))]
  const viaClusterIp = !ep.host && !ep.hostRef && ep.urls.length === 0 && Boolean(s.cluster.helm) && kprConfigured(s)
  const has118 = pathAvailable('k8s.apiServerURLs', version).ok
  const fix = viaClusterIp
    ? 'With kube-proxy replacement and no k8sServiceHost the agents dial the kubernetes Service ClusterIP, which nothing serves until Cilium itself runs: set k8sServiceHost/k8sServicePort to a control-plane address or load balancer reachable from every node (cilium#21148).'
    : `${has118 ? 'List every API server in k8s.apiServerURLs (space-separated; the client moves to the next on failure), or p' : 'P'}ut a VIP / load balancer in front of the API servers and point k8sServiceHost at it; then find why ${addresses[0] ?? 'the address'} did not answer (API-server health, routes, firewalls).`
  return [{
    severity: 'high', messageId: 'api-server-unreachable',
    message: `${agentPhrase(agents)} logged ${failures.length} failure(s) reaching the API server${addresses.length > 0 ? ` at ${nameList(addresses, 3)}` : ''}, and ${viaClusterIp ? 'have no address but the kubernetes Service ClusterIP (kube-proxy replacement on, no k8sServiceHost)' : `reach it through one address${ep.host ? ` (k8sServiceHost: ${ep.host})` : ep.urls.length === 1 ? ` (k8s.apiServerURLs: ${ep.urls[0]})` : ''}`}: while that address is down no agent can learn about pods, services or policies.`,
    agents,
    evidence: capEvidence([...failures.slice(0, 10).map((f) => ev(f.entry.src)), ...(ep.hostEvidence ? [ep.hostEvidence] : []), ...(ep.urlsEvidence ? [ep.urlsEvidence] : [])]),
    helm: [],
    fix,
  }]
}

/** A low backoff cap makes thousands of agents retry an overloaded API server in a tight loop. */
function backoffMaxLowered(s: Snapshot, nodes: Nodes, version: string | undefined): CheckResult[] {
  const path = 'k8sClientExponentialBackoff.backoffMaxDurationSeconds'
  const set = Number(helmValue(s, path))
  const def = helmOnlyDefault(path, version)
  if (def === undefined || atLeast(version, '1.18') !== true || !Number.isFinite(set) || set >= def || nodes.count <= AGENT_NODES) return []
  if (helmValue(s, 'k8sClientExponentialBackoff.enabled') === false) return []
  return [{
    severity: 'medium', messageId: 'backoff-max-lowered',
    message: `The agents' Kubernetes client backoff is capped at ${set} s (chart default ${def} s) on ${nodes.count} nodes (heuristic: above ${AGENT_NODES} nodes): after an API-server outage every agent retries at least every ${set} s, a load of about ${Math.round(nodes.count / Math.max(set, 1))} requests/s just from retries.`,
    agents: [], evidence: [helmEvidence(s, path), ...(nodes.src ? [ev(nodes.src)] : [])],
    helm: [{path, value: def, reason: `the chart default spreads ${nodes.count} agents' retries over ${def} s`, cost: 'agents take longer to reconnect after a long outage'}],
  }]
}
