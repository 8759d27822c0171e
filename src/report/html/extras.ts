/*
 * What the HTML report shows beyond the JSON report: the suggest overlay (the same builder as
 * `ciltune suggest`), map memory per node before/after the suggested sizing, and the chart data.
 */
import {whatIfCheck} from '../../actions/suggest.js'
import type {Rule} from '../../rules/types.js'
import type {Finding} from '../../rules/types.js'
import type {Snapshot} from '../../snapshot/schema.js'
import type {NodePlan} from '../../sizing/recommend.js'
import {planNodes} from '../../sizing/recommend.js'
import {currentValues} from '../../suggest/current-values.js'
import {currentRatio, distributedLru, explicitSizes, nodeObservations, observe} from '../../suggest/observe.js'
import {renderOverlay} from '../../suggest/overlay.js'
import {getPath} from '../../suggest/paths.js'
import {buildPlan, type SuggestionPlan} from '../../suggest/plan.js'
import {type ChartData, chartData} from './data.js'

export interface MemoryGroup {label: string, nodes: number, names: string[], when: 'before' | 'after', bytes: number}

export interface HtmlExtras {
  overlay: {text: string, items: number, blocked: number} | {error: string}
  memory: {groups: MemoryGroup[], changed: boolean, nodes: number}
  charts: ChartData
}

/** Nodes with the same memory before and after form one group: 5000 nodes are a handful of bars. */
export function memoryGroups(plans: NodePlan[]): MemoryGroup[] {
  const by = new Map<string, NodePlan[]>()
  for (const p of plans) {
    const k = `${p.memoryBefore.kernelTotal}/${p.memoryAfter.kernelTotal}`
    by.set(k, [...(by.get(k) ?? []), p])
  }
  const out: MemoryGroup[] = []
  for (const list of [...by.values()].sort((a, b) => b[0].memoryAfter.kernelTotal - a[0].memoryAfter.kernelTotal).slice(0, 8)) {
    const names = list.map((p) => p.node).sort()
    const label = list.length === 1 ? names[0] : `${list.length} nodes (${names[0]} …)`
    out.push({label, nodes: list.length, names: names.slice(0, 5), when: 'before', bytes: list[0].memoryBefore.kernelTotal})
    out.push({label, nodes: list.length, names: names.slice(0, 5), when: 'after', bytes: list[0].memoryAfter.kernelTotal})
  }
  return out
}

function memory(snapshot: Snapshot, plan: SuggestionPlan | undefined): HtmlExtras['memory'] {
  const sized = plan?.items.find((i) => i.sizing && i.sizing.recommendation.nodes.length > 0)
  let plans = sized?.sizing?.recommendation.nodes
  if (!plans) {
    // no sizing change suggested: what the nodes hold now (before = after)
    const user = plan?.current.user ?? {}
    const ratio = currentRatio(snapshot, getPath(user, 'bpf.mapDynamicSizeRatio'))
    const policy = {ratio, distributedLru: distributedLru(snapshot, getPath(user, 'bpf.distributedLRU.enabled')), overrides: explicitSizes(snapshot), target: 0.5}
    plans = planNodes(nodeObservations(snapshot, observe(snapshot), ratio).nodes, policy, ratio, policy.overrides)
  }
  return {groups: memoryGroups(plans), changed: plans.some((p) => p.memoryAfter.kernelTotal !== p.memoryBefore.kernelTotal), nodes: plans.length}
}

export const WHAT_IF_MAX_AGENTS = 200

export function htmlExtras(snapshot: Snapshot, rules: Rule[], findings: Finding[]): HtmlExtras {
  let plan: SuggestionPlan | undefined
  let overlay: HtmlExtras['overlay']
  try {
    plan = buildPlan(snapshot, findings, currentValues(snapshot), {target: 0.5})
    // the what-if re-runs every rule on the overlaid evidence: 7 s at 1000 agents, so the report does it for small clusters only
    const check = snapshot.agents.length <= WHAT_IF_MAX_AGENTS ? whatIfCheck(plan, findings, rules, snapshot) : undefined
    if (!check) plan.notes.push(`what-if: not re-run for ${snapshot.agents.length} agents in this report; \`ciltune suggest\` re-runs the rules with these values`)
    else if (check.cleared.length > 0) plan.notes.push(`what-if: re-running the rules on the same evidence with these values clears ${check.cleared.join(', ')}`)
    if (check && check.remaining.length > 0) plan.notes.push(`what-if: still firing with these values: ${check.remaining.join(', ')}`)
    overlay = {text: renderOverlay(plan), items: plan.items.length, blocked: plan.blocked.length}
  } catch (error) {
    overlay = {error: error instanceof Error ? error.message : String(error)}
  }
  return {overlay, memory: memory(snapshot, plan), charts: chartData(snapshot)}
}
