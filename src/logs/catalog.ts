import type {HelmSuggestion, Severity} from '../rules/types.js'
import {causeOf} from './causes.js'
import {ENI_CONDITIONS} from './catalog-eni.js'
import {OVERFLOW_CONDITIONS} from './catalog-overflow.js'

/*
 * Log messages an experienced Cilium engineer recognizes, each with what it means and what to change.
 * Templates are Cilium's own log messages (the `msg` of the agent's logrus/slog calls) as they appear in
 * public issues; `url` is where the message and its fix are discussed.
 */

export interface LogCondition {
  id: string // the finding's messageId
  title: string
  severity: Severity
  msg: RegExp // tested against the message (msg=…)
  line?: RegExp // and, when set, against the whole raw line (error=… and other fields)
  reading: string // what it means, for one line of the finding
  fix: (line: string) => string
  helm?: HelmSuggestion[]
  url: string
  // The rule that reports this condition instead of log-conditions (a mode-specific check, e.g. eni-ip-exhaustion).
  reportedBy?: string
  // A fallback is an incident only when the feature was asked for explicitly; otherwise it is an info note
  // (1.10–1.13 agents try BPF host routing by default and log the fallback on every old kernel).
  askedFor?: {configKey: string, value: string, helmPath: string, helmValue: unknown}
  // Lines an expert reads past: claimed (so never "unexplained") but reported only from minCount lines on.
  benign?: boolean
  minCount?: number
  // A feature's fallback: feature-not-effective reports it as the reason the feature is off (src/cilium/effective.ts).
  feature?: string
}

/** The reason a fallback message gives: the sentence before "Falling back". */
function reasonBefore(line: string, marker: RegExp): string {
  const msg = (/msg="((?:[^"\\]|\\.)*)"/.exec(line)?.[1] ?? line).replace(/\\(.)/g, '$1')
  const cut = msg.search(marker)
  return cut > 0 ? msg.slice(0, cut).trim().replace(/\.$/, '') : 'no reason given'
}

function hostRoutingFix(line: string): string {
  const reason = reasonBefore(line, /Falling back/i)
  if (/^BPF masquerade could not be enabled/i.test(reason)) return 'BPF host routing fell back because BPF masquerading did not come up: the masquerading warning just before this line names why; remove that reason and both take effect at the next agent restart.'
  if (/bpf-masquerade/i.test(reason)) return 'BPF host routing needs BPF masquerading: set bpf.masquerade: true (with kubeProxyReplacement) and restart the agents.'
  if (/kube-proxy-replacement/i.test(reason)) return 'BPF host routing needs kube-proxy replacement: enable kubeProxyReplacement (with k8sServiceHost/k8sServicePort) before asking for BPF host routing.'
  if (/kernel/i.test(reason)) return `The node kernel is too old for BPF host routing (${reason}): upgrade the kernel; asking for the feature again changes nothing.`
  return `The agent gave this reason: "${reason}". Remove it, then BPF host routing takes effect at the next agent restart.`
}

function bpfMasqueradeFix(line: string): string {
  const reason = /error="((?:[^"\\]|\\.)*)"/.exec(line)?.[1]?.replace(/\\(.)/g, '$1') ?? reasonBefore(line, /Falling back/i)
  if (/socket-LB|bpf-lb-sock/i.test(reason)) return `The agent said: "${reason}". BPF masquerading needs socket load-balancing: leave socketLB enabled (it is on with kubeProxyReplacement), then restart the agents.`
  if (/NodePort|node-port|kube-proxy-replacement/i.test(reason)) return `The agent said: "${reason}". BPF masquerading needs BPF NodePort: enable kubeProxyReplacement (with k8sServiceHost/k8sServicePort), then restart the agents.`
  if (/egress-masquerade-interfaces/i.test(reason)) return `The agent said: "${reason}". Name the masquerading devices with Helm \`devices\` instead of egressMasqueradeInterfaces, then restart the agents.`
  if (/kernel|helper|probe/i.test(reason)) return `The agent said: "${reason}". The node kernel lacks what BPF masquerading needs: upgrade the kernel (https://docs.cilium.io/en/stable/operations/system_requirements/).`
  if (reason === 'no reason given') return 'BPF masquerading needs kube-proxy replacement (or BPF NodePort) and a supported kernel: the agent\'s start-up warning just before this line names which is missing.'
  return `The agent said: "${reason}": remove that reason, then bpf.masquerade takes effect at the next agent restart.`
}

