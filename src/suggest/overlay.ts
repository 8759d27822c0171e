/*
 * The values overlay: only the keys to change, each preceded by a comment naming the finding, the
 * evidence line, the reason, the cost, the prerequisites and the rollout impact.
 */
import {Document, isMap, isScalar, type Pair} from 'yaml'
import {splitPath} from './paths.js'
import type {SuggestionItem, SuggestionPlan} from './plan.js'
import {redactScalar, redactText} from './redact.js'
import {helmUpgradeCommand} from './set-flags.js'
import {MANAGED} from '../cilium/modes.js'
import {renderNodeConfigs} from './node-configs.js'

export function prerequisiteLines(item: SuggestionItem): string[] {
  return item.prerequisites.map((p) => {
    const r = p.result
    const state = r.status === 'met' ? `met (${r.detail})`
      : p.fixedBy ? `not met now (${r.detail}); also suggested: ${p.fixedBy}`
        : r.status === 'failed' ? `NOT MET (${r.detail})` : `could not verify (${r.detail})`
    return `${p.describe}: ${state}`
  })
}

/** Comment lines for one item, without the leading "#". */
export function itemComment(item: SuggestionItem): string[] {
  const lines: string[] = []
  for (const f of item.findings) {
    lines.push(`finding ${f.id}: ${f.title}`)
    if (f.evidence) lines.push(`  evidence: ${f.evidence.source}${f.evidence.line > 0 ? `:${f.evidence.line}` : ''}: ${f.evidence.text.trim()}`)
  }
  lines.push(`reason: ${item.reason}`)
  if (item.cost) lines.push(`cost: ${item.cost}`)
  for (const l of item.sizing?.lines ?? []) lines.push(`  ${l}`)
  for (const l of prerequisiteLines(item)) lines.push(`requires: ${l}`)
  for (const i of item.impact) lines.push(`impact: ${i}`)
  if (item.current !== undefined) lines.push(`current: ${JSON.stringify(redactScalar(item.writePath, item.current))}`)
  return lines.map((l) => ` ${redactText(l)}`)
}

/** The overlay as a plain object (for merge, --set, what-if and validation). */
export function overlayObject(items: SuggestionItem[]): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const item of items) {
    let cur = out
    const keys = splitPath(item.writePath)
    for (const k of keys.slice(0, -1)) cur = (cur[k] ??= {}) as Record<string, unknown>
    cur[keys[keys.length - 1]] = item.value
  }
  return out
}

export function findPair(doc: Document, keys: string[]): Pair | undefined {
  const parent = keys.length > 1 ? doc.getIn(keys.slice(0, -1), true) : doc.contents
  if (!isMap(parent)) return undefined
  return (parent).items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === keys[keys.length - 1])
}

/** Several changes: the safe order to roll them out in, with the restart each causes. */
export function rolloutLines(plan: SuggestionPlan): string[] {
  if (plan.items.length < 2) return []
  const lines = [' rollout, in this order (apply one step, wait for the DaemonSet rollout to finish, then the next):']
  plan.items.forEach((item, n) => {
    lines.push(`   ${n + 1}. ${item.writePath}: ${JSON.stringify(redactScalar(item.writePath, item.value))}${item.improvement ? ' (improvement)' : ''} — ${item.impact.join('; ')}`)
  })
  return lines
}

export function renderOverlay(plan: SuggestionPlan): string {
  const doc = new Document(overlayObject(plan.items))
  for (const item of plan.items) {
    const pair = findPair(doc, splitPath(item.writePath))
    if (pair && isScalar(pair.key)) pair.key.commentBefore = itemComment(item).join('\n')
  }
  const header = [
    ` ciltune suggest: Helm values overlay (only the keys to change)`,
    ` chart/agent version: ${plan.version ?? 'unknown'}; current values: ${plan.current.description}`,
  ]
  if (!plan.mode.managed) header.push(` apply: ${helmUpgradeCommand({version: plan.current.source === 'helm-release' ? plan.version : undefined})} -f <this file>`)
  const managed = plan.mode.managed ? MANAGED[plan.mode.managed.mode] : undefined
  if (managed) header.push(` no Helm values are written: Cilium here is ${managed.title} (${redactText(plan.mode.managed!.text)}); ${managed.howToChange}`)
  else if (plan.items.length === 0) header.push(' nothing to change: no finding has a Helm value that applies')
  header.push(...rolloutLines(plan))
  doc.commentBefore = header.join('\n')
  const trailer: string[] = []
  for (const b of plan.blocked) {
    trailer.push(` BLOCKED, not written: ${b.writePath}: ${JSON.stringify(b.value)} (finding ${b.findings.map((f) => f.id).join(', ')})`)
    for (const why of b.blockedBy) trailer.push(`   blocked by: ${redactText(why)}`)
  }
  for (const w of plan.withheld) trailer.push(` WITHHELD, not written (finding ${w.findings.join(', ')}): ${redactText(w.reason)}`)
  for (const a of plan.alreadySet) trailer.push(` already set: ${a.writePath}: ${JSON.stringify(a.value)} (finding ${a.findings.map((f) => f.id).join(', ')}) — the finding has another cause`)
  for (const i of plan.improvements) trailer.push(` improvement, not written (use --improvements): ${i.writePath}: ${JSON.stringify(i.value)} (finding ${i.findings.map((f) => f.id).join(', ')})`)
  for (const n of plan.notes) trailer.push(` note: ${redactText(n)}`)
  if (plan.nodeConfigs.length > 0) {
    trailer.push(` per-node overrides (CiliumNodeConfig), not Helm values: apply them separately (--node-config FILE writes them as a manifest):`)
    for (const l of renderNodeConfigs(plan.nodeConfigs).trimEnd().split('\n')) trailer.push(` ${l.startsWith('#') ? l.slice(1) : `  ${l}`}`)
  }
  if (trailer.length > 0) doc.comment = trailer.join('\n')
  return doc.toString({lineWidth: 0})
}
