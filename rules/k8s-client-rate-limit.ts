import {ev, parseVersion} from '../src/rules/helpers.js'
import type {CheckResult, Evidence} from '../src/rules/types.js'
import {defineRule} from '../src/rules/types.js'
import {configText, helmEvidence, helmString, helmValue, nodeCount} from './_health-common.js'

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
    needs: [['config', 'nodes'], ['config', 'counts'], ['helm']],
    features: ['api-server-urls', 'k8s-client-backoff'],
    messages: {'agent-lowered-limits': 'agent client limits lowered below the defaults', 'agent-low-limits': 'agent client limits low for the cluster size', 'operator-low-limits': 'operator client limits low for the cluster size', 'single-api-server': 'agents reach the API server through one address', 'backoff-disabled': 'Kubernetes client exponential backoff disabled'},
    description: 'Config side of the agent/operator API-server client: agent k8s-client-qps explicitly lowered below the 1.17+ default (10) with > 100 nodes, agent QPS <= 10 with > 500 nodes, operator QPS <= 100 with > 1000 nodes (heuristics); a single API-server IP (k8sServiceHost) without k8s.apiServerURLs on 1.18+ with >= 3 control-plane nodes; 1.18+ exponential backoff switched off.',
    why: 'Client-side throttling delays endpoint, identity and CES updates at scale; a single API-server endpoint makes every agent lose the API when that node fails (with KPR there is no kube-proxy fallback); without backoff thousands of agents retry in lockstep after an outage.',
    fix: 'Enable CiliumEndpointSlice first, then raise k8sClientRateLimit.qps/burst (agent) or k8sClientRateLimit.operator.qps/burst carefully; put a VIP/LB in front of the API servers or list them in k8s.apiServerURLs (1.18+); keep k8sClientExponentialBackoff.enabled: true.',
    sources: [
      'https://docs.cilium.io/en/stable/helm-reference/',
      'https://github.com/cilium/cilium/blob/main/pkg/k8s/client/config.go',
      'https://docs.cilium.io/en/stable/operations/performance/scalability/report/',
    ],
  },
  check(ctx) {
    const s = ctx.snapshot
    const out: CheckResult[] = []
    const v = parseVersion(ctx.ciliumVersion)
    const atLeast = (minor: number) => v !== undefined && (v[0] > 1 || v[1] >= minor)
    const nodes = nodeCount(s)

    if (nodes) {
      const qpsCfg = configText(s, 'k8s-client-qps')
      const burstCfg = configText(s, 'k8s-client-burst')
      // Absent key: 1.17+ agents default to 10/20; 1.16 binaries fall back to client-go 5/10.
      const qps = qpsCfg ? Number(qpsCfg.value) : v && !atLeast(17) ? 5 : 10
      const burst = burstCfg ? Number(burstCfg.value) : v && !atLeast(17) ? 10 : 20
      // Explicitly lowered below the 1.17+ defaults (10/20) on a cluster that is no longer small.
      const lowered = atLeast(17) && qpsCfg !== undefined && Number.isFinite(qps) && qps < 10 && nodes.count > LOWERED_NODES
      if (lowered && nodes.count <= AGENT_NODES) {
        out.push({
          messageId: 'agent-lowered-limits',
          message: `Agent API-server client explicitly limited to ${qps} QPS / burst ${burst}, below the 1.17+ defaults of 10 / 20, on ${nodes.count} nodes (heuristic: lowered limits above ${LOWERED_NODES} nodes)`,
          agents: [],
          evidence: [ev(qpsCfg.src), ...(burstCfg ? [ev(burstCfg.src)] : []), ...(nodes.src ? [ev(nodes.src)] : [])],
          helm: [
            {path: 'k8sClientRateLimit.qps', value: 10, reason: 'back to the chart/agent default; lowered limits throttle endpoint and identity updates', cost: `API-server load grows with node count (${nodes.count} agents x QPS)`},
            {path: 'k8sClientRateLimit.burst', value: 20, reason: 'back to the chart/agent default', cost: 'API-server load during agent rollouts'},
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
      const opQpsCfg = configText(s, 'operator-k8s-client-qps')
      const opQps = opQpsCfg ? Number(opQpsCfg.value) : atLeast(17) ? 100 : undefined
      if (opQps !== undefined && nodes.count > OPERATOR_NODES && opQps <= OPERATOR_QPS) {
        out.push({
          messageId: 'operator-low-limits',
          message: `Operator API-server client limited to ${opQps} QPS with ${nodes.count} nodes (heuristic threshold: <= ${OPERATOR_QPS} QPS above ${OPERATOR_NODES} nodes); CES and identity work queue behind it`,
          agents: [],
          evidence: [opQpsCfg ? ev(opQpsCfg.src) : {source: 'cilium-config', line: 0, text: `operator-k8s-client-qps not set (default ${opQps})`}, ...(nodes.src ? [ev(nodes.src)] : [])],
          helm: [{path: 'k8sClientRateLimit.operator.qps', value: opQps * 2, reason: 'operator throttling at this cluster size', cost: 'more operator writes to the API server'}],
        })
      }
    }

    // R-SCL-05
    const host = helmString(s, 'k8sServiceHost')
    const urls = configText(s, 'k8s-api-server-urls') ?? (helmValue(s, 'k8s.apiServerURLs') ? {value: String(helmValue(s, 'k8s.apiServerURLs'))} : undefined)
    const controlPlanes = (s.cluster.nodes ?? []).filter((n) => 'node-role.kubernetes.io/control-plane' in n.labels || 'node-role.kubernetes.io/master' in n.labels)
    if (atLeast(18) && host && IP_LITERAL.test(host) && !urls && controlPlanes.length >= 3) {
      out.push({
        messageId: 'single-api-server',
        message: `Agents reach the API server through a single IP (k8sServiceHost: ${host}) although there are ${controlPlanes.length} control-plane nodes; if that endpoint is not a load balancer, losing it cuts every agent off`,
        agents: [],
        evidence: [helmEvidence(s, 'k8sServiceHost'), ev(controlPlanes[0].src)],
        helm: [],
        fix: 'Put a VIP / load balancer in front of the API servers, or set k8s.apiServerURLs to the space-separated list of all API-server URLs (1.18+: the client rotates to another URL on failure).',
      })
    }
    // R-SCL-06
    const backoff = helmValue(s, 'k8sClientExponentialBackoff.enabled')
    if (atLeast(18) && (backoff === false || backoff === 'false')) {
      out.push({
        messageId: 'backoff-disabled',
        message: 'Exponential backoff of the agents\' Kubernetes client is disabled (k8sClientExponentialBackoff.enabled: false): after an API-server outage all agents retry in lockstep',
        agents: [],
        evidence: [helmEvidence(s, 'k8sClientExponentialBackoff.enabled')],
        helm: [{path: 'k8sClientExponentialBackoff.enabled', value: true, reason: 'spread agent retries after API-server errors (1.18+ default)'}],
      })
    }
    if (!nodes && !s.cluster.helm) ctx.notEvaluated('no node count to compare client limits with')
    return out
  },
})
