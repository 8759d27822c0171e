/*
 * Desired vs effective, as facts: for each feature a user can ask for, the cilium-config key that asks for it,
 * the status line that shows it in effect, the kernel it needs, the prerequisites (conditions of the one graph,
 * src/cilium/conditions.ts), the modes it cannot run in, and the agent's own fallback log messages (ids of
 * src/logs/catalog.ts). src/effective/ reads this table; rules read src/effective/.
 * Sources (cited per entry): daemon/cmd/kube_proxy_replacement.go, daemon/cmd/daemon.go,
 * pkg/datapath/linux/bigtcp/bigtcp.go, pkg/datapath/linux/bandwidth/bandwidth.go, pkg/client/client.go
 * (status lines), Documentation/operations/performance/tuning.rst.
 */
import type {Agent, AgentStatus, SourceRef} from '../snapshot/schema.js'
import type {ConditionId} from './conditions.js'

export const EFFECTIVE_IDS = [
  'kube-proxy-replacement', 'bpf-host-routing', 'netkit', 'bpf-masquerade', 'big-tcp-ipv4', 'big-tcp-ipv6',
  'bandwidth-manager', 'wireguard', 'ipsec', 'endpoint-slice', 'l7-proxy', 'hubble', 'local-redirect-policy', 'bgp',
] as const
export type EffectiveId = typeof EFFECTIVE_IDS[number]

/** A mode in which the feature cannot run at all; asking again changes nothing. */
export type Blocker = 'tunnel' | 'chaining' | 'encryption' | 'ipsec' | 'legacy-host-routing' | 'netkit'

/** `inferred`: read from a line's absence, not printed; too weak to compare agents with. */
export interface InEffect {on: boolean, text: string, src: SourceRef, inferred?: boolean}

export interface EffectiveFeature {
  id: EffectiveId
  title: string
  /** cilium-config keys that ask for the feature, and the values that mean "on". */
  asked: Array<{key: string, on: RegExp}>
  /** What the agent runs, from its status; undefined when the status does not show it. */
  inEffect?: (st: AgentStatus) => InEffect | undefined
  /** For features no status line shows: what the agent's other evidence (metrics, a prerequisite's line) says. */
  inEffectAgent?: (a: Agent) => InEffect | undefined
  /** What would decide an unknown reason, when it is more than the start-up log, kernels and restart times. */
  deciding?: string
  kernel?: {min: string, condition: ConditionId}
  requires?: ConditionId[]
  notWith?: Blocker[]
  /** Catalog ids of the agent's log lines that say it turned the feature off. */
  fallbackLogs?: string[]
  /** The rule that reports this feature not being in effect, when it is not feature-not-effective. */
  reportedBy?: string
  /** The rule that already reports the feature asked for in a mode it cannot run in (so a mode alone is not reported twice). */
  modesReportedBy?: string
  docs: string
}

const ON = /^(true|strict|enabled|1)$/i

const line = <T extends {src: SourceRef}>(x: T | undefined, on: (x: T) => boolean, text: (x: T) => string): InEffect | undefined =>
  x ? {on: on(x), text: text(x), src: x.src} : undefined

