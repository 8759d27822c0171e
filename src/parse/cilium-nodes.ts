import type {CiliumNodeInfo} from '../snapshot/schema.js'
import {get, isRecord, objectsOfKind, readK8sDoc, str} from './k8s-object.js'
import type {K8sDoc, PathSeg} from './k8s-object.js'
import {src} from './text.js'

/*
 * CiliumNode objects (`kubectl get ciliumnodes -o yaml|json`): what the operator gave each node and what the
 * node reports back. spec.ipam.podCIDRs (cluster-pool), spec.ipam.pool (crd/ENI/Azure: one key per address
 * the node may use), status.ipam.used (addresses in use), status.ipam.operator-status.error (the operator's
 * last allocation error, e.g. "allocator full", the only place cluster-pool exhaustion shows, cilium#41130),
 * spec.encryption.key (the IPsec SPI the node uses; absent or 0 without IPsec).
 */

function keyCount(v: unknown): number | undefined {
  return isRecord(v) ? Object.keys(v).length : undefined
}

function at(doc: K8sDoc, file: string, path: PathSeg[]): ReturnType<typeof src> {
  const line = doc.lineOf(path)
  return src(file, line, doc.lineText(line))
}

export function parseCiliumNodes(text: string, file: string): CiliumNodeInfo[] {
  const doc = readK8sDoc(text)
  if (!doc) return []
  return objectsOfKind(doc, 'CiliumNode').flatMap(({obj, path}) => {
    const name = str(get(obj, 'metadata', 'name'))
    if (!name) return []
    const node: CiliumNodeInfo = {name, podCIDRs: [], src: at(doc, file, [...path, 'metadata', 'name'])}
    const cidrs = get(obj, 'spec', 'ipam', 'podCIDRs')
    if (Array.isArray(cidrs)) node.podCIDRs = cidrs.map(str).filter((c): c is string => c !== undefined)
    const pool = keyCount(get(obj, 'spec', 'ipam', 'pool'))
    if (pool !== undefined) node.poolSize = pool
    const used = keyCount(get(obj, 'status', 'ipam', 'used'))
    if (used !== undefined) node.used = used
    const error = str(get(obj, 'status', 'ipam', 'operator-status', 'error'))
    if (error) node.operatorError = {text: error, src: at(doc, file, [...path, 'status', 'ipam', 'operator-status', 'error'])}
    const spi = Number(str(get(obj, 'spec', 'encryption', 'key')))
    if (Number.isInteger(spi) && spi > 0) node.encryptionKey = {spi, src: at(doc, file, [...path, 'spec', 'encryption', 'key'])}
    return [node]
  })
}
