import type {Node} from '../snapshot/schema.js'
import {get, isRecord, objectKind, objectsOfKind, readK8sDoc, str} from './k8s-object.js'
import {parseQuantity} from './quantity.js'
import {src} from './text.js'

/*
 * Nodes as `kubectl get nodes -o yaml|json` prints them (a List or NodeList), or a single Node.
 * Kernel, memory and pod CIDRs feed map-sizing and datapath-feature rules.
 */

// most of a Node's bytes, and no rule reads them
const NOT_NEEDED: ReadonlySet<string> = new Set(['images', 'managedFields'])

export function parseNodes(text: string, file: string): Node[] {
  const doc = readK8sDoc(text, {skipKeys: NOT_NEEDED})
  if (!doc) return []
  return objectsOfKind(doc, 'Node').flatMap(({obj, path}) => {
    const name = str(get(obj, 'metadata', 'name'))
    if (!name) return []
    const line = doc.lineOf([...path, 'metadata', 'name'])
    const info = get(obj, 'status', 'nodeInfo')
    const capacity = get(obj, 'status', 'capacity')
    const cidrs = get(obj, 'spec', 'podCIDRs')
    const podCIDRs = Array.isArray(cidrs) ? cidrs.map(str).filter((c): c is string => c !== undefined) : []
    const single = str(get(obj, 'spec', 'podCIDR'))
    if (podCIDRs.length === 0 && single) podCIDRs.push(single)
    const labels: Record<string, string> = {}
    const rawLabels = get(obj, 'metadata', 'labels')
    if (isRecord(rawLabels)) for (const [k, v] of Object.entries(rawLabels)) labels[k] = str(v) ?? ''
    const node: Node = {name, podCIDRs, labels, src: src(file, line, doc.lineText(line))}
    const kernel = str(get(info, 'kernelVersion'))
    if (kernel) node.kernel = kernel
    const os = str(get(info, 'osImage'))
    if (os) node.osImage = os
    const mem = parseQuantity(get(capacity, 'memory'))
    if (mem !== undefined) node.memoryBytes = mem
    const cpus = parseQuantity(get(capacity, 'cpu'))
    if (cpus !== undefined) node.cpus = cpus
    const pods = parseQuantity(get(capacity, 'pods'))
    if (pods !== undefined && Number.isSafeInteger(pods)) node.maxPods = pods
    const conditions = get(obj, 'status', 'conditions')
    const ready: unknown = Array.isArray(conditions) ? conditions.find((c) => get(c, 'type') === 'Ready') : undefined
    if (ready) node.ready = get(ready, 'status') === 'True'
    return [node]
  })
}

export function looksLikeNodeList(text: string): boolean {
  return objectKind(text) === 'Node'
}
