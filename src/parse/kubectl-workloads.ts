import type {z} from 'zod'
import type {Operator} from '../snapshot/schema.js'
import {cells, columnsOf, type Column} from './kubectl-table.js'
import {splitLines, src} from './text.js'

/*
 * The Deployment block of `kubectl get all` / `kubectl get deploy`: NAME READY UP-TO-DATE AVAILABLE AGE,
 * names as `deployment.apps/NAME` in get all. Only cilium-operator is read: its READY "1/2" is the operator's
 * desired and ready replicas.
 */

type OperatorT = z.infer<typeof Operator>

const HEADER = /^NAME\s{2,}READY\s{2,}UP-TO-DATE\s{2,}AVAILABLE\s{2,}AGE\b/

export function parseOperatorRow(text: string, file: string): OperatorT | undefined {
  let cols: Column[] | undefined
  let out: OperatorT | undefined
  splitLines(text).forEach((l, i) => {
    if (HEADER.test(l)) {
      cols = columnsOf(l)
      return
    }
    if (l.trim() === '') cols = undefined
    if (!cols || out) return
    const c = cells(l, cols)
    const ready = /^(\d+)\/(\d+)$/.exec(c.READY ?? '')
    if (!/^(deployment(\.apps)?\/)?cilium-operator$/.test(c.NAME ?? '') || !ready) return
    out = {desired: Number(ready[2]), ready: Number(ready[1]), src: src(file, i + 1, l)}
    const available = Number(c.AVAILABLE)
    if (c.AVAILABLE !== '' && Number.isSafeInteger(available)) out.available = available
  })
  return out
}
