import {z} from 'zod'

/*
 * The snapshot: every piece of evidence ciltune reasons about, normalized.
 * Live collection, `--from DIR`, sysdumps and Prometheus all produce this one document,
 * so rules never know where evidence came from. Every parsed value carries `src`,
 * the file (or pod/command) and 1-based line it was read from, so findings can quote it.
 */

export const SourceRef = z.object({
  file: z.string(),
  line: z.number().int(), // 1-based; 0 = the whole file / no single line
  text: z.string(),
})
export type SourceRef = z.infer<typeof SourceRef>

export const Unrecognized = z.object({line: z.number().int(), text: z.string()})
export type Unrecognized = z.infer<typeof Unrecognized>

/**
 * Where a capture that ends before its end was cut: it is read up to `line` (the last line read as valid).
 * `after`: in a document printed with sorted keys (kubectl, helm get values), the path of the last key read;
 * a key that sorts before it was seen if present, one after it may have been cut off.
 */
export const Truncation = z.object({
  line: z.number().int(),
  text: z.string(),
  reason: z.string(),
  after: z.array(z.union([z.string(), z.number()])).optional(),
})
export type Truncation = z.infer<typeof Truncation>

const StateLine = z.object({state: z.string(), message: z.string(), src: SourceRef})

// ---------- cilium-dbg status (text --verbose / plain, or -o json) ----------

export const KprDevice = z.object({name: z.string(), ips: z.array(z.string()), directRouting: z.boolean()})

export const ControllerRow = z.object({
  name: z.string(),
  lastSuccess: z.string(), // "57s ago" | "never" | RFC3339 (json)
  lastError: z.string(),
  failureCount: z.number().int(), // consecutive failures
  message: z.string(), // "no error" when empty
  src: SourceRef,
})
export type ControllerRow = z.infer<typeof ControllerRow>

/**
 * Canonical ids for the BPF Maps rows, so the 1.17 → 1.18 rename
 * ("Endpoint policy" was the lxc map, then became the policy map) is resolved once, in the parser.
 */
export const BpfMapId = z.enum([
  'ct-tcp', 'ct-any', 'nat', 'neigh', 'sock-revnat',
  'auth', 'endpoints', 'ipcache', 'ipmasq4', 'ipmasq6', 'frag4',
  'lb4-services', 'lb6-services', 'lb4-backends', 'lb6-backends', 'lb4-revnat', 'lb6-revnat',
  'lb-affinity', 'metrics', 'ratelimit-metrics', 'policy', 'policy-stats', 'tunnel', 'other',
])
export type BpfMapId = z.infer<typeof BpfMapId>

export const BpfMapRow = z.object({name: z.string(), id: BpfMapId, size: z.number().int(), src: SourceRef})
export type BpfMapRow = z.infer<typeof BpfMapRow>

export const ClusterHealthNode = z.object({
  name: z.string(),
  localhost: z.boolean(),
  ips: z.array(z.string()),
  // "reachable"/"unreachable" (≤1.16) or "x/y" (1.17+), as printed
  host: z.string(),
  endpoints: z.string(),
  hostOk: z.boolean(),
  endpointsOk: z.boolean(),
  src: SourceRef,
})

export const ModuleHealth = z.object({
  path: z.string(), // "agent.controlplane.lb.reconciler" style: tree ancestors joined by "."
  name: z.string(),
  level: z.enum(['OK', 'DEGRADED', 'STOPPED']),
  message: z.string(),
  age: z.string(),
  count: z.number().int(),
  src: SourceRef,
})
export type ModuleHealth = z.infer<typeof ModuleHealth>