export const EFFECTIVE: Record<EffectiveId, EffectiveFeature> = {
  'kube-proxy-replacement': {
    id: 'kube-proxy-replacement', title: 'kube-proxy replacement',
    asked: [{key: 'kube-proxy-replacement', on: ON}],
    inEffect: (st) => line(st.kubeProxyReplacement, (k) => /^(true|strict)$/i.test(k.mode), (k) => `KubeProxyReplacement: ${k.mode}`),
    requires: ['k8s-service-host'], notWith: ['chaining'],
    docs: 'https://docs.cilium.io/en/stable/network/kubernetes/kubeproxy-free/',
  },
  'bpf-host-routing': {
    id: 'bpf-host-routing', title: 'eBPF host routing',
    asked: [{key: 'enable-host-legacy-routing', on: /^false$/i}],
    inEffect: (st) => line(st.routing, (r) => r.host === 'BPF', (r) => `Host routing: ${r.host}`),
    kernel: {min: '5.10', condition: 'kernel>=5.10'}, requires: ['kube-proxy-replacement', 'bpf-masquerade'], notWith: ['chaining', 'ipsec'],
    fallbackLogs: ['host-routing-fallback'], reportedBy: 'legacy-host-routing',
    docs: 'https://docs.cilium.io/en/stable/operations/performance/tuning/#ebpf-host-routing',
  },
  'netkit': {
    id: 'netkit', title: 'netkit devices',
    asked: [{key: 'datapath-mode', on: /^netkit(-l2)?$/i}],
    inEffect: (st) => line(st.deviceMode, (d) => /^netkit/i.test(d.value), (d) => `Device Mode: ${d.value}`),
    kernel: {min: '6.8', condition: 'kernel>=6.8'}, requires: ['bpf-host-routing'], reportedBy: 'netkit-not-effective',
    docs: 'https://docs.cilium.io/en/stable/operations/performance/tuning/#netkit-device-mode',
  },
  'bpf-masquerade': {
    // daemon/cmd/kube_proxy_replacement.go: "BPF masquerade requires NodePort", then iptables masquerading
    id: 'bpf-masquerade', title: 'eBPF masquerading',
    asked: [{key: 'enable-bpf-masquerade', on: ON}],
    inEffect: (st) => (/^disabled/i.test(st.masquerading?.mode ?? '') ? undefined : line(st.masquerading, (m) => /^BPF/i.test(m.mode), (m) => `Masquerading: ${m.mode}`)),
    requires: ['kube-proxy-replacement'], fallbackLogs: ['bpf-masquerade-fallback'],
    docs: 'https://docs.cilium.io/en/stable/network/concepts/masquerading/',
  },
  'big-tcp-ipv4': {
    // pkg/datapath/linux/bigtcp/bigtcp.go validateConfig and startBIGTCP
    id: 'big-tcp-ipv4', title: 'IPv4 BIG TCP',
    asked: [{key: 'enable-ipv4-big-tcp', on: ON}],
    inEffect: (st) => line(st.bigTcp?.ipv4, (b) => b.enabled, (b) => `IPv4 BIG TCP: ${b.enabled ? 'Enabled' : 'Disabled'}`),
    kernel: {min: '6.3', condition: 'kernel>=6.3'}, notWith: ['tunnel', 'encryption', 'legacy-host-routing', 'netkit'],
    fallbackLogs: ['big-tcp-kernel', 'big-tcp-no-devices', 'big-tcp-gso-failed'], modesReportedBy: 'big-tcp',
    docs: 'https://docs.cilium.io/en/stable/operations/performance/tuning/#ipv4-big-tcp',
  },
  'big-tcp-ipv6': {
    id: 'big-tcp-ipv6', title: 'IPv6 BIG TCP',
    asked: [{key: 'enable-ipv6-big-tcp', on: ON}],
    inEffect: (st) => line(st.bigTcp?.ipv6, (b) => b.enabled, (b) => `IPv6 BIG TCP: ${b.enabled ? 'Enabled' : 'Disabled'}`),
    kernel: {min: '5.19', condition: 'kernel>=5.19'}, notWith: ['tunnel', 'encryption', 'legacy-host-routing', 'netkit'],
    fallbackLogs: ['big-tcp-kernel', 'big-tcp-no-devices', 'big-tcp-gso-failed'], modesReportedBy: 'big-tcp',
    docs: 'https://docs.cilium.io/en/stable/operations/performance/tuning/#ipv6-big-tcp',
  },
  'bandwidth-manager': {
    // pkg/datapath/linux/bandwidth/bandwidth.go: kernel 5.1 (bpf_skb_ecn_set_ce), procfs, host devices
    id: 'bandwidth-manager', title: 'bandwidth manager',
    asked: [{key: 'enable-bandwidth-manager', on: ON}],
    inEffect: (st) => line(st.bandwidthManager, (b) => b.enabled, (b) => `BandwidthManager: ${b.text}`),
    kernel: {min: '5.1', condition: 'kernel>=5.1'}, fallbackLogs: ['bandwidth-manager-disabled'],
    docs: 'https://docs.cilium.io/en/stable/network/kubernetes/bandwidth-manager/',
  },
  'wireguard': {
    id: 'wireguard', title: 'WireGuard encryption',
    asked: [{key: 'enable-wireguard', on: ON}],
    inEffect: (st) => line(st.encryption, (e) => /wireguard/i.test(e.mode), (e) => `Encryption: ${e.text}`),
    kernel: {min: '5.6', condition: 'kernel>=5.6'},
    docs: 'https://docs.cilium.io/en/stable/security/network/encryption-wireguard/',
  },
  'ipsec': {
    id: 'ipsec', title: 'IPsec encryption',
    asked: [{key: 'enable-ipsec', on: ON}],
    inEffect: (st) => line(st.encryption, (e) => /ipsec/i.test(e.mode), (e) => `Encryption: ${e.text}`),
    docs: 'https://docs.cilium.io/en/stable/security/network/encryption-ipsec/',
  },
  'endpoint-slice': {
    // effect is read from the CiliumEndpointSlice count (src/effective/state.ts), not from status
    id: 'endpoint-slice', title: 'CiliumEndpointSlice',
    asked: [{key: 'enable-cilium-endpoint-slice', on: ON}],
    requires: ['endpoint-crd-enabled'],
    docs: 'https://docs.cilium.io/en/stable/network/kubernetes/ciliumendpointslice/',
  },
  'l7-proxy': {
    // pkg/client/client.go prints "Proxy Status:" only when the agent runs its proxy
    id: 'l7-proxy', title: 'L7 proxy',
    asked: [{key: 'enable-l7-proxy', on: ON}],
    inEffect: (st) => (st.proxy
      ? {on: !/disabled/i.test(st.proxy.text), text: `Proxy Status: ${st.proxy.text}`, src: st.proxy.src}
      : st.controllers ? {on: false, inferred: true, text: 'no "Proxy Status:" line after "Controller Status:" (printed only while the proxy runs)', src: st.controllers.src} : undefined),
    docs: 'https://docs.cilium.io/en/stable/security/network/proxy/envoy/',
  },
  'hubble': {
    id: 'hubble', title: 'Hubble',
    asked: [{key: 'enable-hubble', on: ON}],
    inEffect: (st) => line(st.hubble, (h) => !/^disabled/i.test(h.state), (h) => `Hubble: ${h.text}`),
    docs: 'https://docs.cilium.io/en/stable/observability/hubble/setup/',
  },
  'local-redirect-policy': {
    // no status line shows it; the docs' prerequisite is kube-proxy replacement, whose status line does show
    id: 'local-redirect-policy', title: 'Local Redirect Policy',
    asked: [{key: 'enable-local-redirect-policy', on: ON}],
    inEffectAgent: (a) => {
      const k = a.status?.kubeProxyReplacement
      return k && !k.enabled ? {on: false, inferred: true, text: `KubeProxyReplacement: ${k.mode} (Local Redirect Policy needs kube-proxy replacement)`, src: k.src} : undefined
    },
    requires: ['kube-proxy-replacement'],
    deciding: 'kubectl get ciliumlocalredirectpolicies -A (the policy\'s status), cilium-dbg service list on the node (a LocalRedirect frontend for the policy), and the KubeProxyReplacement line of cilium-dbg status',
    docs: 'https://docs.cilium.io/en/stable/network/kubernetes/local-redirect-policy/',
  },
  'bgp': {
    // cilium_bgp_control_plane_session_state (cilium#31469, 1.16+): 1 established, 0 not, per vrouter/neighbor;
    // no series at all means no peering config selects the node, or metrics older than 1.16: undecided
    id: 'bgp', title: 'BGP control plane',
    asked: [{key: 'enable-bgp-control-plane', on: ON}],
    inEffectAgent: (a) => {
      const sessions = (a.metrics?.samples ?? []).filter((x) => x.name === 'cilium_bgp_control_plane_session_state')
      if (sessions.length === 0) return undefined
      const up = sessions.filter((x) => x.value === 1)
      const shown = up[0] ?? sessions[0]
      return {on: up.length > 0, text: `${up.length} of ${sessions.length} BGP sessions established (${shown.src.text.trim()})`, src: shown.src}
    },
    deciding: 'cilium bgp peers (the Session column per peer), kubectl get ciliumbgpnodeconfigs / ciliumbgppeeringpolicies (does one select this node), and the peer router\'s own neighbor state',
    docs: 'https://docs.cilium.io/en/stable/network/bgp-control-plane/bgp-control-plane/',
  },
}

/** Why a blocker stops a feature, and what removing it takes. */
export const BLOCKERS: Record<Blocker, {why: string, fix: string}> = {
  'tunnel': {why: 'tunnel routing (VXLAN/Geneve)', fix: 'native routing (routingMode: native with ipv4NativeRoutingCIDR and autoDirectNodeRoutes or a routed underlay)'},
  'chaining': {why: 'CNI chaining', fix: 'Cilium as the only CNI; in chaining mode the feature is not available'},
  'encryption': {why: 'transparent encryption', fix: 'no IPsec/WireGuard on this cluster'},
  'ipsec': {why: 'IPsec encryption', fix: 'WireGuard instead of IPsec'},
  'legacy-host-routing': {why: 'legacy host routing', fix: 'eBPF host routing first (see legacy-host-routing)'},
  'netkit': {why: 'netkit device mode (BIG TCP is supported only in veth datapath mode)', fix: 'bpf.datapathMode: veth'},
}
