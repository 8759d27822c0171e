import {agentsWith, capEvidence, ev, agentPhrase, configText, distinctEvidence, helmString, isTrue, nodesByKernel} from '../src/rules/helpers.js'
import {defineRule} from '../src/rules/types.js'

export const NETKIT_COST = 'only new pods get netkit; existing pods keep veth until restarted'

export default defineRule({
  meta: {
    id: 'veth-netkit-possible',
    title: 'veth devices where netkit is possible',
    severity: 'info',
    versions: '>=1.16',
    needs: [['status', 'nodes']],
    features: ['netkit'],
    messages: {'netkit-possible': 'veth devices where netkit would work'},
    description: 'Device Mode veth with eBPF host routing active and every node on kernel >= 6.8 (from Node objects). Any older or unknown kernel means no suggestion; bpf.tproxy blocks netkit.',
    why: 'netkit puts the BPF program inside the pod device and "reduces the datapath overhead for network namespaces down to zero" (tuning guide): lower latency and higher throughput than veth.',
    fix: 'bpf.datapathMode: netkit (beta). Not in-place: existing pods keep veth until restarted and mixed mode is unsupported, so roll out per node pool (CiliumNodeConfig datapath-mode: netkit on new nodes) and restart workloads.',
    prerequisites: 'kernel >= 6.8 on every node, eBPF host routing, kube-proxy replacement, BPF masquerading; not with bpf.tproxy.',
    sources: [
      'https://docs.cilium.io/en/stable/operations/performance/tuning/',
      'https://github.com/cilium/cilium/blob/main/install/kubernetes/cilium/templates/validate.yaml',
      'https://github.com/cilium/cilium/blob/main/pkg/client/client.go',
    ],
  },
  check(ctx) {
    const s = ctx.snapshot
    const agents = agentsWith(s, 'status').filter((a) => a.status.deviceMode)
    if (agents.length === 0) ctx.notEvaluated('status has no Device Mode line (agent < 1.16 or early exit)')
    const nodes = s.cluster.nodes ?? []
    const k = nodesByKernel(nodes, 6, 8)
    if (k.unknown.length > 0) ctx.notEvaluated(`kernel version unknown for ${k.unknown.length}/${nodes.length} nodes`)
    if (k.old.length > 0) return [] // netkit needs every node on >= 6.8: nothing to suggest.
    const tproxy = configText(s, 'enable-bpf-tproxy')
    if ((tproxy && isTrue(tproxy.value)) || isTrue(helmString(s, 'bpf.tproxy'))) return [] // incompatible with netkit

    const candidates = agents.filter((a) => a.status.deviceMode!.value.toLowerCase() === 'veth' && a.status.routing?.host === 'BPF')
    if (candidates.length === 0) return []
    const names = candidates.map((a) => a.name)
    const kernels = [...new Set(nodes.map((n) => n.kernel!))]
    const minKernel = nodes.map((n) => n.kernel!).sort((x, y) => x.localeCompare(y, undefined, {numeric: true}))[0]
    return [{
      messageId: 'netkit-possible',
      message: `Device Mode veth with eBPF host routing on ${agentPhrase(names)}; all ${nodes.length} nodes run kernel >= 6.8 (lowest ${minKernel}${kernels.length > 1 ? `, ${kernels.length} distinct kernels` : ''}), so netkit is possible`,
      agents: names,
      evidence: capEvidence(distinctEvidence([
        ...candidates.flatMap((a) => [ev(a.status.deviceMode!.src), ...(a.status.routing ? [ev(a.status.routing.src)] : [])]),
        ...nodes.filter((n) => n.kernel === minKernel).slice(0, 1).map((n) => ev(n.src)),
      ])),
      helm: [{
        path: 'bpf.datapathMode',
        value: 'netkit',
        reason: 'netkit removes the veth network-namespace traversal cost (beta in 1.16-1.19)',
        cost: NETKIT_COST,
      }],
      fix: 'Roll out per node pool (CiliumNodeConfig with datapath-mode: netkit on new nodes) rather than flipping a live pool; mixed veth/netkit on one node is unsupported.',
    }]
  },
})
