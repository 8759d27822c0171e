/*
 * The rule registry: every rule, typed, in one list. A rule is one file here plus one line in this list;
 * test/rules/registry.test.ts fails when a file in rules/ is missing from it.
 */
import type {Rule} from '../src/rules/types.js'
import agentNodeView from './agent-node-view.js'
import agentNotOk from './agent-not-ok.js'
import agentRestarts from './agent-restarts.js'
import agentUnreachable from './agent-unreachable.js'
import bgpPeers from './bgp-peers.js'
import bigTcp from './big-tcp.js'
import bpfMapFull from './bpf-map-full.js'
import bpfMapMemory from './bpf-map-memory.js'
import bpfMapPressure from './bpf-map-pressure.js'
import ciliumCliStatus from './cilium-cli-status.js'
import clustermeshNotReady from './clustermesh-not-ready.js'
import configDrift from './config-drift.js'
import configuredKeys from './configured-keys.js'
import configuredRisks from './configured-risks.js'
import configuredValues from './configured-values.js'
import conntrackGc from './conntrack-gc.js'
import datapathDrops from './datapath-drops.js'
import debugLogging from './debug-logging.js'
import degradedModules from './degraded-modules.js'
import distributedLru from './distributed-lru.js'
import endpointRegeneration from './endpoint-regeneration.js'
import encryptionHealth from './encryption-health.js'
import endpointSliceOff from './endpoint-slice-off.js'
import endpointsNotReady from './endpoints-not-ready.js'
import eniIpExhaustion from './eni-ip-exhaustion.js'
import failingControllers from './failing-controllers.js'
import featureNotEffective from './feature-not-effective.js'
import hubbleMetricsCardinality from './hubble-metrics-cardinality.js'
import idSpace from './id-space.js'
import identityLimit from './identity-limit.js'
import ipamExhaustion from './ipam-exhaustion.js'
import ipsecErrors from './ipsec-errors.js'
import iptablesMasquerading from './iptables-masquerading.js'
import ipsecXfrmMetrics from './ipsec-xfrm-metrics.js'
import k8sClientErrors from './k8s-client-errors.js'
import k8sClientRateLimit from './k8s-client-rate-limit.js'
import kprDisabled from './kpr-disabled.js'
import lbMapCapacity from './lb-map-capacity.js'
import legacyHostRouting from './legacy-host-routing.js'
import logConditions from './log-conditions.js'
import logErrors from './log-errors.js'
import mapDynamicSizing from './map-dynamic-sizing.js'
import monitorEventsLost from './monitor-events-lost.js'
import netkitNotEffective from './netkit-not-effective.js'
import noEvidence from './no-evidence.js'
import nodesNotReady from './nodes-not-ready.js'
import operatorNotReady from './operator-not-ready.js'
import podEvents from './pod-events.js'
import servicesWithoutBackends from './services-without-backends.js'
import sourceFailed from './source-failed.js'
import staleStatus from './stale-status.js'
import unreachableNodes from './unreachable-nodes.js'
import versionSkew from './version-skew.js'
import vethNetkitPossible from './veth-netkit-possible.js'
import wireguardDatapath from './wireguard-datapath.js'

export const RULES = [
  agentNodeView,
  agentNotOk,
  agentRestarts,
  agentUnreachable,
  bgpPeers,
  bigTcp,
  bpfMapFull,
  bpfMapMemory,
  bpfMapPressure,
  ciliumCliStatus,
  clustermeshNotReady,
  configDrift,
  configuredKeys,
  configuredRisks,
  configuredValues,
  conntrackGc,
  datapathDrops,
  debugLogging,
  degradedModules,
  distributedLru,
  endpointRegeneration,
  encryptionHealth,
  endpointSliceOff,
  endpointsNotReady,
  eniIpExhaustion,
  failingControllers,
  featureNotEffective,
  hubbleMetricsCardinality,
  idSpace,
  identityLimit,
  ipamExhaustion,
  ipsecErrors,
  iptablesMasquerading,
  ipsecXfrmMetrics,
  k8sClientErrors,
  k8sClientRateLimit,
  kprDisabled,
  lbMapCapacity,
  legacyHostRouting,
  logConditions,
  logErrors,
  mapDynamicSizing,
  monitorEventsLost,
  netkitNotEffective,
  noEvidence,
  nodesNotReady,
  operatorNotReady,
  podEvents,
  servicesWithoutBackends,
  sourceFailed,
  staleStatus,
  unreachableNodes,
  versionSkew,
  vethNetkitPossible,
  wireguardDatapath,
] as const satisfies readonly Rule[]

/** Every rule id, as a type: suppressions, explain and tests can name rules only by these. */
export type RuleId = typeof RULES[number]['meta']['id']
