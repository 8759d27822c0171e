import {z} from 'zod'
import {readK8sDoc} from './k8s-object.js'

export const ResourceCount = z.object({kind: z.string(), count: z.number().int()})
export type ResourceCount = z.infer<typeof ResourceCount>

const KIND_FIELD: Record<string, 'ciliumEndpoints' | 'ciliumEndpointSlices' | 'ciliumIdentities' | 'ciliumNodes'> = {
  CiliumEndpoint: 'ciliumEndpoints',
  CiliumEndpointSlice: 'ciliumEndpointSlices',
  CiliumIdentity: 'ciliumIdentities',
  CiliumNode: 'ciliumNodes',
}

export function countField(kind: string) {
  return KIND_FIELD[kind.replace(/List$/, '')]
}

/**
 * How many Cilium objects of one kind a dump holds: a `kubectl get … -o yaml|json` List,
 * or the compact `{"kind":"CiliumEndpointList","count":N}` a live collection writes at scale.
 * Undefined when the text is not such a list.
 */
export function parseCiliumResources(text: string): ResourceCount | undefined {
  // the readers every Kubernetes object goes through (at most 100 aliases: kubectl never writes one, many are a bomb)
  const doc = readK8sDoc(text)?.value
  if (!doc || typeof doc !== 'object') return undefined
  const o = doc as {kind?: unknown, count?: unknown, items?: unknown}
  if (typeof o.kind !== 'string') return undefined
  if (typeof o.count === 'number' && Number.isInteger(o.count)) return {kind: o.kind.replace(/List$/, ''), count: o.count}
  if (!Array.isArray(o.items)) return undefined
  const itemKind = (o.items[0] as {kind?: unknown} | undefined)?.kind
  const kind = o.kind === 'List' ? (typeof itemKind === 'string' ? itemKind : 'List') : o.kind.replace(/List$/, '')
  return {kind, count: o.items.length}
}