export const AgentStatus = z.object({
  format: z.enum(['text', 'json']),
  verbose: z.boolean(),
  kvstore: StateLine.optional(),
  kubernetes: StateLine.optional(),
  kubeProxyReplacement: z.object({
    mode: z.string(), // True/False (1.16+), Strict/Probe/Partial/Disabled (older)
    enabled: z.boolean(), // True/Strict → true; Partial/Probe count as partially on → true; False/Disabled → false
    devices: z.array(KprDevice),
    src: SourceRef,
  }).optional(),
  cilium: z.object({
    state: z.string(), // Ok | Warning | Failure | Disabled
    message: z.string(),
    version: z.string().optional(), // "1.18.7" when the message carries one
    src: SourceRef,
  }).optional(),
  staleStatus: z.object({text: z.string(), src: SourceRef}).optional(),
  nodeMonitor: z.object({text: z.string(), lost: z.number().int().optional(), src: SourceRef}).optional(),
  healthDaemon: StateLine.optional(),
  ipam: z.object({
    pools: z.array(z.object({
      family: z.enum(['IPv4', 'IPv6']), used: z.number().int(), total: z.number().int(), cidr: z.string().optional(),
    })),
    src: SourceRef,
  }).optional(),
  clusterMesh: z.object({
    ready: z.number().int(), total: z.number().int(), src: SourceRef,
    // the per-cluster rows ("   c2: not-ready, 0 nodes, …", printed for not-ready clusters, all with --all-clusters)
    clusters: z.array(z.object({name: z.string(), ready: z.boolean(), src: SourceRef, detail: z.array(SourceRef).optional()})).optional(), // detail: its "└" lines
  }).optional(),
  bigTcp: z.object({
    ipv4: z.object({enabled: z.boolean(), src: SourceRef}).optional(),
    ipv6: z.object({enabled: z.boolean(), src: SourceRef}).optional(),
  }).optional(),
  bandwidthManager: z.object({enabled: z.boolean(), text: z.string(), src: SourceRef}).optional(),
  routing: z.object({
    network: z.enum(['Native', 'Tunnel']).optional(), // absent in ≤1.15 "Host Routing:" form
    tunnelProtocol: z.string().optional(),
    host: z.enum(['BPF', 'Legacy']),
    src: SourceRef,
  }).optional(),
  attachMode: z.object({value: z.string(), src: SourceRef}).optional(),
  deviceMode: z.object({value: z.string(), configured: z.string().optional(), src: SourceRef}).optional(),
  masquerading: z.object({mode: z.string(), text: z.string(), src: SourceRef}).optional(), // mode: Disabled | IPTables | BPF | BPF (ip-masq-agent)
  controllers: z.object({
    // rows: failing controllers only (failureCount > 0); healthy ones are counted in healthy/total but
    // not kept, as they would be ~40 rows per agent on a 1000-agent capture that no rule reads
    healthy: z.number().int(), total: z.number().int(), src: SourceRef, rows: z.array(ControllerRow),
  }).optional(),
  proxy: z.object({text: z.string(), src: SourceRef}).optional(),
  hubble: z.object({
    state: z.string(),
    currentFlows: z.number().optional(),
    maxFlows: z.number().optional(),
    flowsPerSecond: z.number().optional(),
    metrics: z.string().optional(),
    text: z.string(),
    src: SourceRef,
  }).optional(),
  kprDetails: z.array(z.object({key: z.string(), value: z.string(), src: SourceRef})).optional(),
  bpfMaps: z.object({
    dynamicSizing: z.boolean(),
    ratio: z.number().optional(),
    src: SourceRef,
    maps: z.array(BpfMapRow),
  }).optional(),
  encryption: z.object({
    mode: z.string(), // Disabled | IPsec | Wireguard | Ztunnel, as printed
    text: z.string(),
    nodeEncryption: z.string().optional(), // WireGuard 1.14+: Enabled | Disabled | OptedOut
    interfaces: z.array(z.object({name: z.string(), port: z.number().int(), peers: z.number().int()})).optional(), // WireGuard devices
    error: z.string().optional(), // WireGuard: the message printed instead of the device list
    src: SourceRef,
  }).optional(),
  clusterHealth: z.object({
    reachable: z.number().int().optional(),
    total: z.number().int().optional(),
    text: z.string(), // the whole value, e.g. "Probe disabled" or "Warning cilium-health daemon unreachable"
    src: SourceRef,
    // unhealthy rows only once the builder has the status (healthy ones are counted in rowsRead):
    // an N-node cluster prints N rows on each of N agents
    nodes: z.array(ClusterHealthNode),
    rowsRead: z.number().int().optional(),
  }).optional(),
  modulesHealth: z.object({
    stopped: z.number().int().optional(),
    degraded: z.number().int().optional(),
    ok: z.number().int().optional(),
    unknown: z.number().int().optional(),
    src: SourceRef,
    // Non-OK verbose tree leaves only (DEGRADED, STOPPED); OK leaves are counted in `ok` (from the tree
    // when no summary line was printed) but not kept. Empty when only the summary was printed.
    modules: z.array(ModuleHealth),
  }).optional(),
  // Cilium state not Ok: the CLI exits early and trailing sections are missing by design.
  earlyExit: z.boolean(),
  unrecognized: z.array(Unrecognized),
  truncation: Truncation.optional(), // the output stops in the middle (a cut paste): later sections were not read
})
export type AgentStatus = z.infer<typeof AgentStatus>

