/*
 * From findings to a checked set of Helm changes: merge the rules' suggestions per path, refine the
 * sizing numbers node by node, translate paths for the running chart, check prerequisites, state impact.
 */
import type {Snapshot} from '../snapshot/schema.js'
import type {Evidence, Finding} from '../rules/types.js'
import {percent} from '../rules/helpers.js'
import {defaultSize, DYNAMIC_FAMILIES, familyOfHelmPath as familyOfPath, LB_FAMILIES, MAP_FAMILIES} from '../cilium/maps.js'
import {familyKeys} from '../sizing/formula.js'
import {formatBytes} from '../sizing/memory.js'
import type {Recommendation} from '../sizing/recommend.js'
import {planNodes, recommendFixedMax, recommendMax, recommendRatio} from '../sizing/recommend.js'
import type {NodeConfigProposal} from './node-configs.js'
import {globalChangeNotes, proposalNotes} from './existing-node-configs.js'
import {nodeLine} from './node-lines.js'
import {explicitPerNode, perNodeRatio} from './per-node-plan.js'
import type {CurrentValues} from './current-values.js'
import {impactOf} from './impact.js'
import {currentRatio, distributedLru, explicitSizes, nodeObservations, observe} from './observe.js'
import {deepMerge, getPath, helmPathFor, pathAvailable} from './paths.js'
import type {ConditionId} from '../cilium/conditions.js'
import {isImprovement, requirementsOf} from '../cilium/features.js'
import type {PrerequisiteState} from './prerequisites.js'
import {resolvePrerequisites} from './prerequisites.js'
import {gateHelm} from '../cilium/mode-gate.js'
import {integrationMode, type IntegrationMode} from '../cilium/modes.js'

export type HelmScalar = string | number | boolean | null

export interface SuggestionItem {
  path: string // as the rules name it
  writePath: string // for the running chart version
  value: HelmScalar
  current: unknown // effective current value (undefined = unknown / default)
  findings: Array<{id: string, title: string, evidence?: Evidence}>
  reason: string
  cost?: string
  /** An optional gain (netkit, BIG TCP, KPR, host routing …) rather than an incident fix. */
  improvement: boolean
  conditions: ConditionId[]
  prerequisites: PrerequisiteState[]
  blockedBy: string[]
  impact: string[]
  sizing?: {recommendation: Recommendation, lines: string[]}
  /** Only some nodes need the change: it is made by a CiliumNodeConfig alone, not in the values. */
  perNodeOnly?: boolean
}

export interface SuggestionPlan {
  version?: string
  current: CurrentValues
  items: SuggestionItem[] // to write
  blocked: SuggestionItem[]
  alreadySet: SuggestionItem[]
  /** Improvements left out because --improvements was not given. */
  improvements: SuggestionItem[]
  /** Changes the integration mode rules out (src/cilium/mode-gate.ts), with the reason and the findings that asked. */
  withheld: Array<{path: string, value: unknown, reason: string, findings: string[]}>
  /** Per-node overrides where one global value does not fit every node (written as their own manifests). */
  nodeConfigs: NodeConfigProposal[]
  /** The cluster's integration mode, as the evidence shows it. */
  mode: IntegrationMode
  notes: string[]
}

export interface PlanOptions {
  target: number // pressure to size for, default 0.5
  /** Also propose improvements (netkit, BIG TCP, KPR, host routing …), each gated by its prerequisites. */
  improvements?: boolean
}


function refine(item: SuggestionItem, snapshot: Snapshot, current: CurrentValues, opts: PlanOptions, notes: string[], nodeConfigs: NodeConfigProposal[] = []): void {
  const values = current.user
  const ratio = currentRatio(snapshot, getPath(values, 'bpf.mapDynamicSizeRatio'))
  const policy = {ratio, distributedLru: distributedLru(snapshot, getPath(values, 'bpf.distributedLRU.enabled')), overrides: explicitSizes(snapshot), target: opts.target}
  const observed = observe(snapshot)
  if (item.path === 'bpf.mapDynamicSizeRatio') {
    const {nodes, unknown} = nodeObservations(snapshot, observed, ratio)
    if (unknown.length > 0) notes.push(`node memory unknown for ${unknown.join(', ')}: the ratio was sized without them`)
    const rec = recommendRatio(nodes, policy)
    if (rec.kind === 'ratio') {
      item.value = rec.ratio
      item.reason = `smallest ratio (step 0.0005) keeping every node's dynamic maps ≤ ${percent(opts.target)} with the agent formula (was ${ratio ?? 'off'}); ${item.reason}`
      const before = Math.max(...rec.nodes.map((n) => n.memoryBefore.kernelTotal))
      const after = Math.max(...rec.nodes.map((n) => n.memoryAfter.kernelTotal))
      item.cost = `kernel memory of CT/NAT/neighbor/sock-rev-NAT maps, largest node: ${formatBytes(before)} → ${formatBytes(after)} (preallocated LRU maps, charged to the agent cgroup)`
      item.sizing = {recommendation: rec, lines: nodeLine(rec, [...DYNAMIC_FAMILIES])}
      perNodeRatio(item, rec, {snapshot, version: current.version, nodes, policy}, {notes, nodeConfigs})
    } else {
      item.sizing = {recommendation: rec, lines: [`not refined: ${rec.kind === 'none' ? rec.reason : 'no ratio applies'}; value from the rule`]}
    }
    return
  }
  if (item.path === 'bpf.lbMapMax') {
    const cur = Number(getPath(values, MAP_FAMILIES['lb-services'].helmPath!)) || defaultSize('lb-services')
    let used = 0
    for (const o of observed) {
      for (const f of LB_FAMILIES) {
        const p = o.pressure[f]
        if (p) used = Math.max(used, Math.ceil(p.value * (p.size ?? cur)))
      }
    }
    const rec = used > 0 ? recommendFixedMax(used, cur, opts.target) : undefined
    if (rec !== undefined && rec > (Number(item.value) || 0)) {
      item.value = rec
      item.cost = `LB maps are hash maps allocated on demand unless bpf.preallocateMaps=true: up to ${rec} entries per LB map (services, backends, rev-NAT, affinity, source range, maglev)`
    }
    if (used > 0) item.reason = `${used} entries in the busiest LB map (pressure × size, across ${observed.length} agents); ${item.value} is the next power of two keeping it ≤ ${percent(opts.target)} (${percent(used / Number(item.value))}); rule: ${item.reason}`
  }
}

