/*
 * What rolling out a value does (map-sizing.md §6, helm-config-map.md §2–§3): every cilium-config change
 * restarts agents through the DaemonSet rollout; some changes also lose state or only reach new pods.
 */
const RESTART = 'agents restart one node at a time (cilium-config change → DaemonSet rollout)'
const CT_LOSS = 'CT/NAT maps are re-created at agent start: connection-tracking and NAT state on each node is lost while it restarts (long-lived connections may reset)'

export function impactOf(path: string, value: unknown): string[] {
  if (path === 'bpf.mapDynamicSizeRatio' || /^bpf\.(ctTcpMax|ctAnyMax|natMax|neighMax)$/.test(path) || path === 'bpf.distributedLRU.enabled') {
    return [RESTART, CT_LOSS]
  }
  if (path === 'extraConfig.bpf-sock-rev-map-max') return [RESTART, 'socket-LB reverse-NAT map re-created: in-flight UDP replies of connected sockets may be lost']
  if (path === 'bpf.lbMapMax') return [RESTART, 'LB maps are re-created and refilled from Kubernetes services at agent start']
  if (path === 'bpf.policyMapMax') return [RESTART, 'policy maps are re-created; endpoints regenerate after the restart']
  if (path === 'bpf.datapathMode') {
    return [RESTART, `only pods created after the rollout get ${String(value)} devices; existing pods keep veth until they are re-created`]
  }
  if (path === 'bpf.hostLegacyRouting') return [RESTART, 'traffic of host-routed pods bypasses iptables/netfilter of the host afterwards (host firewall rules on pod traffic stop applying)']
  if (path === 'ciliumEndpointSlice.enabled' || path === 'enableCiliumEndpointSlice') {
    return [RESTART, 'operator restarts too; enable on the operator first and wait for cilium_operator_ces_sync_total to settle before agents switch to watching CiliumEndpointSlices']
  }
  if (path === 'kubeProxyReplacement') return [RESTART, 'service handling moves from kube-proxy to eBPF; remove kube-proxy only after agents report KubeProxyReplacement: True']
  if (path === 'bpf.masquerade') return [RESTART, 'masquerading moves from iptables to eBPF; NAT state for existing egress connections is rebuilt']
  if (path === 'labels') return [RESTART, 'identities change only after pods restart']
  if (path.startsWith('k8sClientExponentialBackoff.')) return ['agent pods are re-created (environment variable change)']
  return [RESTART]
}
