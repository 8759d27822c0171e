/*
 * When one dynamic size ratio does not fit every node: the ratio the busiest nodes need would grow the maps of
 * every other node by the same factor of their memory. Then the other nodes keep what they need, and the busy
 * group gets its own ratio through a CiliumNodeConfig (src/cilium/node-config.ts), selected by a label the group
 * shares. Pure: node observations in, a split (or none) out.
 */
import type {Node} from '../snapshot/schema.js'
import {GROUP_LABEL_KEYS, HOSTNAME_LABEL} from '../cilium/node-config.js'
import type {NodeObservation, SizingPolicy} from './recommend.js'
import {planNodes, recommendRatio} from './recommend.js'

export interface RatioSplit {
  /** Ratio for every node outside the group; undefined = leave the global ratio as it is. */
  rest?: number
  group: {nodes: string[], ratio: number}
  /** Kernel map memory the other nodes do not spend, against one ratio for all. */
  savedBytes: number
  restNodes: string[]
}

export type NodeSelector = {matchLabels: Record<string, string>} | {matchExpressions: Array<{key: string, operator: 'In', values: string[]}>}

/** The ratio one node needs alone (undefined: the current ratio is enough for it). */
function needOf(o: NodeObservation, p: SizingPolicy): number | undefined {
  const r = recommendRatio([o], p)
  return r.kind === 'ratio' ? r.ratio : undefined
}

const kernelBytes = (nodes: NodeObservation[], p: SizingPolicy, ratio: number | undefined) =>
  planNodes(nodes, p, ratio, p.overrides ?? {}).reduce((s, n) => s + n.memoryAfter.kernelTotal, 0)

/**
 * A split when the busiest nodes need at least twice the ratio any other node needs and the others would
 * otherwise spend ≥ 64 MiB more kernel memory in total; undefined when one value fits.
 */
export function splitRatio(nodes: NodeObservation[], p: SizingPolicy, single: number): RatioSplit | undefined {
  if (nodes.length < 2) return undefined
  const needs = nodes.map((o) => ({o, need: needOf(o, p)}))
  const group = needs.filter((n) => n.need !== undefined && n.need * 2 > single)
  const rest = needs.filter((n) => !group.includes(n))
  if (group.length === 0 || rest.length === 0) return undefined
  const restNeed = Math.max(0, ...rest.map((n) => n.need ?? 0))
  const restRatio = restNeed > (p.ratio ?? 0) ? restNeed : undefined
  if ((restRatio ?? p.ratio ?? 0) * 2 > single) return undefined
  const restObs = rest.map((n) => n.o)
  const savedBytes = kernelBytes(restObs, p, single) - kernelBytes(restObs, p, restRatio ?? p.ratio)
  if (savedBytes < 64 * 2 ** 20) return undefined
  const groupRatio = Math.max(...group.map((n) => n.need!))
  return {rest: restRatio, group: {nodes: group.map((n) => n.o.node), ratio: groupRatio}, savedBytes, restNodes: restObs.map((o) => o.node)}
}

/** A label every node of the group carries with one value and no other node has; else their hostnames. */
export function groupSelector(group: string[], all: Node[]): NodeSelector {
  const inGroup = all.filter((n) => group.includes(n.name))
  const others = all.filter((n) => !group.includes(n.name))
  if (inGroup.length === group.length) {
    const keys = [...GROUP_LABEL_KEYS, ...Object.keys(inGroup[0].labels).filter((k) => k.startsWith('node-role.kubernetes.io/')).sort()]
    for (const key of keys) {
      const v = inGroup[0].labels[key]
      if (v === undefined || !inGroup.every((n) => n.labels[key] === v) || others.some((n) => n.labels[key] === v)) continue
      return {matchLabels: {[key]: v}}
    }
  }
  const names = inGroup.map((n) => n.labels[HOSTNAME_LABEL] ?? n.name)
  return {matchExpressions: [{key: HOSTNAME_LABEL, operator: 'In', values: names.length === group.length ? names : group}]}
}