/**
 * Explicit sizes (bpf.ctTcpMax, bpf.natMax …) are refined together: NAT must stay ≤ CT TCP + CT any
 * with all of them applied, and each node's outcome is computed with the full set.
 */
function refineExplicit(items: SuggestionItem[], snapshot: Snapshot, current: CurrentValues, opts: PlanOptions, out: {notes: string[], nodeConfigs: NodeConfigProposal[]}): Map<SuggestionItem, string[]> {
  const blocked = new Map<SuggestionItem, string[]>()
  if (items.length === 0) return blocked
  const ratio = currentRatio(snapshot, getPath(current.user, 'bpf.mapDynamicSizeRatio'))
  const policy = {ratio, distributedLru: distributedLru(snapshot, getPath(current.user, 'bpf.distributedLRU.enabled')), overrides: explicitSizes(snapshot), target: opts.target}
  const {nodes} = nodeObservations(snapshot, observe(snapshot), ratio)
  const fams = items.map((i) => familyOfPath(i.writePath)!)
  const rec = recommendMax(nodes, policy, fams)
  const overrides = {...policy.overrides}
  for (const item of items) {
    const fam = familyOfPath(item.writePath)!
    const proposed = rec.kind === 'max' ? rec.sizes[fam] : undefined
    const v = Math.max(proposed ?? 0, Number(item.value) || 0)
    if (proposed !== undefined && proposed > (Number(item.value) || 0)) item.reason = `${v} entries keep every node's ${familyKeys(fam).label} ≤ ${percent(opts.target)} (busiest node's entries / target, rounded up to 65536); rule: ${item.reason}`
    item.value = fam === 'sock-revnat' ? String(v) : v
    overrides[fam] = v
  }
  const plans = planNodes(nodes, policy, ratio, overrides)
  for (const item of items) {
    const fam = familyOfPath(item.writePath)!
    const r: Recommendation = {kind: 'max', sizes: {[fam]: overrides[fam]}, nodes: plans}
    item.sizing = {recommendation: r, lines: nodeLine(r, [fam], fam)}
    const errors = [...new Set(plans.flatMap((p) => p.after.errors))]
    if (fam === 'nat' && errors.length > 0) blocked.set(item, errors)
  }
  explicitPerNode(items, plans, {snapshot, version: current.version}, out, blocked)
  return blocked
}

/** Same path from several findings: the larger number wins (it satisfies both), otherwise the first. */
function mergeValue(a: HelmScalar, b: HelmScalar): HelmScalar {
  if (typeof a === 'number' && typeof b === 'number') return Math.max(a, b)
  if (typeof a === 'string' && typeof b === 'string' && /^\d+$/.test(a) && /^\d+$/.test(b)) return String(Math.max(Number(a), Number(b)))
  return a
}

/** One item per Helm path (translated for the running chart), each listing every finding that asked for it. */
function collectItems(findings: Finding[], version: string | undefined): SuggestionItem[] {
  const byPath = new Map<string, SuggestionItem>()
  for (const f of findings) {
    for (const h of f.helm) {
      const path = helmPathFor(h.path, version)
      const existing = byPath.get(path)
      const ref = {id: f.id, title: f.title, evidence: f.evidence[0]}
      if (existing) {
        existing.value = mergeValue(existing.value, h.value)
        existing.findings.push(ref)
        continue
      }
      byPath.set(path, {
        path: h.path, writePath: path, value: h.value, current: undefined, findings: [ref],
        reason: h.reason, cost: h.cost, conditions: [], prerequisites: [], blockedBy: [], impact: [],
        improvement: false,
      })
    }
  }
  return [...byPath.values()]
}

