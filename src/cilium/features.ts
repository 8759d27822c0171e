/*
 * The prerequisite graph: which Helm change needs which conditions (src/cilium/conditions.ts), and whether it
 * is an improvement (an optional gain, written by `suggest` only with --improvements) or part of a fix.
 * Rules, suggest and explain all read it; nothing else states a prerequisite.
 */
import type {ConditionId} from './conditions.js'
import {falsy, truthy} from './conditions.js'

export type FeatureId =
  | 'netkit' | 'bpf-host-routing' | 'kube-proxy-replacement' | 'bpf-masquerade' | 'big-tcp-ipv4' | 'big-tcp-ipv6'
  | 'endpoint-slice' | 'egress-gateway' | 'distributed-lru' | 'api-server-urls' | 'k8s-client-backoff'

export interface Feature {
  id: FeatureId
  title: string
  /** The Helm change that turns the feature on. */
  matches: (path: string, value: unknown) => boolean
  requires: ConditionId[]
  /** An optional gain rather than the fix of a finding's cause. */
  improvement: boolean
  docs: string
}

const at = (p: string, when: (v: unknown) => boolean) => (path: string, value: unknown) => path === p && when(value)
const kprOn = (v: unknown) => truthy(v) || v === 'strict'

export const FEATURES: Record<FeatureId, Feature> = {
  'netkit': {
    id: 'netkit', title: 'netkit devices', improvement: true,
    matches: at('bpf.datapathMode', (v) => typeof v === 'string' && v.startsWith('netkit')),
    requires: ['kernel>=6.8', 'bpf-host-routing', 'no-bpf-tproxy'],
    docs: 'https://docs.cilium.io/en/stable/operations/performance/tuning/#netkit-device-mode',
  },
  'bpf-host-routing': {
    id: 'bpf-host-routing', title: 'eBPF host routing', improvement: true,
    matches: at('bpf.hostLegacyRouting', falsy),
    requires: ['kube-proxy-replacement', 'bpf-masquerade', 'no-cni-chaining', 'kernel>=5.10'],
    docs: 'https://docs.cilium.io/en/stable/operations/performance/tuning/#ebpf-host-routing',
  },
  'kube-proxy-replacement': {
    id: 'kube-proxy-replacement', title: 'kube-proxy replacement', improvement: true,
    matches: at('kubeProxyReplacement', kprOn),
    requires: ['k8s-service-host', 'no-cni-chaining'],
    docs: 'https://docs.cilium.io/en/stable/network/kubernetes/kubeproxy-free/',
  },
  'bpf-masquerade': {
    id: 'bpf-masquerade', title: 'eBPF masquerading', improvement: true,
    matches: at('bpf.masquerade', truthy),
    requires: ['kube-proxy-replacement'],
    docs: 'https://docs.cilium.io/en/stable/network/concepts/masquerading/',
  },
  'big-tcp-ipv4': {
    id: 'big-tcp-ipv4', title: 'IPv4 BIG TCP', improvement: true,
    matches: at('enableIPv4BIGTCP', truthy),
    requires: ['bpf-host-routing', 'kube-proxy-replacement', 'bpf-masquerade', 'kernel>=6.3'],
    docs: 'https://docs.cilium.io/en/stable/operations/performance/tuning/#ipv4-big-tcp',
  },
  'big-tcp-ipv6': {
    id: 'big-tcp-ipv6', title: 'IPv6 BIG TCP', improvement: true,
    matches: at('enableIPv6BIGTCP', truthy),
    requires: ['bpf-host-routing', 'kube-proxy-replacement', 'bpf-masquerade', 'kernel>=5.19'],
    docs: 'https://docs.cilium.io/en/stable/operations/performance/tuning/#ipv6-big-tcp',
  },
  'endpoint-slice': {
    id: 'endpoint-slice', title: 'CiliumEndpointSlice', improvement: true,
    matches: (p, v) => (p === 'ciliumEndpointSlice.enabled' || p === 'enableCiliumEndpointSlice') && truthy(v),
    requires: ['no-egress-gateway', 'endpoint-crd-enabled'],
    docs: 'https://docs.cilium.io/en/stable/network/kubernetes/ciliumendpointslice/',
  },
  'egress-gateway': {
    id: 'egress-gateway', title: 'egress gateway', improvement: false,
    matches: at('egressGateway.enabled', truthy),
    requires: ['no-endpoint-slice', 'kube-proxy-replacement', 'bpf-masquerade'],
    docs: 'https://docs.cilium.io/en/stable/network/egress-gateway/egress-gateway/',
  },
  'distributed-lru': {
    id: 'distributed-lru', title: 'distributed LRU', improvement: false,
    matches: at('bpf.distributedLRU.enabled', truthy),
    requires: ['dynamic-size-ratio', 'cilium>=1.17.2'],
    docs: 'https://docs.cilium.io/en/stable/operations/performance/tuning/',
  },
  'api-server-urls': {
    id: 'api-server-urls', title: 'several API server URLs', improvement: false,
    matches: (p) => p === 'k8s.apiServerURLs',
    requires: ['cilium>=1.18'],
    docs: 'https://docs.cilium.io/en/stable/helm-reference/',
  },
  'k8s-client-backoff': {
    id: 'k8s-client-backoff', title: 'Kubernetes client exponential backoff', improvement: false,
    matches: (p) => p.startsWith('k8sClientExponentialBackoff.'),
    requires: ['cilium>=1.18'],
    docs: 'https://docs.cilium.io/en/stable/helm-reference/',
  },
}

/** Features a Helm change turns on. */
export function featuresOf(path: string, value: unknown): Feature[] {
  return Object.values(FEATURES).filter((f) => f.matches(path, value))
}

/** Conditions a Helm change needs, from the graph. */
export function requirementsOf(path: string, value: unknown): ConditionId[] {
  return [...new Set(featuresOf(path, value).flatMap((f) => f.requires))]
}

/** Whether a Helm change is an improvement rather than an incident fix. */
export function isImprovement(path: string, value: unknown): boolean {
  return featuresOf(path, value).some((f) => f.improvement)
}

/**
 * Conditions that are the cluster's integration mode rather than something a Helm change can make hold:
 * a change needing one that fails does not apply to this cluster at all and is withheld, with the reason.
 */
export const MODE_CONDITIONS: ConditionId[] = ['no-cni-chaining']
