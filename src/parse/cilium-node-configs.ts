import type {NodeConfigInfo} from '../snapshot/schema.js'
import {get, isRecord, objectsOfKind, readK8sDoc, str} from './k8s-object.js'
import {src} from './text.js'

/*
 * CiliumNodeConfig objects (`kubectl get ciliumnodeconfigs -A -o yaml|json`, cilium.io/v2 or v2alpha1): the
 * cilium-config keys (spec.defaults) each overrides on the nodes its spec.nodeSelector selects. Field names from
 * pkg/k8s/apis/cilium.io/v2/cnc_types.go and https://docs.cilium.io/en/stable/configuration/per-node-config/.
 * Several selecting one node apply in name order, the later winning on a shared key.
 */

function stringMap(v: unknown): Record<string, string> {
  if (!isRecord(v)) return {}
  const out: Record<string, string> = {}
  for (const [k, x] of Object.entries(v)) {
    const s = str(x)
    if (s !== undefined) out[k] = s
  }
  return out
}

export function parseNodeConfigs(text: string, file: string): NodeConfigInfo[] {
  const doc = readK8sDoc(text)
  if (!doc) return []
  return objectsOfKind(doc, 'CiliumNodeConfig').flatMap(({obj, path}) => {
    const name = str(get(obj, 'metadata', 'name'))
    if (!name) return []
    const line = doc.lineOf([...path, 'metadata', 'name'])
    const namespace = str(get(obj, 'metadata', 'namespace'))
    const exprs = get(obj, 'spec', 'nodeSelector', 'matchExpressions')
    // "If not supplied, then this config applies to no nodes. If empty, then it applies to all nodes."
    const selector = get(obj, 'spec', 'nodeSelector')
    return [{
      name,
      ...(namespace ? {namespace} : {}),
      apiVersion: str(get(obj, 'apiVersion')) ?? 'cilium.io/v2',
      matchLabels: stringMap(get(obj, 'spec', 'nodeSelector', 'matchLabels')),
      ...(Array.isArray(exprs) && exprs.length > 0 ? {selectorUnread: true} : {}),
      ...(selector === undefined || selector === null ? {selectsNone: true} : {}),
      defaults: stringMap(get(obj, 'spec', 'defaults')),
      src: src(file, line, doc.lineText(line)),
    }]
  })
}

/** The nodes (by labels) a CiliumNodeConfig selects; undefined when its selector has expressions not read here. */
export function selectedNodes(cnc: NodeConfigInfo, nodes: Array<{name: string, labels: Record<string, string>}>): string[] | undefined {
  if (cnc.selectsNone) return []
  if (cnc.selectorUnread) return undefined
  return nodes.filter((n) => Object.entries(cnc.matchLabels).every(([k, v]) => n.labels[k] === v)).map((n) => n.name)
}