// ---------- cilium-dbg service list ----------

export const Backend = z.object({
  index: z.number().int(),
  address: z.string(), // "10.244.1.48:53/TCP" as printed
  ip: z.string(),
  port: z.number().int(),
  proto: z.string().optional(),
  state: z.string(), // active | terminating | quarantined | maintenance | ...
  preferred: z.boolean(),
  src: SourceRef,
})
export const Service = z.object({
  id: z.number().int().optional(), // current main dropped the ID column
  frontend: z.string(),
  ip: z.string(),
  port: z.number().int(),
  proto: z.string().optional(),
  type: z.string(), // ClusterIP, NodePort, LoadBalancer, HostPort, ExternalIPs, LocalRedirect ...
  remote: z.boolean(),
  backends: z.array(Backend),
  src: SourceRef,
})
export type Service = z.infer<typeof Service>
const LbUse = z.object({slots: z.number().int(), frontends: z.number().int(), backends: z.number().int()})
export const ServiceList = z.object({
  format: z.enum(['text', 'json']),
  // with `summary` (every snapshot the builder makes): only the rows rules quote, i.e. Services without an
  // active backend and the first two of each address family; without it (hand-built), every row
  services: z.array(Service),
  unrecognized: z.array(Unrecognized),
  // the list is a cluster-wide fact repeated on every agent: what rules need of all rows, counted once
  summary: z.object({
    services: z.number().int(), // rows parsed
    lb: z.object({v4: LbUse, v6: LbUse}), // LB map use per address family (src/cilium/services.ts)
    // frontendKey of every row but LocalRedirect, once each; agents with the same keys share one array
    frontendKeys: z.array(z.string()),
  }).optional(),
})
export type ServiceList = z.infer<typeof ServiceList>

// ---------- cilium-dbg map list ----------

export const MapListRow = z.object({
  name: z.string(), // cilium_lb4_services_v2
  entries: z.number().int().optional(), // undefined when printed "unknown"
  errors: z.number().int().optional(),
  cacheEnabled: z.boolean().optional(),
  src: SourceRef,
})
export const MapList = z.object({
  verbose: z.boolean(),
  maps: z.array(MapListRow),
  // from --verbose cache dumps: entries whose state is "error", per map
  errorEntries: z.array(z.object({map: z.string(), key: z.string(), error: z.string(), src: SourceRef})),
  unrecognized: z.array(Unrecognized),
})
export type MapList = z.infer<typeof MapList>

// ---------- metrics ----------

export const MetricSample = z.object({
  name: z.string(),
  labels: z.record(z.string(), z.string()),
  value: z.number(), // NaN is not representable in JSON: parsers drop NaN samples into unrecognized
  src: SourceRef,
})
export type MetricSample = z.infer<typeof MetricSample>
export const Metrics = z.object({
  format: z.enum(['exposition', 'list-tabular', 'list-shell', 'json', 'prometheus']),
  samples: z.array(MetricSample),
  unrecognized: z.array(Unrecognized),
})
export type Metrics = z.infer<typeof Metrics>

// ---------- agent logs (only the lines that matter are kept) ----------