export const LOG_CONDITIONS: LogCondition[] = [
  {
    id: 'identity-exhausted',
    title: 'Security identities exhausted',
    severity: 'critical',
    // the allocator's own "Key allocation attempt failed", and whatever logs its error on: endpoint regeneration
    // ("unable to resolve identity: … no more available IDs"), the CNI add of a new pod
    msg: /./,
    line: /no more available IDs in configured space/,
    reading: 'the cluster-wide identity space is full, so new pods get no security identity and no network policy or connectivity',
    fix: (line) => (/controller-uid|job-name/.test(line)
      ? 'Job pods carry unique controller-uid/job-name labels, so every Job run allocates a new identity: exclude them from identity-relevant labels (Helm `labels`, e.g. "k8s:!controller-uid k8s:!job-name k8s:!batch.kubernetes.io/controller-uid k8s:!batch.kubernetes.io/job-name"; default since 1.16 via cilium#31964), then let identity GC free the old ones.'
      : 'Find the labels that make identities unique per pod (kubectl get ciliumidentities, look for UIDs, hashes, timestamps) and exclude them with Helm `labels` (identity-relevant labels); check that identity GC runs in cilium-operator.'),
    url: 'https://docs.cilium.io/en/stable/operations/performance/scalability/identity-relevant-labels/',
  },
  {
    id: 'apiserver-unreachable',
    title: 'Agent cannot reach the Kubernetes API server',
    severity: 'high',
    msg: /^Unable to contact k8s api-server/,
    reading: 'the agent cannot talk to the API server, so it cannot start or learn about pods, services and policies',
    fix: (line) => causeOf(line).fix,
    url: 'https://docs.cilium.io/en/stable/operations/troubleshooting/',
  },
  {
    id: 'k8s-list-failing',
    title: 'Kubernetes watches failing',
    severity: 'high',
    // logrus k8sError (error="…"), and client-go's reflector line itself, raw klog ("E0421 … reflector.go:123] <file>.go:445:
    // Failed to list *v2.CiliumIdentity: …", 1.6 agents) or bridged at warning (subsys=klog, msg="<file>.go:78: failed to list …")
    msg: /^k8sError$|^[\w./@+-]+\.go:\d+: (Failed to (list|watch)|failed to list) \*/,
    line: /[Ff]ailed to (list|watch)/,
    reading: 'the agent\'s Kubernetes informers cannot list or watch objects, so its view of services, endpoints and policies is stale',
    fix: (line) => causeOf(line).fix,
    url: 'https://docs.cilium.io/en/stable/operations/troubleshooting/',
  },
  {
    id: 'host-routing-fallback',
    title: 'BPF host routing fell back to legacy',
    severity: 'medium',
    msg: /Falling back to legacy host routing/i,
    reading: 'BPF host routing is not in effect: the agent runs legacy (iptables) host routing',
    fix: hostRoutingFix,
    askedFor: {configKey: 'enable-host-legacy-routing', value: 'false', helmPath: 'bpf.hostLegacyRouting', helmValue: false},
    url: 'https://docs.cilium.io/en/stable/operations/performance/tuning/#ebpf-host-routing',
  },
  {
    id: 'bpf-masquerade-fallback',
    title: 'BPF masquerading could not be enabled',
    severity: 'medium',
    // ≤1.15 daemon/cmd/kube_proxy_replacement.go: "<reason> Falling back to iptables-based masquerading." (or the reason in
    // error=), then the info line "BPF masquerade could not be enabled. Falling back to legacy host routing"
    msg: /BPF masquerade could not be enabled|Falling back to iptables-based masquerading/i,
    reading: 'BPF masquerading is not in effect: the agent uses iptables masquerading',
    fix: bpfMasqueradeFix,
    // no askedFor: BPF masquerading is off by default, so the agent logs this only when it was asked for
    url: 'https://docs.cilium.io/en/stable/network/concepts/masquerading/',
  },
  {
    id: 'hubble-queue-full',
    title: 'Hubble event queue overflowing',
    severity: 'medium',
    // "… processing messages again: N messages were lost" was a warning until 1.13 (cilium#22864), info since
    msg: /hubble events queue is (full|processing messages again)/i,
    reading: 'Hubble drops flow events because its queue is full: flow logs and Hubble metrics miss traffic (the datapath is not affected)',
    fix: () => 'Raise hubble.eventQueueSize (a power of two) or give the agent more CPU; a full flow ring buffer alone is normal, a full event queue is not.',
    helm: [],
    url: 'https://docs.cilium.io/en/stable/observability/hubble/configuration/',
  },
  {
    id: 'endpoint-regeneration-failed',
    title: 'Endpoint regeneration failing',
    severity: 'high',
    msg: /^Regeneration of endpoint failed/,
    reading: 'pods on this node keep their old BPF programs or policy: changes to policy or identity are not applied to them',
    fix: (line) => {
      const cause = causeOf(line)
      return cause.id === 'unknown'
        ? 'The error= field names the failing step (identity allocation, policy map, compilation); cilium-dbg endpoint get <id> shows the endpoint\'s status log.'
        : cause.fix
    },
    url: 'https://docs.cilium.io/en/stable/operations/troubleshooting/',
  },
  {
    id: 'podcidr-unavailable',
    title: 'Agent waiting for a pod CIDR',
    severity: 'critical',
    msg: /^Waiting for k8s node information/,
    line: /PodCIDR not available/,
    reading: 'the agent cannot start because its node has no pod CIDR: no pod on this node gets networking',
    fix: () => 'With cluster-pool IPAM the operator hands each node a /clusterPoolIPv4MaskSize block from ipam.operator.clusterPoolIPv4PodCIDRList: the pool has fewer blocks than nodes. Add a CIDR to the list or use a longer mask size (fewer addresses per node); with kubernetes IPAM, give the node a spec.podCIDR (kube-controller-manager --allocate-node-cidrs).',
    url: 'https://docs.cilium.io/en/stable/network/concepts/ipam/cluster-pool/',
  },
  {
    id: 'node-ids-exhausted',
    title: 'Node IDs exhausted',
    severity: 'high',
    msg: /No more IDs available for nodes/i,
    reading: 'the agent cannot allocate a node ID for a remote node, so traffic to pods on that node cannot be encapsulated or encrypted correctly',
    fix: () => 'Node IDs are allocated per remote node IP and released when nodes go away: check `cilium-dbg bpf nodeid list` for stale entries and upgrade to a release with the node-ID leak fixes (cilium#42787).',
    url: 'https://github.com/cilium/cilium/issues/42787',
  },
]

