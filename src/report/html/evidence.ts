/*
 * A finding on 1000 nodes carries 12000 evidence lines that say five things. The HTML report is read by a
 * person: up to EVIDENCE_IN_FULL lines are shown as they are, beyond that one example of each shape (numbers
 * and spacing masked, the file name without its agent directory) with how many lines and sources share it.
 * Every line stays in -o json.
 */
import type {Evidence} from '../../rules/types.js'

export const EVIDENCE_IN_FULL = 40
export const SHAPES_SHOWN = 40

export interface EvidenceGroup {example: Evidence, lines: number, sources: number}

export type EvidenceView =
  | {kind: 'full', lines: Evidence[]}
  | {kind: 'grouped', total: number, groups: EvidenceGroup[], otherShapes: number, otherLines: number}

function shape(e: Evidence): string {
  // "c/cilium-x1/status.txt" and "pod/cilium-x1: cilium-dbg status" alike lose the agent's part
  const tail = e.source.slice(e.source.lastIndexOf('/') + 1)
  const file = tail.includes(': ') ? tail.slice(tail.indexOf(': ') + 2) : tail
  return `${file.replace(/\d+/g, '#')}\u0000${e.text.replace(/\d+/g, '#').replace(/\s+/g, ' ')}`
}

export function evidenceView(ev: Evidence[]): EvidenceView {
  if (ev.length <= EVIDENCE_IN_FULL) return {kind: 'full', lines: ev}
  const by = new Map<string, {example: Evidence, lines: number, sources: Set<string>}>()
  for (const e of ev) {
    const k = shape(e)
    const g = by.get(k)
    if (g) {
      g.lines++
      g.sources.add(e.source)
    } else {
      by.set(k, {example: e, lines: 1, sources: new Set([e.source])})
    }
  }
  const all = [...by.values()].map((g) => ({example: g.example, lines: g.lines, sources: g.sources.size}))
  const groups = all.slice(0, SHAPES_SHOWN)
  const rest = all.slice(SHAPES_SHOWN)
  return {kind: 'grouped', total: ev.length, groups, otherShapes: rest.length, otherLines: rest.reduce((t, g) => t + g.lines, 0)}
}
