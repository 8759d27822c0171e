/*
 * Pick the smallest dynamic size ratio (or explicit max) that brings every node's observed pressure
 * under a target. Nodes differ in memory, so the ratio must satisfy the node that needs it most;
 * each node's outcome is reported so the operator sees what every node will get and what it costs.
 */
import type {DynamicFamily, SizingResult} from './formula.js'
import {computeMapSizes, DYNAMIC_FAMILIES, LIMIT_TABLE_MAX} from './formula.js'
import {defaultSize, totalDefaultBytes} from '../cilium/maps.js'
import type {MemoryEstimate} from './memory.js'
import {estimateMemory} from './memory.js'

export interface NodeObservation {
  node: string
  memoryBytes: number
  cpus?: number
  /** Where memoryBytes came from: the Node object, or inverted from the status map sizes. */
  memorySource: 'node' | 'inferred'
  /** Peak observed pressure (entries / current size) per family. */
  pressure: Partial<Record<DynamicFamily, number>>
  /** Sizes the agent reported in status, when known; else the formula's. */
  currentSizes?: Partial<Record<DynamicFamily, number>>
  ipv6?: boolean
}

export interface SizingPolicy {
  ratio?: number // current ratio (undefined = dynamic sizing off)
  distributedLru?: boolean
  overrides?: Partial<Record<DynamicFamily, number>>
  target: number // pressure to stay under, e.g. 0.5
}

export interface NodePlan {
  node: string
  memoryBytes: number
  memorySource: NodeObservation['memorySource']
  before: SizingResult
  after: SizingResult
  pressureBefore: Partial<Record<DynamicFamily, number>>
  pressureAfter: Partial<Record<DynamicFamily, number>>
  memoryBefore: MemoryEstimate
  memoryAfter: MemoryEstimate
}

export type Recommendation =
  | {kind: 'ratio', ratio: number, previous?: number, nodes: NodePlan[]}
  | {kind: 'max', sizes: Partial<Record<DynamicFamily, number>>, nodes: NodePlan[]}
  | {kind: 'none', reason: string, nodes: NodePlan[]}

/** Ratios are proposed in steps of 0.0005 (readable in values.yaml, never more than 0.0005 above the need). */
export const RATIO_STEP = 0.0005

function sizing(o: NodeObservation, p: SizingPolicy, ratio: number | undefined, overrides = p.overrides): SizingResult {
  return computeMapSizes({memoryBytes: o.memoryBytes, cpus: o.cpus, ratio, distributedLru: p.distributedLru, overrides})
}

/** Entries in use now: pressure × the size the agent reports (or the formula's size for its memory). */
function observedEntries(o: NodeObservation, p: SizingPolicy): Partial<Record<DynamicFamily, number>> {
  const now = sizing(o, p, p.ratio)
  const out: Partial<Record<DynamicFamily, number>> = {}
  for (const f of DYNAMIC_FAMILIES) {
    const pr = o.pressure[f]
    if (pr === undefined) continue
    out[f] = Math.ceil(pr * (o.currentSizes?.[f] ?? now.sizes[f].entries))
  }
  return out
}

function plan(o: NodeObservation, p: SizingPolicy, ratio: number | undefined, overrides = p.overrides): NodePlan {
  const before = sizing(o, p, p.ratio)
  const after = sizing(o, p, ratio, overrides)
  const used = observedEntries(o, p)
  const pressureAfter: Partial<Record<DynamicFamily, number>> = {}
  for (const f of DYNAMIC_FAMILIES) {
    const u = used[f]
    if (u !== undefined) pressureAfter[f] = u / after.sizes[f].entries
  }
  const ip = {ipv4: true, ipv6: Boolean(o.ipv6)}
  return {
    node: o.node, memoryBytes: o.memoryBytes, memorySource: o.memorySource,
    before, after, pressureBefore: {...o.pressure}, pressureAfter,
    memoryBefore: estimateMemory(before, ip), memoryAfter: estimateMemory(after, ip),
  }
}

/** Each node's before/after for a ratio and explicit sizes chosen elsewhere. */
export function planNodes(nodes: NodeObservation[], p: SizingPolicy, ratio: number | undefined, overrides: Partial<Record<DynamicFamily, number>>): NodePlan[] {
  return nodes.map((o) => plan(o, p, ratio, overrides))
}

/** Pressure under target on every family the ratio moves (explicitly sized families are recommendMax's job). */
const satisfied = (pl: NodePlan, target: number, overrides: SizingPolicy['overrides'] = {}) =>
  Object.entries(pl.pressureAfter).every(([f, v]) => overrides[f as DynamicFamily] !== undefined || (v) <= target)

/**
 * The smallest ratio (multiple of RATIO_STEP, never below the current one) under which every node's
 * pressured, dynamically sized families fall under the target. Families with an explicit size are not
 * moved by the ratio; they are left to recommendMax.
 */
