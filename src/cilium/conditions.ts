/*
 * Feature conditions as typed ids, and how each is judged from the evidence: agent status first (what the
 * agent really runs), then cilium-config, then Helm values. Which Helm change needs which condition is
 * src/cilium/features.ts; together they are the one prerequisite graph rules, suggest and explain read.
 * Sources: https://docs.cilium.io/en/stable/operations/performance/tuning/ ,
 * https://docs.cilium.io/en/stable/network/kubernetes/kubeproxy-free/ ,
 * https://docs.cilium.io/en/stable/installation/cni-chaining/ .
 */
import type {Snapshot, SourceRef} from '../snapshot/schema.js'
import {atLeast, compareVersions, parseVersion} from './version.js'

export const CONDITION_IDS = [
  'kernel>=5.1', 'kernel>=5.6', 'kernel>=5.10', 'kernel>=5.19', 'kernel>=6.3', 'kernel>=6.8',
  'bpf-host-routing', 'kube-proxy-replacement', 'bpf-masquerade', 'k8s-service-host', 'no-cni-chaining',
  'no-egress-gateway', 'no-endpoint-slice', 'endpoint-crd-enabled', 'dynamic-size-ratio', 'no-bpf-tproxy',
  'cilium>=1.17.2', 'cilium>=1.18',
] as const
export type ConditionId = typeof CONDITION_IDS[number]

export interface ConditionContext {
  snapshot: Snapshot
  /** Effective current values (chart defaults + user values), may be empty. */
  values: Record<string, unknown>
  version?: string
}

export interface ConditionResult {
  status: 'met' | 'failed' | 'unknown'
  detail: string
  src?: SourceRef
}

/** A Helm change that makes a failed condition hold. */
export interface Fixer {path: string, holds: (value: unknown) => boolean}

export interface Condition {
  describe: string
  check(ctx: ConditionContext): ConditionResult
  fixers: Fixer[]
  /** Not shown to hold is as bad as failed: a change needing it is never written on a guess. */
  mustBeShown?: boolean
}

export const truthy = (v: unknown) => v === true || v === 'true'
export const falsy = (v: unknown) => v === false || v === 'false'

function configValue(s: Snapshot, key: string): {value: string, src: SourceRef} | undefined {
  return s.cluster.config?.data[key]
}

function configBool(s: Snapshot, key: string): boolean | undefined {
  const v = configValue(s, key)?.value.trim().toLowerCase()
  return v === 'true' ? true : v === 'false' ? false : undefined
}

export function valueAt(values: unknown, path: string): unknown {
  let cur = values
  for (const k of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined
    cur = (cur as Record<string, unknown>)[k]
  }
  return cur
}

function versionAtLeast(ctx: ConditionContext, min: string): ConditionResult {
  const ok = atLeast(ctx.version, min)
  if (ok === undefined) return {status: 'unknown', detail: 'Cilium version unknown'}
  return ok ? {status: 'met', detail: `Cilium ${ctx.version}`} : {status: 'failed', detail: `Cilium ${ctx.version} < ${min}`}
}

function kernelAtLeast(ctx: ConditionContext, min: string): ConditionResult {
  const nodes = ctx.snapshot.cluster.nodes ?? []
  const known = nodes.filter((n) => n.kernel)
  if (known.length === 0) return {status: 'unknown', detail: 'node kernel versions not in the evidence'}
  const want = parseVersion(min)!
  const low = known.filter((n) => {
    const k = parseVersion(n.kernel)
    return !k || compareVersions(k, want) < 0
  })
  if (low.length > 0) {
    return {status: 'failed', detail: `kernel < ${min} on ${low.map((n) => `${n.name} (${n.kernel})`).slice(0, 5).join(', ')}${low.length > 5 ? ` and ${low.length - 5} more` : ''}`, src: low[0].src}
  }
  const missing = nodes.length - known.length
  if (missing > 0) return {status: 'unknown', detail: `kernel unknown on ${missing} of ${nodes.length} nodes`}
  return {status: 'met', detail: `kernel ≥ ${min} on all ${nodes.length} nodes`}
}

