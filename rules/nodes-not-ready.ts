import {capEvidence, ev, nameList} from '../src/rules/helpers.js'
import {defineRule} from '../src/rules/types.js'

export default defineRule({
  meta: {
    id: 'nodes-not-ready',
    title: 'Nodes NotReady',
    severity: 'high',
    versions: '*',
    needs: [['nodes']],
    messages: {'nodes-not-ready': 'nodes report NotReady'},
    description: 'Nodes whose Ready condition is not True (`kubectl get nodes` STATUS NotReady, or the node object). Nodes without a readable status are not counted.',
    why: 'The kubelet marks a node NotReady when its network plugin is not ready: with Cilium that usually means the agent on the node is not running or has not written its CNI configuration yet, and no pod there gets networking.',
    fix: 'Look at the Cilium agent on each NotReady node (kubectl -n kube-system get pods -o wide --field-selector spec.nodeName=NODE) and at `kubectl describe node NODE` conditions: "NetworkPluginNotReady" / "cni plugin not initialized" point at the agent.',
    sources: ['https://kubernetes.io/docs/reference/node/node-status/#condition', 'https://github.com/ranchergovernment/rke2-ansible/issues/165', 'https://docs.cilium.io/en/stable/operations/troubleshooting/'],
  },
  check(ctx) {
    const nodes = ctx.snapshot.cluster.nodes ?? []
    const bad = nodes.filter((n) => n.ready === false)
    if (bad.length === 0) return []
    return [{
      severity: 'high',
      messageId: 'nodes-not-ready',
      message: `${bad.length} of ${nodes.length} node(s) NotReady: ${nameList(bad.map((n) => n.name))}. Pods there get no networking while the CNI is not ready.`,
      agents: [],
      evidence: capEvidence(bad.map((n) => ev(n.src))),
      helm: [],
    }]
  },
})
