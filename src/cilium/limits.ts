/*
 * Hard limits of Cilium's ID spaces and fixed maps, from its source:
 * - identities: pkg/identity/numericidentity.go (MinimalNumericIdentity 256; MaximumAllocationIdentity
 *   (1<<ClusterIDShift)*(ClusterID+1)-1, ClusterIDShift 16, or 15 with max-connected-clusters 511);
 * - service IDs: pkg/loadbalancer/reconciler/id_allocator.go (firstFreeServiceID 1, maxSetOfServiceID 0xFFFF,
 *   exclusive upper bound; pkg/service/id.go before 1.18);
 * - node IDs: pkg/datapath/linux/node_ids.go (a uint16 idpool, "No more IDs available for nodes"), kept in
 *   the node map, pkg/maps/nodemap/node_map_v2.go (DefaultMaxEntries 16384, one entry per node IP, bpf-node-map-max).
 */
export const IDENTITY_FIRST = 256
export const IDENTITY_SPACE = 65536
export const IDENTITY_SPACE_511_CLUSTERS = 32768

export const SERVICE_ID_FIRST = 1
export const SERVICE_ID_END = 0xFFFF // exclusive

export const NODE_ID_MAX = 0xFFFF
export const NODE_MAP_DEFAULT = 16384
export const NODE_MAP_CONFIG_KEY = 'bpf-node-map-max'

export const LIMITS_SOURCES = [
  'https://github.com/cilium/cilium/blob/main/pkg/identity/numericidentity.go',
  'https://github.com/cilium/cilium/blob/main/pkg/loadbalancer/reconciler/id_allocator.go',
  'https://github.com/cilium/cilium/blob/main/pkg/datapath/linux/node_ids.go',
  'https://github.com/cilium/cilium/blob/main/pkg/maps/nodemap/node_map_v2.go',
]

/** Cluster-wide identities one cluster can allocate (the 511-cluster mesh mode halves the space). */
export function identityLimit(maxConnectedClusters: number | undefined): number {
  return (maxConnectedClusters === 511 ? IDENTITY_SPACE_511_CLUSTERS : IDENTITY_SPACE) - IDENTITY_FIRST
}

/** Service IDs an agent can hand out (one per frontend address:port/protocol). */
export const SERVICE_ID_LIMIT = SERVICE_ID_END - SERVICE_ID_FIRST

/** Share of a hard limit in use → severity; below the lowest threshold there is room (heuristic thresholds). */
export const ROOM_THRESHOLDS = [{share: 0.97, severity: 'critical'}, {share: 0.9, severity: 'high'}, {share: 0.75, severity: 'medium'}] as const