/**
 * The order to roll the changes out in: a change that makes another's prerequisite hold goes first,
 * incident fixes before improvements; each step names the restart it causes.
 */
export function rolloutOrder(items: SuggestionItem[]): SuggestionItem[] {
  const byPath = new Map(items.map((i) => [i.writePath, i]))
  const out: SuggestionItem[] = []
  const seen = new Set<SuggestionItem>()
  const visit = (item: SuggestionItem) => {
    if (seen.has(item)) return
    seen.add(item)
    for (const p of item.prerequisites) {
      const fixer = p.fixedBy ? byPath.get(p.fixedBy) : undefined
      if (fixer) visit(fixer)
    }
    out.push(item)
  }
  for (const item of [...items.filter((i) => !i.improvement), ...items.filter((i) => i.improvement)]) visit(item)
  return out
}

/** What the engine withheld from the findings, plus anything the gate still rules out here, one entry per path. */
function withheldOf(findings: Finding[], items: SuggestionItem[], gateCtx: Parameters<typeof gateHelm>[0]): {kept: SuggestionItem[], withheld: SuggestionPlan['withheld']} {
  const byPath = new Map<string, SuggestionPlan['withheld'][number]>()
  const add = (w: {path: string, value: unknown, reason: string}, ids: string[]) => {
    const had = byPath.get(w.path)
    if (had) had.findings.push(...ids.filter((id) => !had.findings.includes(id)))
    else byPath.set(w.path, {...w, findings: [...new Set(ids)]})
  }
  for (const f of findings) for (const w of f.withheld ?? []) add(w, [f.id])
  const gated = gateHelm(gateCtx, items.map((i) => ({...i, path: i.writePath})))
  for (const w of gated.withheld) add(w, items.find((i) => i.writePath === w.path)?.findings.map((f) => f.id) ?? [])
  const keep = new Set(gated.kept.map((k) => k.writePath))
  return {kept: items.filter((i) => keep.has(i.writePath)), withheld: [...byPath.values()]}
}

export function buildPlan(snapshot: Snapshot, findings: Finding[], current: CurrentValues, opts: PlanOptions): SuggestionPlan {
  const version = current.version
  const notes: string[] = []
  const effective = deepMerge(current.chartDefaults ?? {}, current.user) as Record<string, unknown>
  const mode = integrationMode(snapshot)
  const {kept: all, withheld} = withheldOf(findings, collectItems(findings, version), {snapshot, values: effective, version})
  for (const item of all) item.improvement = isImprovement(item.writePath, item.value)
  // Incident fixes by default: an improvement is only proposed when asked for.
  const improvements = opts.improvements ? [] : all.filter((i) => i.improvement)
  const items = all.filter((i) => !improvements.includes(i))
  const nodeConfigs: NodeConfigProposal[] = []
  const preBlocked = refineExplicit(items.filter((i) => familyOfPath(i.writePath)), snapshot, current, opts, {notes, nodeConfigs})
  for (const item of items) {
    if (!familyOfPath(item.writePath)) refine(item, snapshot, current, opts, notes, nodeConfigs)
    item.conditions = requirementsOf(item.writePath, item.value)
    item.impact = impactOf(item.writePath, item.value)
    item.current = getPath(effective, item.writePath)
  }
  const states = resolvePrerequisites(items, {snapshot, values: effective, version})
  const write: SuggestionItem[] = []
  const blocked: SuggestionItem[] = []
  const alreadySet: SuggestionItem[] = []
  for (const item of items) {
    const s = states.get(item)!
    item.prerequisites = s.states
    item.blockedBy = [...s.blockedBy, ...(preBlocked.get(item) ?? [])]
    const avail = pathAvailable(item.writePath, version)
    if (!avail.ok) item.blockedBy.push(avail.reason)
    if (item.perNodeOnly) notes.push(`${item.writePath} unchanged for the cluster: only some nodes need ${JSON.stringify(item.value)}, and they get it from a CiliumNodeConfig (${item.findings.map((f) => f.id).join(', ')})`)
    else if (item.blockedBy.length > 0) blocked.push(item)
    else if (item.current !== undefined && String(item.current) === String(item.value)) alreadySet.push(item)
    else write.push(item)
  }
  notes.push(...globalChangeNotes(snapshot, write, version))
  // said in the overlay and in the --node-config manifest, whichever is read
  for (const {proposal, note} of proposalNotes(snapshot, nodeConfigs)) {
    notes.push(note)
    proposal.reason = `${proposal.reason}; NOTE: ${note}`
  }
  // A suggestion kept only because it fixed a now-blocked one's prerequisite stays: it fixes its own finding too.
  return {version, current, items: rolloutOrder(write), blocked, alreadySet, improvements, withheld, nodeConfigs, mode, notes}
}