/** Facts from status first (what the agent really does), then cilium-config, then values. */
function fact(ctx: ConditionContext, o: {
  status?: () => {value: boolean, src: SourceRef} | undefined
  configKeys?: string[]
  helmPath?: string
  want: boolean
  what: string
}): ConditionResult {
  const st = o.status?.()
  if (st) return {status: st.value === o.want ? 'met' : 'failed', detail: `${o.what}: ${st.value ? 'on' : 'off'} (agent status)`, src: st.src}
  for (const key of o.configKeys ?? []) {
    const b = configBool(ctx.snapshot, key)
    const cv = configValue(ctx.snapshot, key)
    if (b !== undefined && cv) return {status: b === o.want ? 'met' : 'failed', detail: `${o.what}: ${key}=${cv.value}`, src: cv.src}
  }
  if (o.helmPath) {
    const v = valueAt(ctx.values, o.helmPath)
    if (truthy(v) || falsy(v)) return {status: truthy(v) === o.want ? 'met' : 'failed', detail: `${o.what}: ${o.helmPath}=${String(v)}`}
  }
  // A ConfigMap without the key means the agent default (off) for these features.
  if (ctx.snapshot.cluster.config && o.configKeys) {
    return {status: o.want ? 'failed' : 'met', detail: `${o.what}: off (${o.configKeys[0]} not set in cilium-config)`}
  }
  return {status: 'unknown', detail: `${o.what}: not in the evidence`}
}

function allAgents<T>(ctx: ConditionContext, pick: (s: NonNullable<Snapshot['agents'][number]['status']>) => T | undefined, test: (t: T) => boolean, src: (t: T) => SourceRef) {
  const seen = ctx.snapshot.agents.flatMap((a) => (a.status ? [pick(a.status)] : [])).filter((t): t is T => t !== undefined)
  if (seen.length === 0) return undefined
  const bad = seen.find((t) => !test(t))
  return {value: bad === undefined, src: src(bad ?? seen[0])}
}

/** The API server address agents use without kube-proxy: k8sServiceHost + k8sServicePort, or k8s.apiServerURLs. */
function serviceHost(ctx: ConditionContext): ConditionResult {
  const host = valueAt(ctx.values, 'k8sServiceHost')
  const port = valueAt(ctx.values, 'k8sServicePort')
  const urls = valueAt(ctx.values, 'k8s.apiServerURLs')
  const set = (v: unknown) => v !== undefined && v !== null && String(v).trim() !== ''
  if (set(urls)) return {status: 'met', detail: 'k8s.apiServerURLs is set'}
  if (set(host) && set(port)) return {status: 'met', detail: `k8sServiceHost/k8sServicePort set (${String(host)}:${String(port)})`}
  if (set(host) || set(port)) return {status: 'failed', detail: `only ${set(host) ? 'k8sServiceHost' : 'k8sServicePort'} is set`}
  return {status: 'unknown', detail: 'k8sServiceHost/k8sServicePort not in the values (cilium-config does not carry them): set both to the API server address'}
}

function noChaining(ctx: ConditionContext): ConditionResult {
  const c = configValue(ctx.snapshot, 'cni-chaining-mode')
  if (c) return c.value.trim() === '' || c.value.trim() === 'none' ? {status: 'met', detail: `cni-chaining-mode=${c.value}`, src: c.src} : {status: 'failed', detail: `CNI chaining mode ${c.value}`, src: c.src}
  const v = valueAt(ctx.values, 'cni.chainingMode')
  if (typeof v === 'string' && v !== '' && v !== 'none') return {status: 'failed', detail: `cni.chainingMode=${v}`}
  if (ctx.snapshot.cluster.config || v !== undefined) return {status: 'met', detail: 'no CNI chaining mode set'}
  return {status: 'unknown', detail: 'CNI chaining mode not in the evidence'}
}

