import type {Node} from '../snapshot/schema.js'
import {cells, columnsOf, K8S_NAME, type Column} from './kubectl-table.js'
import {splitLines, src} from './text.js'

/*
 * `kubectl get nodes` (plain and `-o wide`): NAME STATUS ROLES AGE VERSION [INTERNAL-IP EXTERNAL-IP OS-IMAGE
 * KERNEL-VERSION CONTAINER-RUNTIME]. STATUS is "Ready", "NotReady", or either with ",SchedulingDisabled".
 */

const HEADER = /^NAME\s{2,}STATUS\s{2,}ROLES\s{2,}AGE\s{2,}VERSION\b/

export function parseKubectlNodesTable(text: string, file: string): Node[] {
  const out: Node[] = []
  let cols: Column[] | undefined
  splitLines(text).forEach((l, i) => {
    if (HEADER.test(l)) {
      cols = columnsOf(l)
      return
    }
    if (!cols || l.trim() === '') {
      cols = l.trim() === '' ? undefined : cols
      return
    }
    const c = cells(l, cols)
    if (!K8S_NAME.test(c.NAME ?? '')) return
    const status = c.STATUS ?? ''
    const node: Node = {name: c.NAME, podCIDRs: [], labels: {}, src: src(file, i + 1, l)}
    if (/^(Not)?Ready\b/.test(status)) node.ready = status.startsWith('Ready')
    if (c['KERNEL-VERSION']) node.kernel = c['KERNEL-VERSION']
    if (c['OS-IMAGE']) node.osImage = c['OS-IMAGE']
    out.push(node)
  })
  return out
}

export function looksLikeKubectlNodesTable(head: string): boolean {
  return head.split('\n', 40).some((l) => HEADER.test(l.trimStart()))
}
