import {percent} from '../rules/helpers.js'
import type {DynamicFamily} from '../cilium/maps.js'
import {familyKeys} from '../sizing/formula.js'
import {formatBytes} from '../sizing/memory.js'
import type {Recommendation} from '../sizing/recommend.js'

/** One line per node: the shown map's size before → after, pressure before → after, kernel memory. */
export const nodeLine = (rec: Recommendation, families: DynamicFamily[], shown: DynamicFamily = 'ct-tcp'): string[] => rec.nodes.map((n) => {
  const fams = families.filter((f) => n.pressureBefore[f] !== undefined)
  const p = fams.map((f) => `${f} ${percent(n.pressureBefore[f]!)} → ${percent(n.pressureAfter[f]!)}`).join(', ')
  const sizes = `${familyKeys(shown).label} ${n.before.sizes[shown].entries} → ${n.after.sizes[shown].entries}`
  const mem = `kernel memory ${formatBytes(n.memoryBefore.kernelTotal)} → ${formatBytes(n.memoryAfter.kernelTotal)}`
  const m = `${formatBytes(n.memoryBytes)}${n.memorySource === 'inferred' ? ' (inferred from status sizes)' : ''}`
  return `node ${n.node} (${m}): ${sizes}${p ? `; ${p}` : ''}; ${mem}`
})
