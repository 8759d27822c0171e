import type {PodEvent, PodInfo} from '../snapshot/schema.js'
import {parseQuantity} from './quantity.js'
import {splitLines, src} from './text.js'

/*
 * `kubectl describe pod`: "Name:", "Namespace:", "Node: NAME/IP", "Status:", per container "State:" /
 * "Last State:" with an indented "Reason:", "Ready:", "Restart Count:", "Limits:" / "memory:", and the
 * "Events:" table (Type Reason Age From Message, Age as "19m (x10 over 28m)"). A message kubelet
 * printed over several lines (a probe's output) continues on lines that start with no event type.
 */

const FIELD = /^(Name|Namespace|Node|Status):\s+(\S.*)$/
const EVENT_HEADER = /^\s+Type\s+Reason\s+Age\s+From\s+Message\s*$/
// Type, Reason, Age ("19m (x10 over 28m)"), From ("kubelet, node-1" before 1.14), Message
// rows are indented under Events:, a row pasted alone often is not
const EVENT_ROW = /^\s*(Normal|Warning)\s+(\S+)\s+(\S+(?: \(x\d+ over \S+\))?)\s+(\S+(?:, \S+)?)\s{2,}(.*)$/

export interface DescribedPod {pod: PodInfo, events: PodEvent[]}

interface Acc {pod: PodInfo, events: PodEvent[], state?: 'state' | 'last' | 'limits', readyFalse: boolean}

function containerLine(acc: Acc, l: string): void {
  const t = l.trim()
  const k = /^(State|Last State|Ready|Restart Count|Limits|Requests):\s*(.*)$/.exec(t)
  if (k) {
    acc.state = k[1] === 'State' ? 'state' : k[1] === 'Last State' ? 'last' : k[1] === 'Limits' ? 'limits' : undefined
    if (k[1] === 'Ready' && k[2] === 'False') acc.readyFalse = true
    if (k[1] === 'Restart Count') acc.pod.restarts += Number(k[2]) || 0
    if (k[1] === 'State' && k[2] === 'Running' && acc.pod.phase === undefined) acc.pod.phase = 'Running'
    return
  }
  const r = /^Reason:\s+(\S+)/.exec(t)
  if (r && acc.state === 'state' && /CrashLoopBackOff|Error|CreateContainerConfigError|ImagePullBackOff|ErrImagePull/.test(r[1])) acc.pod.phase = r[1]
  if (r && acc.state === 'last') acc.pod.lastTerminationReason ??= r[1]
  const mem = /^memory:\s+(\S+)/.exec(t)
  if (mem && acc.state === 'limits') acc.pod.memoryLimitBytes ??= parseQuantity(mem[1])
}

function eventFrom(m: RegExpExecArray, pod: string, line: number, l: string, file: string): PodEvent {
  const count = /\(x(\d+) over/.exec(m[3])
  return {pod, type: m[1], reason: m[2], age: m[3], count: count ? Number(count[1]) : 1, message: m[5].trim(), src: src(file, line, l)}
}

/** A paste of the events alone names its pod in the scheduler's event. */
function nameFromScheduled(acc: Acc, e: PodEvent): void {
  const m = /^Successfully assigned ([a-z0-9-]+)\/([a-z0-9][-a-z0-9.]*) to (\S+)/.exec(e.message)
  if (!m || acc.pod.name !== UNNAMED) return
  acc.pod.name = m[2]
  acc.pod.namespace ??= m[1]
  acc.pod.node ??= m[3]
}

const UNNAMED = 'unnamed-pod'

export function parseDescribePods(text: string, file: string): DescribedPod[] {
  const out: Acc[] = []
  let inEvents = false
  let phaseFromStatus: string | undefined
  splitLines(text).forEach((l, i) => {
    const f = FIELD.exec(l)
    if (f?.[1] === 'Name') {
      out.push({pod: {name: f[2].trim(), restarts: 0, src: src(file, i + 1, l)}, events: [], readyFalse: false})
      inEvents = false
      return
    }
    // a paste that starts below Name: ("..." then Containers:) names its pod in the prompt line, if anywhere
    const prompt = /(?:describe\s+(?:pods?|po)\s+(?:-n\s+\S+\s+)?|\bkdp\s+)([a-z0-9][-a-z0-9.]*)/.exec(l)
    if (prompt && out.length === 0) {
      out.push({pod: {name: prompt[1], restarts: 0, src: src(file, i + 1, l)}, events: [], readyFalse: false})
      return
    }
    if (out.length === 0 && (EVENT_HEADER.test(l) || EVENT_ROW.test(l) || /^\s*(Containers|Init Containers|Events):\s*$/.test(l))) {
      out.push({pod: {name: UNNAMED, restarts: 0, src: src(file, i + 1, l)}, events: [], readyFalse: false})
    }
    const acc = out[out.length - 1]
    if (!acc) return
    if (f?.[1] === 'Namespace') acc.pod.namespace = f[2].trim()
    else if (f?.[1] === 'Node') acc.pod.node = f[2].split('/')[0].trim()
    else if (f?.[1] === 'Status') phaseFromStatus = f[2].trim()
    if (f) {
      if (f[1] === 'Status') acc.pod.phase ??= phaseFromStatus
      return
    }
    if (EVENT_HEADER.test(l)) {
      inEvents = true
      return
    }
    const row = EVENT_ROW.exec(l)
    if (row) {
      inEvents = true
      const e = eventFrom(row, acc.pod.name, i + 1, l, file)
      nameFromScheduled(acc, e)
      acc.events.push(e)
      return
    }
    if (inEvents) {
      // a message kubelet printed over several lines (a probe's output) continues here
      if (!/^\s+-{2,}/.test(l) && acc.events.length > 0 && l.trim() !== '' && l.trim() !== '...') acc.events[acc.events.length - 1].message += `\n${l.trim()}`
      return
    }
    containerLine(acc, l)
  })
  return out.map((a) => {
    for (const e of a.events) e.pod = a.pod.name
    if (a.readyFalse) a.pod.ready = false
    else if (/Ready:\s+True/.test(a.pod.src.text) || a.pod.phase === 'Running') a.pod.ready = a.pod.phase === 'Running'
    return {pod: a.pod, events: a.events}
  })
}

export function looksLikeDescribePod(head: string): boolean {
  // each regex is tried only when the words it needs are in the head: every captured file is asked,
  // and these line-start searches over 16 KB of other outputs were the most costly part of classifying
  const events = head.includes('Events:')
  if (head.includes('Namespace:') && /^Name:\s+\S+/m.test(head) && /^Namespace:\s+\S+/m.test(head) &&
    (/^(Containers|Init Containers|Controlled By|Start Time):/m.test(head) || (events && /^Events:/m.test(head)))) return true
  // a part of one: the container block or the events table
  return (head.includes('Restart Count:') && head.includes('State:') && /^\s+Restart Count:\s+\d+\s*$/m.test(head) && /^\s+(Last )?State:\s+\S/m.test(head)) ||
    (events && /^Events:\s*$/m.test(head) && EVENT_HEADER_M.test(head)) ||
    ((head.includes('kubelet') || head.includes('default-scheduler')) &&
      head.split('\n', 40).some((l) => EVENT_ROW.test(l) && /\s(kubelet|default-scheduler)\b/.test(l)))
}

const EVENT_HEADER_M = /^\s+Type\s+Reason\s+Age\s+From\s+Message\s*$/m
