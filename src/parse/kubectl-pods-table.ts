import type {PodInfo} from '../snapshot/schema.js'
import {cells, columnsOf, type Column} from './kubectl-table.js'
import {splitLines, src} from './text.js'

/*
 * `kubectl get pods` as people paste it: plain, `-o wide`, `-A` (NAMESPACE first) and the pod block of
 * `kubectl get all` (names as `pod/NAME`). kubectl aligns columns with tabwriter (padding 3), so column
 * starts come from the header: header words inside one column ("NOMINATED NODE") are one space apart.
 */

const HEADER = /^(NAMESPACE\s{2,})?NAME\s{2,}READY\s{2,}STATUS\s{2,}RESTARTS\s{2,}AGE\b/

// a row of `kubectl get pods | grep cilium`: the header is gone, the columns are NAME READY STATUS RESTARTS AGE
const HEADERLESS = /^([a-z0-9][-a-z0-9.]*)\s{2,}(\d+\/\d+)\s{2,}(\S+)\s{2,}(\d+(?: \(\S+ ago\))?)\s{2,}(\S+)\s*$/

/** READY "0/1": ready only when every container is. */
function readyOf(cell: string): boolean | undefined {
  const m = /^(\d+)\/(\d+)$/.exec(cell)
  return m ? Number(m[1]) === Number(m[2]) && Number(m[2]) > 0 : undefined
}

function podFrom(c: Record<string, string>, file: string, line: number, text: string): PodInfo | undefined {
  const name = c.NAME?.replace(/^pod\//, '')
  if (!name || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name)) return undefined
  const restarts = /^(\d+)/.exec(c.RESTARTS ?? '')
  const pod: PodInfo = {name, restarts: restarts ? Math.min(Number(restarts[1]), Number.MAX_SAFE_INTEGER) : 0, src: src(file, line, text)}
  if (c.NAMESPACE) pod.namespace = c.NAMESPACE
  if (c.STATUS) pod.phase = c.STATUS
  const ready = readyOf(c.READY ?? '')
  if (ready !== undefined) pod.ready = ready
  if (c.NODE && c.NODE !== '<none>') pod.node = c.NODE
  // the STATUS column shows the last termination reason while the container waits to restart
  if (/^(OOMKilled|Error|Completed|ContainerCannotRun)$/.test(c.STATUS ?? '')) pod.lastTerminationReason = c.STATUS
  return pod
}

export function parseKubectlPodsTable(text: string, file: string): PodInfo[] {
  const lines = splitLines(text)
  const pods: PodInfo[] = []
  let cols: Column[] | undefined
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]
    if (HEADER.test(l)) {
      cols = columnsOf(l)
      continue
    }
    // a blank line or another table's header (`kubectl get all`) ends the pod table
    if (l.trim() === '' || /^NAME\s{2,}/.test(l)) {
      cols = undefined
      continue
    }
    if (!cols) continue
    const pod = podFrom(cells(l, cols), file, i + 1, l)
    if (pod) pods.push(pod)
  }
  return pods.length > 0 || lines.some((l) => HEADER.test(l)) ? pods : headerlessRows(lines, file)
}

function headerlessRows(lines: string[], file: string): PodInfo[] {
  const pods: PodInfo[] = []
  lines.forEach((l, i) => {
    const m = HEADERLESS.exec(l)
    const pod = m && podFrom({NAME: m[1], READY: m[2], STATUS: m[3], RESTARTS: m[4], AGE: m[5]}, file, i + 1, l)
    if (pod) pods.push(pod)
  })
  return pods
}

/** Rows of Cilium pods without their header: every non-blank line a pod row, one of them a Cilium pod. */
function looksLikeHeaderlessCiliumPods(head: string): boolean {
  const rows = head.split('\n', 40).filter((l) => l.trim() !== '')
  return rows.length > 0 && rows.every((l) => HEADERLESS.test(l)) && rows.some((l) => /^cilium-/.test(l))
}

/** A pod table header in the first lines (after a prompt line or kubectl's notices). */
export function looksLikeKubectlPodsTable(head: string): boolean {
  return head.split('\n', 40).some((l) => HEADER.test(l.trimStart())) || looksLikeHeaderlessCiliumPods(head)
}