export const CONDITIONS: Record<ConditionId, Condition> = {
  'kernel>=5.1': {describe: 'Linux kernel ≥ 5.1 on every node (bandwidth manager)', check: (ctx) => kernelAtLeast(ctx, '5.1'), fixers: []},
  'kernel>=5.6': {describe: 'Linux kernel ≥ 5.6 on every node (WireGuard in the kernel)', check: (ctx) => kernelAtLeast(ctx, '5.6'), fixers: []},
  'kernel>=5.10': {describe: 'Linux kernel ≥ 5.10 on every node (eBPF host routing)', check: (ctx) => kernelAtLeast(ctx, '5.10'), fixers: []},
  'kernel>=5.19': {describe: 'Linux kernel ≥ 5.19 on every node (IPv6 BIG TCP)', check: (ctx) => kernelAtLeast(ctx, '5.19'), fixers: []},
  'kernel>=6.3': {describe: 'Linux kernel ≥ 6.3 on every node (IPv4 BIG TCP)', check: (ctx) => kernelAtLeast(ctx, '6.3'), fixers: []},
  'kernel>=6.8': {
    describe: 'Linux kernel ≥ 6.8 on every node (the agent refuses netkit below 6.7 or without CONFIG_NETKIT)',
    check: (ctx) => kernelAtLeast(ctx, '6.8'),
    fixers: [],
  },
  'bpf-host-routing': {
    describe: 'eBPF host routing (status "Host: BPF")',
    check: (ctx) => {
      const st = allAgents(ctx, (s) => s.routing, (r) => r.host === 'BPF', (r) => r.src)
      if (st) return {status: st.value ? 'met' : 'failed', detail: `host routing: ${st.value ? 'BPF' : 'Legacy'} (agent status)`, src: st.src}
      return hostRoutingFromConfig(ctx)
    },
    fixers: [{path: 'bpf.hostLegacyRouting', holds: falsy}],
  },
  'kube-proxy-replacement': {
    describe: 'kube-proxy replacement (kubeProxyReplacement=true)',
    check: (ctx) => fact(ctx, {
      status: () => allAgents(ctx, (s) => s.kubeProxyReplacement, (k) => k.enabled, (k) => k.src),
      configKeys: ['kube-proxy-replacement'], helmPath: 'kubeProxyReplacement', want: true, what: 'kube-proxy replacement',
    }),
    fixers: [{path: 'kubeProxyReplacement', holds: truthy}],
  },
  'bpf-masquerade': {
    describe: 'eBPF masquerading (bpf.masquerade=true)',
    check: (ctx) => fact(ctx, {
      status: () => allAgents(ctx, (s) => s.masquerading, (m) => /^BPF/i.test(m.mode), (m) => m.src),
      configKeys: ['enable-bpf-masquerade'], helmPath: 'bpf.masquerade', want: true, what: 'eBPF masquerading',
    }),
    fixers: [{path: 'bpf.masquerade', holds: truthy}],
  },
  'k8s-service-host': {
    describe: 'k8sServiceHost and k8sServicePort (or k8s.apiServerURLs) point agents at the API server without kube-proxy',
    check: serviceHost,
    fixers: [],
    mustBeShown: true,
  },
  'no-cni-chaining': {
    describe: 'Cilium is the only CNI (no CNI chaining mode: the chart forces legacy host routing and KPR is unsupported there)',
    check: noChaining,
    fixers: [],
  },
  'no-egress-gateway': {
    describe: 'egress gateway off (not compatible with CiliumEndpointSlice)',
    check: (ctx) => fact(ctx, {configKeys: ['enable-egress-gateway', 'enable-ipv4-egress-gateway'], helmPath: 'egressGateway.enabled', want: false, what: 'egress gateway'}),
    fixers: [{path: 'egressGateway.enabled', holds: falsy}],
  },
  'no-endpoint-slice': {
    describe: 'CiliumEndpointSlice off (not compatible with egress gateway)',
    check: (ctx) => fact(ctx, {configKeys: ['enable-cilium-endpoint-slice'], helmPath: 'ciliumEndpointSlice.enabled', want: false, what: 'CiliumEndpointSlice'}),
    fixers: [{path: 'ciliumEndpointSlice.enabled', holds: falsy}, {path: 'enableCiliumEndpointSlice', holds: falsy}],
  },
  'endpoint-crd-enabled': {
    describe: 'CiliumEndpoint CRD in use (disableEndpointCRD=false)',
    check: (ctx) => fact(ctx, {configKeys: ['disable-endpoint-crd'], helmPath: 'disableEndpointCRD', want: false, what: 'disable-endpoint-crd'}),
    fixers: [{path: 'disableEndpointCRD', holds: falsy}],
  },
  'no-bpf-tproxy': {
    describe: 'bpf.tproxy off (chart 1.19 refuses it with netkit)',
    check: (ctx) => fact(ctx, {configKeys: ['enable-bpf-tproxy'], helmPath: 'bpf.tproxy', want: false, what: 'eBPF TPROXY'}),
    fixers: [{path: 'bpf.tproxy', holds: falsy}],
  },
  'dynamic-size-ratio': {
    describe: 'a dynamic map size ratio (the agent refuses distributed LRU without one)',
    check: (ctx) => {
      const st = ctx.snapshot.agents.find((a) => a.status?.bpfMaps)?.status?.bpfMaps
      if (st) return {status: st.dynamicSizing ? 'met' : 'failed', detail: `dynamic sizing ${st.dynamicSizing ? `on (ratio ${st.ratio})` : 'off'} (agent status)`, src: st.src}
      const cv = configValue(ctx.snapshot, 'bpf-map-dynamic-size-ratio')
      if (cv) return {status: Number(cv.value) > 0 ? 'met' : 'failed', detail: `bpf-map-dynamic-size-ratio=${cv.value}`, src: cv.src}
      if (ctx.snapshot.cluster.config) return {status: 'failed', detail: 'bpf-map-dynamic-size-ratio not set in cilium-config'}
      return {status: 'unknown', detail: 'dynamic size ratio not in the evidence'}
    },
    fixers: [{path: 'bpf.mapDynamicSizeRatio', holds: (v) => Number(v) > 0}],
  },
  'cilium>=1.17.2': {describe: 'Cilium 1.17.2 or newer', check: (ctx) => versionAtLeast(ctx, '1.17.2'), fixers: []},
  'cilium>=1.18': {describe: 'Cilium 1.18 or newer', check: (ctx) => versionAtLeast(ctx, '1.18.0'), fixers: []},
}

/** Host routing when no agent status shows it: legacy is forced by config or by missing KPR / BPF masquerade. */
function hostRoutingFromConfig(ctx: ConditionContext): ConditionResult {
  const legacy = configValue(ctx.snapshot, 'enable-host-legacy-routing')
  if (legacy?.value.trim() === 'true') return {status: 'failed', detail: 'enable-host-legacy-routing=true', src: legacy.src}
  const kpr = CONDITIONS['kube-proxy-replacement'].check(ctx)
  const masq = CONDITIONS['bpf-masquerade'].check(ctx)
  if (kpr.status === 'failed' || masq.status === 'failed') return {status: 'failed', detail: `legacy host routing (${kpr.status === 'failed' ? kpr.detail : masq.detail})`, src: kpr.src ?? masq.src}
  if (legacy?.value.trim() === 'false' && kpr.status === 'met' && masq.status === 'met') return {status: 'met', detail: 'enable-host-legacy-routing=false with KPR and BPF masquerade', src: legacy.src}
  return {status: 'unknown', detail: 'host routing mode not in the evidence (no agent status)'}
}

export function isConditionId(s: string): s is ConditionId {
  return Object.hasOwn(CONDITIONS, s)
}
