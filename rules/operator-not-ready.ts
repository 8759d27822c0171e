import {ev} from '../src/rules/helpers.js'
import type {CheckResult} from '../src/rules/types.js'
import {defineRule} from '../src/rules/types.js'
import type {PodInfo, Snapshot} from '../src/snapshot/schema.js'

const OPERATOR_POD = /^cilium-operator-/
const AGENT_POD = /^cilium-(?!operator|envoy)[a-z0-9]{5}$/
// a Ready operator that restarted a couple of times (leader election lost at start-up) is normal
const RESTARTS = 3

function isPending(p: PodInfo): boolean {
  return p.ready !== true && /^Pending$/i.test(p.phase ?? '')
}

/**
 * The chart runs 2 operator replicas with a host port (9963), so on a one-node cluster the second stays
 * Pending forever: harmless (the first runs) and fixed by operator.replicas: 1, not an outage.
 */
function standbyPending(pods: PodInfo[], s: Snapshot): CheckResult | undefined {
  const pending = pods.filter(isPending)
  if (pending.length === 0 || !pods.some((p) => p.ready === true)) return undefined
  const agents = (s.cluster.pods ?? []).filter((p) => AGENT_POD.test(p.name)).length
  const nodes = s.cluster.nodes?.length ?? (agents > 0 ? agents : undefined)
  const single = nodes === 1
  const replicas = s.cluster.operator?.desired ?? pods.length
  if (!single && nodes !== undefined && replicas > nodes) return moreReplicasThanNodes(pending, replicas, nodes)
  return {
    severity: single ? 'info' : 'medium',
    messageId: single ? 'standby-pending-single-node' : 'standby-pending',
    message: single
      ? `${pending.length} cilium-operator replica(s) Pending on a one-node cluster while another replica runs: operator pods use a host port, so a second replica needs a second node`
      : `${pending.length} cilium-operator replica(s) Pending while another runs: the operator keeps working but has no standby for failover`,
    agents: [],
    evidence: pending.map((p) => ev(p.src)),
    helm: single ? [{path: 'operator.replicas', value: 1, reason: 'one node can hold only one operator replica (host port 9963)'}] : [],
    fix: single ? 'Set operator.replicas: 1 on a single-node cluster.' : 'kubectl -n kube-system describe pod of the Pending replica shows why it cannot be scheduled (host port, node selector, taints).',
  }
}

/** More replicas than nodes: one replica per node (host port), so the surplus stays Pending by design. */
function moreReplicasThanNodes(pending: PodInfo[], replicas: number, nodes: number): CheckResult {
  return {
    severity: 'info',
    messageId: 'replicas-exceed-nodes',
    message: `${pending.length} cilium-operator replica(s) Pending: ${replicas} replicas on ${nodes} nodes, and each replica needs a node of its own (host port 9963); the running replicas already give failover`,
    agents: [],
    evidence: pending.map((p) => ev(p.src)),
    helm: [{path: 'operator.replicas', value: nodes, reason: `${nodes} nodes hold at most ${nodes} operator replicas (host port 9963)`}],
    fix: `Set operator.replicas to at most the node count (${nodes}); the Pending replicas can never schedule.`,
  }
}

export default defineRule({
  meta: {
    id: 'operator-not-ready',
    title: 'cilium-operator not ready',
    severity: 'critical',
    versions: '*',
    needs: [['operator'], ['pods']],
    messages: {'scaled-to-zero': 'the operator is scaled to 0', 'replicas-not-ready': 'operator replicas not ready', 'pods-unhealthy': 'operator pods unhealthy', 'standby-pending': 'a standby operator replica is Pending', 'standby-pending-single-node': 'a second operator replica cannot run on a one-node cluster', 'replicas-exceed-nodes': 'more operator replicas than nodes'},
    description: 'cilium-operator Deployment with ready (or available) replicas below desired, scaled to zero, or operator pods not Ready / restarting. Replicas against nodes: each replica needs its own node (host port 9963), so on a one-node cluster the second replica, and with more replicas than nodes the surplus, stays Pending by design (info, operator.replicas ≤ nodes) rather than an outage.',
    why: 'Without a running operator: no identity garbage collection, no CiliumEndpointSlice batching, no pod CIDR / ENI IP allocation for new nodes (cluster-pool, ENI), no LB-IPAM. Existing traffic keeps flowing, but the cluster slowly degrades.',
    fix: 'kubectl -n kube-system describe deploy/cilium-operator and its pods (scheduling, image pull, crash log); check the cilium-operator-resource-lock Lease is being renewed.',
    sources: [
      'https://docs.cilium.io/en/stable/helm-reference/',
      'https://github.com/cilium/cilium/blob/main/operator/cmd/root.go',
    ],
  },
  check(ctx) {
    const s = ctx.snapshot
    const out: CheckResult[] = []
    const op = s.cluster.operator
    const pods = (s.cluster.pods ?? []).filter((p) => OPERATOR_POD.test(p.name))
    const standby = standbyPending(pods, s)
    // replicas missing only because there are fewer nodes than replicas are the standby finding, not an outage
    const byNodes = standby !== undefined && op !== undefined && op.ready >= 1 &&
      (standby.messageId === 'replicas-exceed-nodes' || standby.messageId === 'standby-pending-single-node') &&
      op.desired - op.ready <= pods.filter(isPending).length
    if (op && !byNodes) {
      const available = op.available ?? op.ready
      if (op.desired === 0) {
        out.push({severity: 'critical', messageId: 'scaled-to-zero', message: 'cilium-operator is scaled to 0 replicas', agents: [], evidence: [ev(op.src)], helm: [{path: 'operator.replicas', value: 2, reason: 'run the operator (default 2 replicas for leader-election failover)'}]})
      } else if (op.ready < op.desired || available < op.desired) {
        out.push({
          severity: op.ready === 0 ? 'critical' : 'high',
          messageId: 'replicas-not-ready',
          message: `cilium-operator has ${op.ready}/${op.desired} replicas ready${op.available !== undefined ? `, ${op.available} available` : ''}${op.ready === 0 ? ': no operator is running' : ''}`,
          agents: [],
          evidence: [ev(op.src)],
          helm: [],
        })
      }
    }
    if (standby) out.push(standby)
    const bad = pods.filter((p) => !(standby && isPending(p)) &&
      (p.ready === false || p.restarts >= RESTARTS || /oomkilled/i.test(p.lastTerminationReason ?? '')))
    if (bad.length > 0 && !(op && out.length > 0 && bad.every((p) => p.restarts === 0))) {
      out.push({
        severity: 'high',
        messageId: 'pods-unhealthy',
        message: `cilium-operator pod(s) unhealthy: ${bad.map((p) => `${p.name} (${[p.ready === false ? `not Ready${p.phase ? `, ${p.phase}` : ''}` : '', p.restarts > 0 ? `${p.restarts} restarts` : '', p.lastTerminationReason ?? ''].filter(Boolean).join(', ')})`).join('; ')}`,
        agents: [],
        evidence: bad.map((p) => ev(p.src)),
        helm: [],
      })
    }
    if (!op && pods.length === 0) ctx.notEvaluated('no cilium-operator Deployment or pods in the evidence')
    return out
  },
})
