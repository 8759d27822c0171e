/*
 * Why a Cilium start-up or API call failed, read from the error text the agent logs (error="…").
 * The same errno means different things depending on what failed: "operation not permitted" on a
 * TCP connect is a blocked connection, on a BPF map or program it is memlock or a missing capability.
 */

export interface Cause {
  id: 'apiserver-dial-blocked' | 'apiserver-timeout' | 'apiserver-refused' | 'apiserver-x509' | 'apiserver-forbidden' |
    'map-memory' | 'bpf-permission' | 'capability' | 'ipsec-keys' | 'netkit-kernel' | 'kernel-feature' | 'crd-missing' |
    'device-detection' | 'bpf-masquerade-prereq' | 'perf-mmap' | 'bpffs-mount' | 'memlock-rlimit-denied' | 'memlock-too-low' |
    'kernel-too-old' | 'netkit-tproxy' | 'lsm-denied' | 'kernel-probe' | 'unknown'
  summary: string
  fix: string
}

const KPR_DOC = 'https://docs.cilium.io/en/stable/network/kubernetes/kubeproxy-free/'

const CAUSES: Array<{test: RegExp, cause: Cause}> = [
  // daemon/cmd (≤1.15 devices.go, 1.16+ tables/direct_routing_device.go): no device carries the node IP
  {test: /unable to determine direct routing device|failed to detect devices/i, cause: {
    id: 'device-detection',
    summary: 'the agent could not pick the device that carries node-to-node traffic (no device holds the Kubernetes node IP, or the filter excludes it)',
    fix: 'Set devices (Helm `devices`, e.g. "eth+") and nodePort.directRoutingDevice to the interface that holds the node InternalIP; a bridge or bond holding the IP must itself be named, not its member ports (cilium#37427).',
  }},
  // pkg/option + daemon/cmd/kube_proxy_replacement.go: "BPF masquerade requires NodePort", "... requires (--enable-ipv4-masquerade=true …)"
  {test: /BPF masquerade requires|BPF masquerade does not allow/i, cause: {
    id: 'bpf-masquerade-prereq',
    summary: 'BPF masquerading is on without what it needs (BPF NodePort / kube-proxy replacement, or masquerading itself enabled)',
    fix: 'bpf.masquerade: true needs kubeProxyReplacement: true (which enables BPF NodePort) and enableIPv4Masquerade: true; enable them, or set bpf.masquerade: false (https://docs.cilium.io/en/stable/network/concepts/masquerading/).',
  }},
  // monitor-agent perf ring: mmap of the ring buffer needs CAP_IPC_LOCK (cilium#19812)
  {test: /can't mmap: operation not permitted|perf ring.*operation not permitted/i, cause: {
    id: 'perf-mmap',
    summary: 'the agent may not mmap the BPF perf ring buffer (operation not permitted): the container lacks CAP_IPC_LOCK',
    fix: 'Add IPC_LOCK to the agent capabilities (securityContext.capabilities.ciliumAgent in the chart of the running version; a hand-edited DaemonSet or an old chart misses it), then restart the agents.',
  }},
  // pkg/bpf mount: the BPF filesystem is mounted several times at the same path, or cannot be mounted at all
  {test: /multiple mount points detected at \/sys\/fs\/bpf|Unable to mount BPF filesystem|BPF root is not a BPF filesystem/i, cause: {
    id: 'bpffs-mount',
    summary: 'the BPF filesystem at /sys/fs/bpf is not usable (mounted several times over itself, or not mountable)',
    fix: 'Mount bpffs on the host exactly once at /sys/fs/bpf (one fstab or systemd mount unit, `mount | grep /sys/fs/bpf` shows one line); unmount the duplicates and restart the agent (https://docs.cilium.io/en/stable/operations/system_requirements/#mounted-ebpf-filesystem).',
  }},
  // daemon (≤1.11 pkg/bpf rlimit, later rlimit.RemoveMemlock): setrlimit(RLIMIT_MEMLOCK) refused = no CAP_SYS_RESOURCE
  // (Talos without privileged, a hand-trimmed capability list: talos#9494, cilium#20676)
  {test: /failed to set memlock rlimit: operation not permitted|unable to set memory resource limits/i, cause: {
    id: 'memlock-rlimit-denied',
    summary: 'the agent may not raise its memlock limit (setrlimit: operation not permitted): the container lacks CAP_SYS_RESOURCE',
    fix: 'Add SYS_RESOURCE to the agent capabilities (securityContext.capabilities.ciliumAgent; Talos and other hardened distributions need the chart\'s full list or securityContext.privileged: true), then restart the agents; raising ulimit on the host does not help while the capability is missing.',
  }},
  // cilium/ebpf's hint on an EPERM before the verifier: the memlock limit is charged, i.e. a kernel < 5.11
  {test: /MEMLOCK may be too low/i, cause: {
    id: 'memlock-too-low',
    summary: 'the kernel refused a BPF map or program under the memlock limit (kernel < 5.11 charges BPF memory to RLIMIT_MEMLOCK)',
    fix: 'On kernels < 5.11 the agent must run with an unlimited memlock limit: keep SYS_RESOURCE in securityContext.capabilities.ciliumAgent so it can raise it (or set LimitMEMLOCK=infinity for the container runtime); on 5.11+ this EPERM is a missing CAP_BPF/CAP_SYS_ADMIN or an LSM (SELinux/AppArmor) denial instead.',
  }},
  // EACCES (not EPERM) creating the map directories: an LSM refused it, typically the runtime's default AppArmor profile
  // that denies writes under /sys/fs except cgroup (bitnami/charts#30231 on Ubuntu 24.04; the Cilium chart runs the
  // agent Unconfined since cilium#32199), or SELinux without the spc_t type (cilium#34068)
  {test: /mkdir \/sys\/fs\/bpf[^"\\]*: permission denied|Unable create map base directory [^"\\]*permission denied/i, cause: {
    id: 'lsm-denied',
    summary: 'an LSM (AppArmor or SELinux) denied the agent writing under /sys/fs/bpf (permission denied, not a missing capability)',
    fix: 'Run the agent unconfined by the container runtime\'s default AppArmor profile (the Cilium chart\'s podSecurityContext.appArmorProfile.type: Unconfined, its default since cilium#32199; before Kubernetes 1.30 the container.apparmor.security.beta.kubernetes.io annotations set to unconfined) or with SELinux type spc_t (securityContext.seLinuxOptions); third-party charts that drop these need them added back.',
  }},
  // pkg/datapath/linux/probes "requirements failed: Require support for <feature> (Linux X or newer)": the probe failed,
  // which on a new kernel means a hardened setting broke the probe, not an old kernel (deckhouse#22619)
  {test: /Require support for [^"\\]*\(Linux [\d.]+ or newer\)/i, cause: {
    id: 'kernel-probe',
    summary: 'a kernel capability probe of the agent failed at start',
    fix: 'Compare the node kernel (uname -r) with the version the message names: if it is older, upgrade the kernel; if it is newer, the probe itself was refused by a hardened setting (kernel.kptr_restrict with net.core.bpf_jit_harden=2 restricts reading back loaded programs, deckhouse#22619) or an LSM: relax that setting or upgrade Cilium to a release whose probe tolerates it.',
  }},
  // daemon checkMinRequirements (≤1.13): "kernel version: NOT OK: minimal supported kernel version is >= X; … running is: Y"
  {test: /kernel version: NOT OK|minimal supported kernel version is/i, cause: {
    id: 'kernel-too-old',
    summary: 'the node kernel is older than this Cilium release supports',
    fix: 'Upgrade the node kernel to the minimum of this release (https://docs.cilium.io/en/stable/operations/system_requirements/#linux-kernel), or run a Cilium release that still supports it; no setting makes the agent start on it.',
  }},
  {test: /ipsec key|IPSec key|ipsec.*keys?.*(no such file|invalid format)/i, cause: {
    id: 'ipsec-keys',
    summary: 'the IPsec key secret is missing or not in the expected format',
    fix: 'Create the cilium-ipsec-keys Secret in kube-system in the documented "<spi>+ <algo> <psk-hex> <bits>" format before the agents start (https://docs.cilium.io/en/stable/security/network/encryption-ipsec/).',
  }},
  {test: /dial tcp [^"]*: connect: operation not permitted/i, cause: {
    id: 'apiserver-dial-blocked',
    summary: 'the connection to the API server was refused by the node itself (connect: operation not permitted), not by the network',
    fix: 'Something on the node rejects connect() to the API server: a BPF cgroup/socket program left by a previous CNI or Cilium install (bpftool cgroup tree), a host firewall reject rule, or an LSM policy. Remove it; this is not a memlock problem, so raising memlock will not help.',
  }},
  {test: /dial tcp [^"]*: i\/o timeout|context deadline exceeded.*(apiserver|api-server|:6443|:443)/i, cause: {
    id: 'apiserver-timeout',
    summary: 'the API server address did not answer from this node (i/o timeout)',
    fix: `With kube-proxy replacement there is no kube-proxy to serve the kubernetes ClusterIP before Cilium runs: set k8sServiceHost/k8sServicePort to an address reachable from the node (control-plane IP or load balancer), and check routes and firewalls to it (${KPR_DOC}).`,
  }},
  {test: /dial tcp [^"]*: connect: connection refused/i, cause: {
    id: 'apiserver-refused',
    summary: 'nothing listens at the API server address the agent uses (connection refused)',
    fix: 'Check k8sServiceHost/k8sServicePort (or the kubernetes Service endpoints) against where the API server actually listens.',
  }},
  {test: /x509: |certificate signed by unknown authority|tls: failed to verify/i, cause: {
    id: 'apiserver-x509',
    summary: 'the API server certificate was not accepted',
    fix: 'The service-account CA does not match the API server certificate (or k8sServiceHost names a host not in the certificate): use an address covered by the certificate.',
  }},
  // quotes inside a logrus error="…" field arrive escaped (\"); 1.0-era messages have no "is forbidden:"
  {test: /(is forbidden: )?User \\?"system:serviceaccount:[^"\\]*\\?" cannot/i, cause: {
    id: 'apiserver-forbidden',
    summary: 'the agent\'s service account lacks an RBAC permission',
    fix: 'The ClusterRole does not match the running Cilium version (often after an upgrade with a stale ClusterRole, or a new CRD such as ciliumnodeconfigs the old role does not cover): re-apply the chart (RBAC included) of the running version; the error names the verb and resource that is missing.',
  }},
  {test: /the server could not find the requested resource|no matches for kind "Cilium|CRD.*not found|waiting for CRD/i, cause: {
    id: 'crd-missing',
    summary: 'a Cilium CRD is missing from the API server',
    fix: 'The operator registers Cilium CRDs: check that cilium-operator runs and can create CRDs, or apply the CRDs of this version.',
  }},
  // pkg/datapath/connector: netkit programs run at TC egress, where bpf_sk_assign() for bpf.tproxy fails (cilium#39892)
  {test: /netkit devices cannot be used with --enable-bpf-tproxy/i, cause: {
    id: 'netkit-tproxy',
    summary: 'netkit cannot run together with BPF TPROXY (bpf.tproxy)',
    fix: 'Set bpf.tproxy: false to use netkit (the L7 proxy then redirects through iptables TPROXY), or keep bpf.datapathMode: veth while bpf.tproxy is needed (cilium#39892).',
  }},
  {test: /netkit devices need kernel|netkit device probe failed/i, cause: {
    id: 'netkit-kernel',
    summary: 'netkit needs kernel 6.7 or newer with CONFIG_NETKIT',
    fix: 'Set bpf.datapathMode: veth, or upgrade the node kernel to 6.7+ before enabling netkit.',
  }},
  {test: /cannot allocate memory|ENOMEM/i, cause: {
    id: 'map-memory',
    summary: 'the kernel refused memory for a BPF map (ENOMEM)',
    fix: 'Raise the memlock limit for the agent on kernels < 5.11 (RLIMIT_MEMLOCK; newer kernels charge BPF memory to the agent cgroup), or shrink the BPF maps to what the node can hold: bpf.mapDynamicSizeRatio and explicit bpf.ctTcpMax/ctAnyMax/natMax against the node memory.',
  }},
  {test: /operation not permitted/i, cause: {
    id: 'bpf-permission',
    summary: 'a BPF operation was not permitted (memlock on kernels < 5.11, or a missing CAP_BPF/CAP_SYS_ADMIN)',
    fix: 'On kernels < 5.11 raise RLIMIT_MEMLOCK for the agent; otherwise check the agent securityContext capabilities (securityContext.capabilities.ciliumAgent) and seccomp/AppArmor profiles.',
  }},
  // also CheckMinRequirements' "Policy routing:NOT OK. Please enable kernel configuration item CONFIG_IP_MULTIPLE_TABLES"
  {test: /requires kernel|kernel version .* (required|not supported)|not supported by (the )?kernel|Please enable kernel configuration item/i, cause: {
    id: 'kernel-feature',
    summary: 'the node kernel lacks a feature this configuration needs',
    fix: 'Upgrade the node kernel to what the feature requires (https://docs.cilium.io/en/stable/operations/system_requirements/), or turn the feature off.',
  }},
]

const MAP_CREATE = /failed to create map|opening\/creating BPF maps|map create/i
const MAP_MEMORY = CAUSES.find((c) => c.cause.id === 'map-memory')!.cause

/** Only the parts of a BPF error that say what failed, so "operation not permitted" is read in context. */
export function causeOf(text: string): Cause {
  for (const {test, cause} of CAUSES) {
    if (!test.test(text)) continue
    if (cause.id === 'bpf-permission' && !/\b(bpf|map|prog|program|memlock|mount|capabilit|seccomp)\b/i.test(text)) continue
    return cause
  }
  // a map that could not be created with no errno given: almost always memory (memlock or map size)
  if (MAP_CREATE.test(text)) return MAP_MEMORY
  return {id: 'unknown', summary: 'the log line names no cause ciltune knows', fix: 'The error= field of the line names the failing component; fix it and restart the agent.'}
}
