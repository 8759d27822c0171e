/*
 * Per-node tuning in the plan: where one global value does not fit every node (a ratio the busiest nodes need
 * would grow every other node's maps; an explicit size would shrink the bigger nodes' maps), a CiliumNodeConfig
 * gives the nodes that need the change their own value.
 */
import type {DynamicFamily} from '../cilium/maps.js'
import {familyOfHelmPath} from '../cilium/maps.js'
import {familyKeys} from '../sizing/formula.js'
import {splitRatio} from '../sizing/per-node.js'
import type {NodeObservation, NodePlan, Recommendation, SizingPolicy} from '../sizing/recommend.js'
import type {Snapshot} from '../snapshot/schema.js'
import {nodeConfigFor, ratioNodeConfig, type NodeConfigProposal} from './node-configs.js'
import type {SuggestionItem} from './plan.js'

interface Ctx {snapshot: Snapshot, version?: string, nodes: NodeObservation[], policy: SizingPolicy}
interface Out {notes: string[], nodeConfigs: NodeConfigProposal[]}

/**
 * One ratio for every node costs the others memory they do not need: the values keep the ratio that fits every
 * node (safe on its own), and a CiliumNodeConfig for the busy group is offered as the alternative that saves it.
 */
export function perNodeRatio(item: SuggestionItem, rec: Extract<Recommendation, {kind: 'ratio'}>, ctx: Ctx, out: Out): void {
  const split = splitRatio(ctx.nodes, ctx.policy, rec.ratio)
  if (!split) return
  const nc = ratioNodeConfig(ctx.snapshot, split, ctx.version)
  if ('unavailable' in nc) { out.notes.push(`one ratio does not fit every node well, but ${nc.unavailable}`); return }
  const instead = split.rest === undefined ? `leave ${item.writePath} as it is` : `set ${item.writePath}: ${split.rest}`
  out.nodeConfigs.push({...nc, reason: `alternative to ${item.writePath}: ${rec.ratio} for every node: ${instead} and apply this; ${nc.reason}`})
  item.reason = `${item.reason}; every node but ${split.group.nodes.join(', ')} would fit with ${split.rest ?? 'the current ratio'}: see the CiliumNodeConfig ${nc.name} below`
}

/**
 * Explicit sizes replace the dynamic ones on every node: a size the busy nodes need can be smaller than what
 * bigger nodes have today. Those nodes would lose entries, so the size goes to the nodes that need it, by a
 * CiliumNodeConfig; where none can be written the change is blocked (never make a value worse).
 */
export function explicitPerNode(items: SuggestionItem[], plans: NodePlan[], ctx: Omit<Ctx, 'nodes' | 'policy'>, out: Out, blocked: Map<SuggestionItem, string[]>): void {
  const fam = (i: SuggestionItem) => familyOfHelmPath(i.writePath) as DynamicFamily
  const shrinks = (i: SuggestionItem) => plans.filter((p) => p.before.sizes[fam(i)].entries > Number(i.value))
  const bound = items.filter((i) => shrinks(i).length > 0)
  if (bound.length === 0) return
  const group = plans.filter((p) => bound.some((i) => p.before.sizes[fam(i)].entries < Number(i.value))).map((p) => p.node)
  const worse = bound.map((i) => `${i.writePath}=${String(i.value)} would shrink ${familyKeys(fam(i)).label} on ${shrinks(i).map((p) => `${p.node} (${p.before.sizes[fam(i)].entries})`).join(', ')}`)
  const groupWorse = bound.some((i) => shrinks(i).some((p) => group.includes(p.node)))
  const nc = group.length === 0 || groupWorse ? undefined : nodeConfigFor(ctx.snapshot, {
    name: 'ciltune-map-sizes', nodes: group,
    defaults: Object.fromEntries(bound.map((i) => [familyKeys(fam(i)).config, String(i.value)])),
    why: `only ${group.join(', ')} need ${bound.map((i) => `${familyKeys(fam(i)).config}=${String(i.value)}`).join(', ')}; as a cluster value, ${worse.join('; ')}`,
  }, ctx.version)
  if (!nc || 'unavailable' in nc) {
    for (const i of bound) blocked.set(i, [...(blocked.get(i) ?? []), `${worse.join('; ')} (a value is never made worse)${nc ? `; per node: ${nc.unavailable}` : ''}`])
    return
  }
  out.nodeConfigs.push(nc)
  for (const i of bound) i.perNodeOnly = true
}