export const LogEntry = z.object({
  level: z.string(), // debug | info | warning | error | fatal | panic (normalized lower case, "warn" → "warning")
  msg: z.string(),
  time: z.string().optional(),
  subsys: z.string().optional(), // subsys= (logrus) or module= (slog)
  // what ciltune recognized in the line
  kind: z.enum(['fatal', 'map-full', 'netkit-kernel', 'error', 'warning', 'other']),
  src: SourceRef,
})
export type LogEntry = z.infer<typeof LogEntry>
export const AgentLog = z.object({
  file: z.string(),
  previous: z.boolean(), // kubectl logs --previous / sysdump "-previous" file
  format: z.enum(['logfmt', 'slog', 'mixed', 'unknown']),
  lines: z.number().int(),
  levels: z.record(z.string(), z.number().int()), // count per level
  debugLines: z.number().int(),
  entries: z.array(LogEntry), // warnings and above, plus recognized kinds; capped by the parser
  truncated: z.boolean(),
  cutLines: z.number().int().optional(), // lines longer than the parser's cap, read only up to it
})
export type AgentLog = z.infer<typeof AgentLog>

// ---------- cluster objects ----------

export const ConfigMap = z.object({
  name: z.string(),
  namespace: z.string().optional(),
  // the latest metadata.managedFields time: when the data was last written, and by which manager (helm, kubectl …)
  changedAt: z.object({time: z.string(), manager: z.string().optional(), src: SourceRef}).optional(),
  data: z.record(z.string(), z.object({value: z.string(), src: SourceRef})),
  truncation: Truncation.optional(), // the capture was cut: keys after the cut are unknown, not absent
})
export type ConfigMap = z.infer<typeof ConfigMap>

export const HelmValues = z.object({
  source: z.string(),
  chartVersion: z.string().optional(),
  revision: z.number().int().optional(),
  deployedAt: z.string().optional(), // the release's info.last_deployed (RFC 3339)
  values: z.record(z.string(), z.unknown()), // user-supplied values (.config of the release)
  chartDefaults: z.record(z.string(), z.unknown()).optional(), // .chart.values, when known
  truncation: Truncation.optional(), // the file was cut: values after the cut are unknown, not absent
})
export type HelmValues = z.infer<typeof HelmValues>

export const Node = z.object({
  name: z.string(),
  kernel: z.string().optional(),
  osImage: z.string().optional(),
  memoryBytes: z.number().optional(), // status.capacity.memory
  cpus: z.number().optional(), // status.capacity.cpu
  maxPods: z.number().int().optional(),
  podCIDRs: z.array(z.string()),
  ready: z.boolean().optional(),
  labels: z.record(z.string(), z.string()),
  src: SourceRef,
})
export type Node = z.infer<typeof Node>

export const PodInfo = z.object({
  name: z.string(),
  namespace: z.string().optional(),
  node: z.string().optional(),
  phase: z.string().optional(),
  ready: z.boolean().optional(),
  restarts: z.number().int(),
  image: z.string().optional(),
  lastTerminationReason: z.string().optional(), // OOMKilled, Error ...
  startedAt: z.string().optional(), // the main container's state.running.startedAt, else status.startTime (RFC 3339)
  memoryLimitBytes: z.number().optional(),
  src: SourceRef,
})
export type PodInfo = z.infer<typeof PodInfo>

export const Counts = z.object({
  ciliumEndpoints: z.number().int().optional(),
  ciliumEndpointSlices: z.number().int().optional(),
  ciliumIdentities: z.number().int().optional(),
  ciliumNodes: z.number().int().optional(),
  services: z.number().int().optional(),
  src: SourceRef.optional(),
})

/** A CiliumNode's IPAM and encryption state (src/parse/cilium-nodes.ts). */
export const CiliumNodeInfo = z.object({
  name: z.string(),
  podCIDRs: z.array(z.string()), // spec.ipam.podCIDRs (cluster-pool, kubernetes)
  poolSize: z.number().int().optional(), // spec.ipam.pool entries (crd, ENI, Azure)
  used: z.number().int().optional(), // status.ipam.used entries
  operatorError: z.object({text: z.string(), src: SourceRef}).optional(), // status.ipam.operator-status.error
  encryptionKey: z.object({spi: z.number().int(), src: SourceRef}).optional(), // spec.encryption.key (IPsec SPI)
  src: SourceRef,
})
export type CiliumNodeInfo = z.infer<typeof CiliumNodeInfo>