LOG_CONDITIONS.push(
  {
    id: 'crd-missing',
    title: 'Cilium CRD missing from the API server',
    severity: 'high',
    msg: /not found|CRD|CustomResourceDefinition|Unable to list/i,
    line: /the server could not find the requested resource|no matches for kind "Cilium/,
    reading: 'a Cilium custom resource type is not served by the API server, so the agent cannot list or watch it',
    fix: (line) => causeOf(line).fix,
    url: 'https://docs.cilium.io/en/stable/operations/troubleshooting/',
  },
  {
    id: 'bpffs-maps-unavailable',
    title: 'BPF maps cannot be pinned (BPF filesystem not usable)',
    severity: 'high',
    msg: /^error opening map after bpffs was mounted$/,
    reading: 'the agent mounted a BPF filesystem itself but cannot create its map directories there, so its maps are not pinned and the datapath is not set up',
    fix: () => 'Mount bpffs on the host at /sys/fs/bpf (fstab or a systemd mount unit) and give the agent that host path, so maps are pinned where the agent expects them and survive restarts (https://docs.cilium.io/en/stable/operations/system_requirements/#mounted-ebpf-filesystem).',
    url: 'https://github.com/cilium/cilium/issues/4254',
  },
  {
    id: 'bpffs-not-mounted',
    title: 'BPF filesystem not mounted on the host',
    severity: 'medium',
    msg: /^BPF filesystem is not mounted\. This will lead to network disruption/,
    reading: 'the agent mounts bpffs inside its own container, so its pinned maps vanish with the container and every agent restart disrupts the node\'s traffic',
    fix: () => 'Mount bpffs on the host at /sys/fs/bpf and give the agent that host path (Talos and similar distributions: keep the chart\'s bpf-maps hostPath volume; the "skip mounting bpffs" setting only skips the init container) (https://docs.cilium.io/en/stable/operations/system_requirements/#mounted-ebpf-filesystem).',
    url: 'https://github.com/siderolabs/talos/pull/7565',
  },
  {
    id: 'ipsec-xfrm-conflict',
    title: 'IPsec XFRM states could not be installed',
    severity: 'high',
    msg: /^Failed to add XFRM state due to conflicting state$|^IPsec enable failed$/,
    reading: 'the agent could not install the IPsec (XFRM) state for some peers, so encrypted traffic to or from them is dropped',
    fix: () => 'A stale XFRM state with the same SPI conflicts with the new one (often after an interface change or an interrupted key rotation): rotate the IPsec key properly (new SPI, "+1" in the keyid, https://docs.cilium.io/en/stable/security/network/encryption-ipsec/#key-rotation), which reinstalls every state; check `cilium-dbg encrypt status` for XFRM errors afterwards.',
    url: 'https://github.com/cilium/cilium/issues/33507',
  },
  {
    id: 'crd-permission-denied',
    title: 'Cilium may not create or update its CRDs',
    severity: 'high',
    // the operator's fatal "Unable to register CRDs" is agent-restarts' start failure, named by its cause
    msg: /^Unable to (update|create) CRDs?$|^Error while enabling k8s watcher$/,
    line: /cannot (create|update|get) (resource \\?"customresourcedefinitions|customresourcedefinitions)/,
    reading: 'the service account lacks RBAC permission on customresourcedefinitions, so a Cilium CRD is not installed or not up to date and its watchers do not start',
    fix: (line) => causeOf(line).fix,
    url: 'https://github.com/cilium/cilium/pull/22824',
  },
  {
    id: 'leader-lease-conflict',
    title: 'Operator leader-lease update conflict',
    severity: 'info',
    msg: /^Failed to update lock: Operation cannot be fulfilled on leases/,
    reading: 'two operator replicas raced to update the leader lease; client-go retries and nothing is lost',
    fix: () => 'Nothing to do: Cilium\'s own CI treats this line as benign.',
    benign: true,
    url: 'https://github.com/cilium/cilium/issues/31374',
  },
  {
    // kubespray#6681, kops#10403: a ClusterRole from before the operator used coordination.k8s.io leases
    id: 'leader-lease-forbidden',
    title: 'Operator may not use its leader lease',
    severity: 'high',
    msg: /^(Failed to update lock|error retrieving resource lock|Error retrieving lease lock|error initially creating leader election record)/,
    line: /is forbidden: User \\?"system:serviceaccount:/,
    reading: 'the operator\'s service account may not read or write its leader-election lease, so no replica becomes leader: no IPAM, identity GC or CiliumEndpointSlice work is done',
    fix: () => 'The operator ClusterRole/Role lacks get/create/update on leases (coordination.k8s.io) in the operator namespace, usually a hand-made or distribution RBAC older than the running operator: re-apply the chart\'s RBAC of the running version (kubespray#6681).',
    url: 'https://github.com/kubernetes-sigs/kubespray/issues/6681',
  },
  {
    id: 'leader-lease-timeout',
    title: 'Operator cannot renew its leader lease',
    severity: 'high',
    msg: /^(Failed to update lock|error retrieving resource lock|Error retrieving lease lock)/,
    line: /Client\.Timeout exceeded|context deadline exceeded|i\/o timeout|unable to return a response in the time allotted/,
    reading: 'lease renewals to the API server time out, so the operator loses leadership and restarts; while it is down no IPAM, identity GC or CiliumEndpointSlice work is done',
    fix: () => 'The API server answers too slowly for the operator\'s lease renewal (a few seconds): check API-server latency and load, and the operator\'s client rate limits (client-side throttling starves the renewal, cilium#24266). A single timeout is a blip; repeated ones are this condition.',
    minCount: 3,
    url: 'https://github.com/cilium/cilium/issues/32846',
  },
)

// Fallbacks the agent logs when it turns a requested feature off (pkg/datapath/linux/bigtcp/bigtcp.go,
// pkg/datapath/linux/bandwidth/bandwidth.go); feature-not-effective names them as the reason.
LOG_CONDITIONS.push(
  {
    id: 'big-tcp-kernel', title: 'BIG TCP refused: kernel too old', severity: 'medium', feature: 'big-tcp',
    msg: /^Cannot enable --enable-ipv[46]-big-tcp, needs kernel/,
    reading: 'the agent did not enable BIG TCP because the node kernel lacks the GSO/GRO size attributes',
    fix: (line) => `Upgrade the node kernel (${/needs kernel ([\d.]+)/.exec(line)?.[1] ?? '6.3 for IPv4, 5.19 for IPv6'} or newer); asking for BIG TCP again changes nothing.`,
    url: 'https://docs.cilium.io/en/stable/operations/performance/tuning/#ipv4-big-tcp',
  },
  {
    id: 'big-tcp-no-devices', title: 'BIG TCP refused: no host devices', severity: 'medium', feature: 'big-tcp',
    msg: /^BIG TCP could not detect host devices/,
    reading: 'the agent found no native devices to raise the GSO/GRO size on, so BIG TCP stays off',
    fix: () => 'Name the native devices (Helm `devices`) or fix device detection, then restart the agents.',
    url: 'https://docs.cilium.io/en/stable/operations/performance/tuning/#ipv4-big-tcp',
  },
  {
    id: 'big-tcp-gso-failed', title: 'BIG TCP rolled back', severity: 'medium', feature: 'big-tcp',
    msg: /^Could not modify IPv[46] gro_max_size and gso_max_size, disabling BIG TCP/,
    reading: 'the NIC driver refused the larger GSO/GRO size, so the agent rolled BIG TCP back',
    fix: () => 'The device driver does not accept BIG TCP sizes (supported: mlx4, mlx5, ice); disable BIG TCP or use a NIC whose driver supports it.',
    url: 'https://docs.cilium.io/en/stable/operations/performance/tuning/#ipv4-big-tcp',
  },
  {
    id: 'bandwidth-manager-disabled', title: 'Bandwidth manager turned off by the agent', severity: 'medium', feature: 'bandwidth-manager',
    msg: /^BPF bandwidth manager (needs kernel|could not read procfs|could not detect host devices)/,
    reading: 'the agent turned the bandwidth manager off at start-up, so pod egress bandwidth annotations are not enforced',
    fix: (line) => (/kernel/.test(line) ? 'Upgrade the node kernel to 5.1 or newer (5.18 for BBR).' : 'The agent could not read procfs or find host devices: check the devices setting and the agent\'s /proc mount.'),
    url: 'https://docs.cilium.io/en/stable/network/kubernetes/bandwidth-manager/',
  },
)

// Failures that leave one subsystem behind while the agent runs on
LOG_CONDITIONS.push(
  {
    // pkg/datapath/linux/ipsec: the keyfile watcher reloads a rotated key; on failure the node keeps its old key
    id: 'ipsec-key-reload-failed', title: 'Rotated IPsec key not loaded', severity: 'high',
    msg: /^Failed to load IPsec keyfile/,
    reading: 'the agent could not load the IPsec key after the Secret changed and keeps the previous key, so nodes that did load the new key cannot decrypt its traffic (XfrmInNoStates drops)',
    fix: (line) => `${causeOf(line).id === 'ipsec-keys' ? causeOf(line).fix : 'The error= field names what was wrong with the keyfile.'} Rotate again with a new SPI in the documented format so every node loads the same key (https://docs.cilium.io/en/stable/security/network/encryption-ipsec/#key-rotation).`,
    url: 'https://docs.cilium.io/en/stable/security/network/encryption-ipsec/#key-rotation',
  },
  {
    // cilium#6754: once at start-up ("hasn't yet been initialized") is normal; repeated restarts are not
    id: 'health-endpoint-restarting', title: 'cilium-health endpoint keeps restarting', severity: 'medium', minCount: 3,
    msg: /^health endpoint is unreachable, restarting health endpoint/,
    reading: 'the agent cannot reach its own health endpoint and restarts it, so node-to-node health probes from this node are unreliable',
    fix: () => 'Check the cilium-health-ep controller (cilium-dbg status --all-controllers) and the health endpoint\'s IP against the node\'s pod CIDR; a host firewall or policy dropping traffic to the health endpoint (port 4240) keeps it unreachable.',
    url: 'https://github.com/cilium/cilium/issues/6754',
  },
  {
    // cilium#22601: logged while restoring endpoints before the Kubernetes caches have synced; CI allow-lists it
    id: 'cep-stale-restore', title: 'Stale CiliumEndpoints not checked at restore', severity: 'info', benign: true,
    msg: /^Failed to get possibly stale ciliumendpoints from apiserver, skipping/,
    reading: 'at restart the agent could not list CiliumEndpoints to clean stale ones; endpoint GC removes them later',
    fix: () => 'Nothing to do unless it repeats after start-up.',
    url: 'https://github.com/cilium/cilium/issues/22601',
  },
)

// datapath-mode auto (1.19+, pkg/datapath/connector/config.go) picks veth when netkit cannot run: a note with the reason
LOG_CONDITIONS.push({
  id: 'netkit-auto-fallback', title: 'datapath-mode auto chose veth, not netkit', severity: 'info',
  msg: /^datapath autodiscovery failed, reverting from netkit to veth/,
  reading: 'bpf.datapathMode: auto runs veth devices on this node because netkit is not possible here; pods work, without netkit\'s lower latency',
  fix: (line) => (/tproxy/i.test(line)
    ? 'netkit is blocked by bpf.tproxy (netkit programs cannot assign sockets for TPROXY, cilium#39892): set bpf.tproxy: false if the L7 proxy can redirect through iptables, otherwise veth is the right mode.'
    : 'The node kernel lacks netkit (6.7+ with CONFIG_NETKIT; Cilium documents 6.8): upgrade the node kernel to get netkit; until then veth is the right mode and nothing needs changing.'),
  url: 'https://docs.cilium.io/en/stable/operations/performance/tuning/#netkit-device-mode',
})

// cilium-operator's IPAM allocators (multi-pool: pkg/ipam/allocator/multipool): a node left without pod addresses.
LOG_CONDITIONS.push({
  id: 'podcidr-allocation-failed',
  title: 'Operator cannot allocate pod CIDRs to a node',
  severity: 'high',
  msg: /^Failed to allocate PodCIDRs to node/,
  reading: 'cilium-operator found no free block in the IP pool for a node, so pods scheduled there get no address',
  fix: (line) => (/pool empty|allocator full/.test(line)
    ? 'The pool the node allocates from is exhausted: add CIDRs to that CiliumPodIPPool (multi-pool) or to ipam.operator.clusterPoolIPv4PodCIDRList (cluster-pool); kubectl get ciliumnodes -o yaml shows status.ipam.operator-status per node.'
    : 'The error= field names the pool and the reason; kubectl get ciliumpodippools and the CiliumNode status.ipam.operator-status show the rest.'),
  url: 'https://github.com/cilium/cilium/issues/41986',
})
LOG_CONDITIONS.push(...ENI_CONDITIONS, ...OVERFLOW_CONDITIONS)

export function conditionOf(msg: string, line: string): LogCondition | undefined {
  return LOG_CONDITIONS.find((c) => c.msg.test(msg) && (!c.line || c.line.test(line)))
}
