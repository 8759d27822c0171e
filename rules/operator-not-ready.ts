import {ev} from '../src/rules/helpers.js'
import type {CheckResult, Rule} from '../src/rules/types.js'

const OPERATOR_POD = /^cilium-operator-/

export default {
  meta: {
    id: 'operator-not-ready',
    title: 'cilium-operator not ready',
    severity: 'critical',
    versions: '*',
    needs: [['operator'], ['pods']],
    catalog: ['R-AGT-08'],
    description: 'cilium-operator Deployment with ready (or available) replicas below desired, scaled to zero, or operator pods not Ready / restarting.',
    why: 'Without a running operator: no identity garbage collection, no CiliumEndpointSlice batching, no pod CIDR / ENI IP allocation for new nodes (cluster-pool, ENI), no LB-IPAM. Existing traffic keeps flowing, but the cluster slowly degrades.',
    fix: 'kubectl -n kube-system describe deploy/cilium-operator and its pods (scheduling, image pull, crash log); check the cilium-operator-resource-lock Lease is being renewed.',
    sources: [
      'Helm values operator.replicas (default 2), https://github.com/cilium/cilium',
      'operator/cmd/root.go (leader election lock cilium-operator-resource-lock)',
    ],
  },
  check(ctx) {
    const s = ctx.snapshot
    const out: CheckResult[] = []
    const op = s.cluster.operator
    if (op) {
      const available = op.available ?? op.ready
      if (op.desired === 0) {
        out.push({severity: 'critical', message: 'cilium-operator is scaled to 0 replicas', agents: [], evidence: [ev(op.src)], helm: [{path: 'operator.replicas', value: 2, reason: 'run the operator (default 2 replicas for leader-election failover)'}]})
      } else if (op.ready < op.desired || available < op.desired) {
        out.push({
          severity: op.ready === 0 ? 'critical' : 'high',
          message: `cilium-operator has ${op.ready}/${op.desired} replicas ready${op.available !== undefined ? `, ${op.available} available` : ''}${op.ready === 0 ? ': no operator is running' : ''}`,
          agents: [],
          evidence: [ev(op.src)],
          helm: [],
        })
      }
    }
    const pods = (s.cluster.pods ?? []).filter((p) => OPERATOR_POD.test(p.name))
    const bad = pods.filter((p) => p.ready === false || p.restarts > 0 || /oomkilled/i.test(p.lastTerminationReason ?? ''))
    if (bad.length > 0 && !(op && out.length > 0 && bad.every((p) => p.restarts === 0))) {
      out.push({
        severity: 'high',
        message: `cilium-operator pod(s) unhealthy: ${bad.map((p) => `${p.name} (${[p.ready === false ? 'not Ready' : '', p.restarts > 0 ? `${p.restarts} restarts` : '', p.lastTerminationReason ?? ''].filter(Boolean).join(', ')})`).join('; ')}`,
        agents: [],
        evidence: bad.map((p) => ev(p.src)),
        helm: [],
      })
    }
    if (!op && pods.length === 0) ctx.notEvaluated('no cilium-operator Deployment or pods in the evidence')
    return out
  },
} satisfies Rule