/** A CiliumLocalRedirectPolicy (src/parse/cilium-lrp.ts): which Service or address it redirects, to which local pods. */
export const LocalRedirectPolicyInfo = z.object({
  name: z.string(),
  namespace: z.string().optional(),
  frontend: z.string(), // "service kube-system/kube-dns" or "address 169.254.169.254"
  src: SourceRef,
})
export type LocalRedirectPolicyInfo = z.infer<typeof LocalRedirectPolicyInfo>

/** A CiliumNodeConfig already in the cluster (src/parse/cilium-node-configs.ts): cilium-config keys it overrides on the nodes it selects. */
export const NodeConfigInfo = z.object({
  name: z.string(),
  namespace: z.string().optional(),
  apiVersion: z.string(),
  matchLabels: z.record(z.string(), z.string()), // spec.nodeSelector.matchLabels ({} selects every node)
  selectorUnread: z.boolean().optional(), // matchExpressions present: which nodes it selects is not decided here
  selectsNone: z.boolean().optional(), // no spec.nodeSelector: applies to no node (cnc_types.go)
  defaults: z.record(z.string(), z.string()),
  src: SourceRef,
})
export type NodeConfigInfo = z.infer<typeof NodeConfigInfo>

export const Operator = z.object({
  desired: z.number().int(),
  ready: z.number().int(),
  available: z.number().int().optional(),
  image: z.string().optional(),
  src: SourceRef,
})

// ---------- cilium-cli `cilium status` (operator-side summary) ----------

export const CliComponent = z.object({
  name: z.string(), // Cilium, Operator, Envoy DaemonSet, Hubble Relay, ClusterMesh
  state: z.enum(['ok', 'disabled', 'degraded', 'unknown']),
  errors: z.number().int(),
  warnings: z.number().int(),
  text: z.string(),
  src: SourceRef,
})

export const CliWorkload = z.object({
  kind: z.enum(['DaemonSet', 'Deployment']),
  name: z.string(),
  desired: z.number().int().optional(),
  ready: z.number().int().optional(),
  available: z.number().int().optional(),
  unavailable: z.number().int().optional(),
  src: SourceRef,
})

export const CliImage = z.object({
  name: z.string(), // the workload, e.g. cilium-operator
  image: z.string(), // as printed, with digest
  version: z.string().optional(), // "1.19.5" from a ":v1.19.5" tag
  count: z.number().int(),
  src: SourceRef,
})

export const CliProblem = z.object({component: z.string(), pod: z.string(), message: z.string(), src: SourceRef})

export const CliStatus = z.object({
  components: z.array(CliComponent),
  workloads: z.array(CliWorkload),
  clusterPods: z.object({managed: z.number().int(), total: z.number().int(), src: SourceRef}).optional(),
  helmChartVersion: z.object({value: z.string(), src: SourceRef}).optional(), // value "" when printed empty
  images: z.array(CliImage),
  errors: z.array(CliProblem),
  warnings: z.array(CliProblem),
  checkFailed: z.object({text: z.string(), src: SourceRef}).optional(), // trailing "status check failed: …"
  unrecognized: z.array(Unrecognized),
})
export type CliStatus = z.infer<typeof CliStatus>

// ---------- cilium-cli `cilium clustermesh status` ----------

/** "N nodes are connected" / "X/Y KVStoreMesh replicas are not connected to all clusters [min / avg / max]". */
export const ClusterMeshReadiness = z.object({notConnected: z.number().int(), total: z.number().int(), src: SourceRef})