export function recommendRatio(nodes: NodeObservation[], p: SizingPolicy): Recommendation {
  const current = p.ratio ?? 0
  const pressured = nodes.filter((o) => Object.entries(o.pressure).some(([f, v]) => v !== undefined && p.overrides?.[f as DynamicFamily] === undefined))
  if (pressured.length === 0) return {kind: 'none', reason: 'no observed pressure on a dynamically sized map', nodes: nodes.map((o) => plan(o, p, p.ratio))}
  // Analytical lower bound per node/family, then walk up by steps and confirm with the exact formula.
  if (nodes.every((o) => satisfied(plan(o, p, p.ratio), p.target, p.overrides))) {
    return {kind: 'none', reason: `the current ratio ${current} already keeps every node under ${p.target}`, nodes: nodes.map((o) => plan(o, p, p.ratio))}
  }
  let need = 0
  for (const o of pressured) {
    const used = observedEntries(o, p)
    const now = sizing(o, p, p.ratio)
    for (const f of DYNAMIC_FAMILIES) {
      const u = used[f]
      if (u === undefined || p.overrides?.[f] !== undefined) continue
      const required = Math.ceil(u / p.target)
      // Already big enough (e.g. held up by the min clamp): this family sets no lower bound.
      if (required <= now.sizes[f].entries) continue
      if (required > LIMIT_TABLE_MAX) {
        return {kind: 'none', reason: `node ${o.node} needs ${required} ${f} entries, above the 16777216 limit of any map`, nodes: nodes.map((n) => plan(n, p, p.ratio))}
      }
      const def = f === 'neigh' ? defaultSize('nat') : defaultSize(f)
      // Rounding up to the CPU count can add up to cpus-1 entries, so the bound is taken that much lower.
      const cpus = p.distributedLru ? Math.max(1, o.cpus ?? 1) : 1
      need = Math.max(need, (Math.max(0, required - cpus) * totalDefaultBytes()) / (def * o.memoryBytes))
    }
  }
  let ratio = Math.max(RATIO_STEP, Math.floor(need / RATIO_STEP) * RATIO_STEP)
  for (let i = 0; i < 10000 && ratio <= 1; i++) {
    const r = Number(ratio.toFixed(4))
    const plans = nodes.map((o) => plan(o, p, r))
    if (plans.every((pl) => satisfied(pl, p.target, p.overrides))) {
      if (r <= current) return {kind: 'none', reason: `the current ratio ${current} already keeps every node under ${p.target}`, nodes: nodes.map((o) => plan(o, p, p.ratio))}
      return {kind: 'ratio', ratio: r, previous: p.ratio, nodes: plans}
    }
    ratio += RATIO_STEP
  }
  return {kind: 'none', reason: 'no ratio ≤ 1 brings the pressure under the target', nodes: nodes.map((o) => plan(o, p, p.ratio))}
}

/** Round an explicit size up to a multiple of 65536 (and of the CPU count with distributed LRU). */
function niceSize(n: number, cpus: number): number {
  let s = Math.ceil(n / 65536) * 65536
  if (cpus > 1) s = Math.ceil(s / cpus) * cpus
  return Math.min(s, LIMIT_TABLE_MAX)
}

/** Explicit per-family maxima (bpf.ctTcpMax …) large enough for the busiest node. */
export function recommendMax(nodes: NodeObservation[], p: SizingPolicy, families: DynamicFamily[]): Recommendation {
  const sizes: Partial<Record<DynamicFamily, number>> = {}
  const cpus = p.distributedLru ? Math.max(1, ...nodes.map((o) => o.cpus ?? 1)) : 1
  for (const f of families) {
    let required = 0
    for (const o of nodes) required = Math.max(required, Math.ceil((observedEntries(o, p)[f] ?? 0) / p.target))
    if (required === 0) continue
    const currentMax = Math.max(...nodes.map((o) => sizing(o, p, p.ratio).sizes[f].entries))
    const s = niceSize(required, cpus)
    if (s > currentMax) sizes[f] = s
  }
  if (Object.keys(sizes).length === 0) return {kind: 'none', reason: 'current sizes already keep every node under the target', nodes: nodes.map((o) => plan(o, p, p.ratio))}
  const overrides = {...p.overrides, ...sizes}
  return {kind: 'max', sizes, nodes: nodes.map((o) => plan(o, p, p.ratio, overrides))}
}

/**
 * Fixed-size maps (service, backend, rev-NAT: bpf.lbMapMax): the next power of two holding the busiest
 * node's entries at the target pressure, never smaller than today.
 */
export function recommendFixedMax(usedEntries: number, currentMax: number, target: number): number | undefined {
  const required = Math.ceil(usedEntries / target)
  if (required <= currentMax) return undefined
  let s = 1
  while (s < required) s *= 2
  return Math.min(s, LIMIT_TABLE_MAX)
}
