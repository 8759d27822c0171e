/*
 * What must hold before a suggested value can work, checked against the evidence
 * (knowledge/helm-config-map.md §2–§3, rules-catalog prerequisites). A failed prerequisite blocks the
 * suggestion unless another, itself unblocked, suggestion of the same overlay fixes it.
 */
import type {Snapshot, SourceRef} from '../snapshot/schema.js'
import {compareVersions, configBool, configValue, parseVersion} from '../rules/helpers.js'
import {getPath} from './paths.js'

export type ConditionId =
  | 'kernel>=6.8' | 'bpf-host-routing' | 'kube-proxy-replacement' | 'bpf-masquerade'
  | 'no-egress-gateway' | 'no-endpoint-slice' | 'dynamic-size-ratio' | 'no-bpf-tproxy'
  | 'cilium>=1.17.2' | 'cilium>=1.18'

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

/** A suggestion that would make a failed condition hold. */
export interface Fixer {path: string, holds: (value: unknown) => boolean}

interface Condition {
  describe: string
  check(ctx: ConditionContext): ConditionResult
  fixers: Fixer[]
}

const truthy = (v: unknown) => v === true || v === 'true'
const falsy = (v: unknown) => v === false || v === 'false'

function versionAtLeast(ctx: ConditionContext, min: string): ConditionResult {
  const v = parseVersion(ctx.version)
  if (!v) return {status: 'unknown', detail: 'Cilium version unknown'}
  return compareVersions(v, parseVersion(min)!) >= 0
    ? {status: 'met', detail: `Cilium ${ctx.version}`}
    : {status: 'failed', detail: `Cilium ${ctx.version} < ${min}`}
}

function kernelAtLeast(ctx: ConditionContext, min: [number, number, number]): ConditionResult {
  const nodes = ctx.snapshot.cluster.nodes ?? []
  const known = nodes.filter((n) => n.kernel)
  if (known.length === 0) return {status: 'unknown', detail: 'node kernel versions not in the evidence'}
  const low = known.filter((n) => {
    const k = parseVersion(n.kernel)
    return !k || compareVersions(k, min) < 0
  })
  const want = `${min[0]}.${min[1]}`
  if (low.length > 0) {
    return {status: 'failed', detail: `kernel < ${want} on ${low.map((n) => `${n.name} (${n.kernel})`).slice(0, 5).join(', ')}${low.length > 5 ? ` and ${low.length - 5} more` : ''}`, src: low[0].src}
  }
  const missing = nodes.length - known.length
  if (missing > 0) return {status: 'unknown', detail: `kernel unknown on ${missing} of ${nodes.length} nodes`}
  return {status: 'met', detail: `kernel ≥ ${want} on all ${nodes.length} nodes`}
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
    const v = getPath(ctx.values, o.helmPath)
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

export const CONDITIONS: Record<ConditionId, Condition> = {
  'kernel>=6.8': {
    describe: 'Linux kernel ≥ 6.8 on every node (the agent refuses netkit below 6.7 or without CONFIG_NETKIT)',
    check: (ctx) => kernelAtLeast(ctx, [6, 8, 0]),
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

/** Conditions a value needs regardless of what the rule said. */
export function builtInPrerequisites(path: string, value: unknown): ConditionId[] {
  switch (path) {
    case 'bpf.datapathMode':
      return typeof value === 'string' && value.startsWith('netkit') ? ['kernel>=6.8', 'bpf-host-routing', 'no-bpf-tproxy'] : []
    case 'bpf.hostLegacyRouting':
      return falsy(value) ? ['kube-proxy-replacement', 'bpf-masquerade'] : []
    case 'ciliumEndpointSlice.enabled':
    case 'enableCiliumEndpointSlice':
      return truthy(value) ? ['no-egress-gateway'] : []
    case 'egressGateway.enabled':
      return truthy(value) ? ['no-endpoint-slice', 'kube-proxy-replacement', 'bpf-masquerade'] : []
    case 'bpf.distributedLRU.enabled':
      return truthy(value) ? ['dynamic-size-ratio', 'cilium>=1.17.2'] : []
    case 'k8s.apiServerURLs':
      return ['cilium>=1.18']
    default:
      return path.startsWith('k8sClientExponentialBackoff.') ? ['cilium>=1.18'] : []
  }
}

export interface PrerequisiteState {
  id: ConditionId
  describe: string
  result: ConditionResult
  /** Path of the suggestion in the same overlay that makes it hold. */
  fixedBy?: string
}

/**
 * Check every item's conditions; an item is blocked when a condition fails and no unblocked item of the
 * same overlay fixes it (iterated to a fixed point, so a chain netkit → host routing → KPR is followed).
 */
export function resolvePrerequisites<T extends {path: string, value: unknown, conditions: ConditionId[]}>(
  items: T[], ctx: ConditionContext,
): Map<T, {states: PrerequisiteState[], blockedBy: string[]}> {
  const results = new Map<ConditionId, ConditionResult>()
  const check = (id: ConditionId) => {
    if (!results.has(id)) results.set(id, CONDITIONS[id].check(ctx))
    return results.get(id)!
  }
  const blocked = new Set<T>()
  const out = new Map<T, {states: PrerequisiteState[], blockedBy: string[]}>()
  for (let round = 0; round <= items.length; round++) {
    let changed = false
    for (const item of items) {
      const states: PrerequisiteState[] = []
      const blockedBy: string[] = []
      for (const id of item.conditions) {
        const result = check(id)
        const c = CONDITIONS[id]
        let fixedBy: string | undefined
        if (result.status === 'failed') {
          const fixer = items.find((other) => other !== item && !blocked.has(other) && c.fixers.some((f) => f.path === other.path && f.holds(other.value)))
          fixedBy = fixer?.path
          if (!fixer) blockedBy.push(`${c.describe}: ${result.detail}`)
        }
        states.push({id, describe: c.describe, result, fixedBy})
      }
      out.set(item, {states, blockedBy})
      if (blockedBy.length > 0 && !blocked.has(item)) {
        blocked.add(item)
        changed = true
      }
    }
    if (!changed) break
  }
  return out
}