export const ClusterMeshStatus = z.object({
  serviceType: z.string().optional(), // LoadBalancer | NodePort | ClusterIP
  apiserverReady: z.boolean().optional(), // "✅ Deployment clustermesh-apiserver is ready"
  kvstoremesh: z.enum(['enabled', 'disabled']).optional(),
  externalKvstore: z.boolean().optional(),
  nodes: ClusterMeshReadiness.optional(),
  kvstoremeshReplicas: ClusterMeshReadiness.optional(),
  // "- c2: 3/3 configured, 0/3 connected[ - KVStoreMesh: 1/1 configured, 0/1 connected]"
  clusters: z.array(z.object({
    name: z.string(), configured: z.number().int(), connected: z.number().int(), total: z.number().int(),
    kvstoremesh: z.object({configured: z.number().int(), connected: z.number().int(), total: z.number().int()}).optional(),
    src: SourceRef,
  })),
  noClusterConnected: SourceRef.optional(), // "🔌 No cluster connected"
  errors: z.array(z.object({pod: z.string(), cluster: z.string(), message: z.string(), src: SourceRef})), // "❌ POD is not connected to cluster C: MSG"
  waiting: z.array(z.object({text: z.string(), src: SourceRef})), // "⌛ Waiting (…) for …"
  failure: z.object({text: z.string(), src: SourceRef}).optional(), // "Error: Unable to determine status:  …"
  src: SourceRef,
})
export type ClusterMeshStatus = z.infer<typeof ClusterMeshStatus>

// ---------- collection gaps ----------

export const CollectionError = z.object({
  command: z.string(), // "cilium-dbg status --verbose", "metrics", "prometheus query ..."
  kind: z.enum(['timeout', 'forbidden', 'unreachable', 'failed', 'missing', 'unparsable', 'truncated']),
  message: z.string(),
})
export type CollectionError = z.infer<typeof CollectionError>

// ---------- pasted tables and summaries (src/parse/endpoint-list.ts, encrypt-status.ts, pod-describe.ts) ----------

export const EndpointRow = z.object({
  id: z.string(), // agent-local endpoint id, or the CiliumEndpoint name (kubectl get cep)
  identity: z.number().int().optional(),
  labels: z.array(z.string()),
  ipv4: z.string().optional(),
  state: z.string(), // ready | not-ready | regenerating | waiting-for-identity | disconnecting | restoring | invalid ...
  src: SourceRef,
})
export type EndpointRow = z.infer<typeof EndpointRow>

/** A WireGuard peer as debuginfo prints it (src/parse/encrypt-status*.ts); keys are not kept. */
export const WireguardPeer = z.object({
  endpoint: z.string(), // the peer node's IP:51871
  lastHandshake: z.string(), // as printed
  handshake: z.boolean(), // false: Go's zero time, the peer never completed a handshake
  src: SourceRef,
})
export type WireguardPeer = z.infer<typeof WireguardPeer>

export const EncryptStatus = z.object({
  mode: z.string(), // IPsec | Wireguard | Disabled, as printed
  nodeEncryption: z.string().optional(), // WireGuard, debuginfo JSON "node-encryption": Enabled | Disabled | OptedOut
  interfaces: z.array(z.object({ // WireGuard devices: encrypt status "Number of peers", debuginfo peer details
    name: z.string(),
    peerCount: z.number().int().optional(),
    peers: z.array(WireguardPeer).optional(),
    src: SourceRef,
  })).optional(),
  keysInUse: z.number().int().optional(),
  maxSeq: z.object({used: z.number(), max: z.number()}).optional(),
  errors: z.number().int().optional(),
  errorRows: z.array(z.object({name: z.string(), count: z.number().int(), src: SourceRef})),
  src: SourceRef,
})
export type EncryptStatus = z.infer<typeof EncryptStatus>

export const PodEvent = z.object({
  pod: z.string(),
  type: z.string(), // Normal | Warning
  reason: z.string(),
  age: z.string(),
  count: z.number().int(), // "(x10 over 28m)" → 10
  message: z.string(),
  src: SourceRef,
})
export type PodEvent = z.infer<typeof PodEvent>

/** One BGP peer of `cilium bgp peers` / `cilium-dbg bgp peers` (src/parse/bgp-peers.ts). */
export const BgpPeer = z.object({
  node: z.string().optional(), // the Node column (cilium-cli prints every node's peers); absent in an agent's own output
  localAsn: z.number().int(),
  peerAsn: z.number().int(),
  peerAddress: z.string(),
  state: z.string(), // gobgp session state, lower case: established, active, idle, connect, opensent, openconfirm
  uptime: z.string(),
  src: SourceRef,
})
export type BgpPeer = z.infer<typeof BgpPeer>

