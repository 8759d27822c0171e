import type {PodInfo} from '../snapshot/schema.js'
import {get, objectKind, objectsOfKind, readK8sDoc, str} from './k8s-object.js'
import {parseQuantity} from './quantity.js'
import {src} from './text.js'

/*
 * Pods as `kubectl get pods -o yaml|json` prints them (the cilium agents, usually): restarts,
 * the last termination reason (OOMKilled matters) and the agent container's memory limit.
 */

const AGENT = 'cilium-agent'

export function parsePods(text: string, file: string): PodInfo[] {
  const doc = readK8sDoc(text)
  if (!doc) return []
  return objectsOfKind(doc, 'Pod').flatMap(({obj, path}) => {
    const name = str(get(obj, 'metadata', 'name'))
    if (!name) return []
    const line = doc.lineOf([...path, 'metadata', 'name'])
    const specs = arr(get(obj, 'spec', 'containers'))
    const statuses = arr(get(obj, 'status', 'containerStatuses'))
    const spec = specs.find((c) => get(c, 'name') === AGENT) ?? specs[0]
    const status = statuses.find((c) => get(c, 'name') === AGENT) ?? statuses[0]
    const pod: PodInfo = {
      name,
      restarts: Math.min(Number.MAX_SAFE_INTEGER, statuses.reduce<number>((n, c) => n + (Number.isSafeInteger(get(c, 'restartCount')) ? (get(c, 'restartCount') as number) : 0), 0)),
      src: src(file, line, doc.lineText(line)),
    }
    const ns = str(get(obj, 'metadata', 'namespace'))
    if (ns) pod.namespace = ns
    const node = str(get(obj, 'spec', 'nodeName'))
    if (node) pod.node = node
    const phase = str(get(obj, 'status', 'phase'))
    if (phase) pod.phase = phase
    const conditions = arr(get(obj, 'status', 'conditions'))
    const ready = conditions.find((c) => get(c, 'type') === 'Ready')
    if (ready) pod.ready = get(ready, 'status') === 'True'
    const image = str(get(spec, 'image')) ?? str(get(status, 'image'))
    if (image) pod.image = image
    // the agent container's reason first; any container's OOMKilled otherwise
    const reasons = [status, ...statuses].map((c) => str(get(c, 'lastState', 'terminated', 'reason'))).filter((r): r is string => !!r)
    if (reasons.length > 0) pod.lastTerminationReason = reasons[0]
    const started = str(get(status, 'state', 'running', 'startedAt')) ?? str(get(obj, 'status', 'startTime'))
    if (started) pod.startedAt = started
    const limit = parseQuantity(get(spec, 'resources', 'limits', 'memory'))
    if (limit !== undefined) pod.memoryLimitBytes = limit
    return [pod]
  })
}

function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : []
}

export function looksLikePodList(text: string): boolean {
  return objectKind(text) === 'Pod'
}