/** One row of `cilium-dbg node list`: a node this agent knows (its own cluster's, or a remote one's under Cluster Mesh). */
export const KnownNode = z.object({
  name: z.string(), // as printed, "cluster/node" when the agent prefixes the cluster name
  cluster: z.string().optional(), // the prefix before "/"
  node: z.string(), // the name without the cluster prefix
  ipv4: z.string().optional(),
  ipv4Cidr: z.string().optional(),
  ipv6: z.string().optional(),
  ipv6Cidr: z.string().optional(),
  source: z.string().optional(), // 1.15+: local | custom-resource | kvstore | clustermesh | …
  src: SourceRef,
})
export type KnownNode = z.infer<typeof KnownNode>

export const Agent = z.object({
  name: z.string(), // pod name, or directory name for --from
  node: z.string().optional(),
  status: AgentStatus.optional(),
  services: ServiceList.optional(),
  maps: MapList.optional(),
  metrics: Metrics.optional(),
  logs: z.array(AgentLog),
  pod: PodInfo.optional(),
  endpoints: z.array(EndpointRow).optional(), // cilium-dbg endpoint list
  encrypt: EncryptStatus.optional(), // cilium-dbg encrypt status
  bgpPeers: z.array(BgpPeer).optional(), // cilium-dbg bgp peers (or cilium-cli `cilium bgp peers`, every node's)
  knownNodes: z.array(KnownNode).optional(), // cilium-dbg node list
  errors: z.array(CollectionError),
})
export type Agent = z.infer<typeof Agent>

export const Trend = z.object({
  metric: z.string(),
  labels: z.record(z.string(), z.string()),
  current: z.number(),
  slopePerHour: z.number(), // least-squares slope over the range window
  windowSeconds: z.number(),
  src: SourceRef,
})
export type Trend = z.infer<typeof Trend>

export const Snapshot = z.object({
  schemaVersion: z.literal(1),
  createdAt: z.string(),
  origin: z.object({
    kind: z.enum(['files', 'live', 'sysdump', 'prometheus', 'snapshot']),
    path: z.string().optional(),
    context: z.string().optional(),
  }),
  cluster: z.object({
    config: ConfigMap.optional(),
    helm: HelmValues.optional(),
    nodes: z.array(Node).optional(),
    pods: z.array(PodInfo).optional(),
    counts: Counts.optional(),
    ciliumNodes: z.array(CiliumNodeInfo).optional(), // a CiliumNode list with its objects
    localRedirectPolicies: z.array(LocalRedirectPolicyInfo).optional(), // a CiliumLocalRedirectPolicy list was read (empty = none exist)
    nodeConfigs: z.array(NodeConfigInfo).optional(), // a CiliumNodeConfig list was read (empty = none exist)
    operatorLogs: z.array(AgentLog).optional(), // cilium-operator container logs, one per operator pod
    operator: Operator.optional(),
    kubernetesVersion: z.string().optional(),
    cliStatus: CliStatus.optional(), // a pasted cilium-cli `cilium status`
    clusterMesh: ClusterMeshStatus.optional(), // a pasted cilium-cli `cilium clustermesh status`
    ciliumEndpoints: z.array(EndpointRow).optional(), // kubectl get ciliumendpoints (table)
    podEvents: z.array(PodEvent).optional(), // kubectl describe pod
    errors: z.array(CollectionError),
  }),
  agents: z.array(Agent),
  // Cluster-wide metric series (Prometheus), labelled with pod/node where known.
  prometheus: z.object({
    url: z.string(),
    samples: z.array(MetricSample),
    trends: z.array(Trend),
    absent: z.array(z.string()), // metric families that returned no series
    errors: z.array(CollectionError),
  }).optional(),
  skipped: z.array(z.object({path: z.string(), reason: z.string()})),
})
export type Snapshot = z.infer<typeof Snapshot>

export function emptySnapshot(kind: Snapshot['origin']['kind'], path?: string): Snapshot {
  return {
    schemaVersion: 1,
    createdAt: new Date().toISOString(),
    origin: {kind, path},
    cluster: {errors: []},
    agents: [],
    skipped: [],
  }
}

export function emptyAgent(name: string): Agent {
  return {name, logs: [], errors: []}
}
