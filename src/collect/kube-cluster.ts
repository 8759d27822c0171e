import type {Collected} from '../ingest/evidence.js'
import {InputError} from '../util/errors.js'
import {withRetry} from './fanout.js'
import {seg} from './k8s-names.js'
import type {Kube} from './kube-client.js'
import {asKubeFailure, KubeFailure} from './kube-errors.js'

/*
 * Cluster-wide reads: Cilium's namespace, its agent pods, cilium-config, Nodes, the operator
 * Deployment, the Helm release and counts of Cilium objects. Only GETs. What RBAC forbids is
 * recorded as a cluster error; what does not exist (a CRD not installed, no Helm release) is skipped.
 */

export type K8sObject = Record<string, any>  
interface List {items?: K8sObject[], metadata?: {continue?: string, remainingItemCount?: number}}

const PAGE = 500

function strip(o: K8sObject, keepChangeTimes = false): K8sObject {
  // managedFields and node image lists are most of an object's bytes and none of its evidence; of the
  // ConfigMap's, who changed it and when is kept (applied-config drift), the field sets are not
  if (o.metadata?.managedFields) {
    const times = keepChangeTimes && Array.isArray(o.metadata.managedFields)
      ? (o.metadata.managedFields as K8sObject[]).map((m) => ({manager: m.manager, operation: m.operation, time: m.time}))
      : undefined
    o.metadata = {...o.metadata, managedFields: times}
  }
  if (o.status?.images) o.status = {...o.status, images: undefined}
  return o
}

// 200 pages of PAGE items is far beyond any real cluster: a server that keeps answering with a continue
// token (or repeats one) is misbehaving, and the list stops with an error instead of looping forever
const MAX_PAGES = 200

export async function listAll(kube: Kube, path: string, timeoutMs: number): Promise<K8sObject[]> {
  const items: K8sObject[] = []
  const seen = new Set<string>()
  let cont: string | undefined
  for (let pages = 0; ; pages++) {
    if (pages >= MAX_PAGES) throw new Error(`${path}: more than ${MAX_PAGES} pages of ${PAGE}; the API server keeps returning a continue token`)
    const sep = path.includes('?') ? '&' : '?'
    const page = JSON.parse(await withRetry(() => kube.get(`${path}${sep}limit=${PAGE}${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`, timeoutMs), timeoutMs)) as List
    items.push(...(page.items ?? []).map((o) => strip(o)))
    cont = page.metadata?.continue || undefined
    if (!cont) return items
    if (seen.has(cont)) throw new Error(`${path}: the API server repeated a continue token; the list is incomplete`)
    seen.add(cont)
  }
}

/** The namespace of the `cilium` DaemonSet, or undefined when it cannot be found or listed. */
export async function discoverNamespace(kube: Kube, timeoutMs: number, c: Collected): Promise<string | undefined> {
  for (const q of ['fieldSelector=metadata.name%3Dcilium', 'labelSelector=k8s-app%3Dcilium']) {
    try {
      const list = JSON.parse(await withRetry(() => kube.get(`/apis/apps/v1/daemonsets?${q}`, timeoutMs), timeoutMs)) as List
      const ns = list.items?.find((d) => d.metadata?.namespace)?.metadata?.namespace as string | undefined
      if (ns) return ns
    } catch (error) {
      const f = asKubeFailure(error, 'list daemonsets')
      if (f.kind === 'forbidden') {
        c.skipped.push({path: 'daemonsets', reason: `cannot list DaemonSets to find Cilium (${f.message}); assuming kube-system, use --cilium-namespace`})
        return undefined
      }
      if (f.kind !== 'missing') throw new InputError(`cluster ${kube.server}: ${f.message}`)
    }
  }
  return undefined
}

export async function agentPods(kube: Kube, ns: string, selector: string | undefined, nodes: string[] | undefined, timeoutMs: number): Promise<K8sObject[]> {
  const sel = ['k8s-app=cilium', ...(selector ? [selector] : [])].join(',')
  let pods: K8sObject[]
  try {
    pods = await listAll(kube, `/api/v1/namespaces/${seg(ns)}/pods?labelSelector=${encodeURIComponent(sel)}`, timeoutMs)
  } catch (error) {
    throw new InputError(`cluster ${kube.server}: cannot list Cilium agent pods in ${ns}: ${asKubeFailure(error, 'list pods').message}`)
  }
  if (nodes && nodes.length > 0) pods = pods.filter((p) => nodes.includes(p.spec?.nodeName))
  return pods.sort((a, b) => String(a.metadata?.name).localeCompare(String(b.metadata?.name)))
}

function gap(c: Collected, command: string, error: unknown, skipWhenAbsent: boolean): void {
  const f = error instanceof KubeFailure ? error : asKubeFailure(error, command)
  if (f.kind === 'missing' && skipWhenAbsent) c.skipped.push({path: command, reason: 'not found in the cluster'})
  else c.clusterErrors.push({command, kind: f.kind, message: f.message})
}

async function readObject(kube: Kube, c: Collected, path: string, shown: string, kind: 'configmap' | 'operator', timeoutMs: number): Promise<void> {
  try {
    c.files.push({path: shown, text: JSON.stringify(strip(JSON.parse(await withRetry(() => kube.get(path, timeoutMs), timeoutMs)), kind === 'configmap'), null, 2), kind})
  } catch (error) {
    gap(c, `get ${shown}`, error, true)
  }
}

async function readNodes(kube: Kube, c: Collected, timeoutMs: number): Promise<void> {
  try {
    const items = await listAll(kube, '/api/v1/nodes', timeoutMs)
    c.files.push({path: 'nodes', text: JSON.stringify({apiVersion: 'v1', kind: 'NodeList', items}, null, 1), kind: 'nodes'})
  } catch (error) {
    gap(c, 'list nodes', error, false)
  }
}

/** The deployed Helm release: the highest revision among Secrets labelled owner=helm,name=cilium. */
async function readHelm(kube: Kube, c: Collected, ns: string, timeoutMs: number): Promise<void> {
  try {
    const list = JSON.parse(await withRetry(() => kube.get(`/api/v1/namespaces/${seg(ns)}/secrets?labelSelector=${encodeURIComponent('owner=helm,name=cilium')}`, timeoutMs), timeoutMs)) as List
    const rev = (s: K8sObject) => Number(s.metadata?.labels?.version ?? 0)
    const items = (list.items ?? []).sort((a, b) => rev(b) - rev(a))
    const chosen = items.find((s) => s.metadata?.labels?.status === 'deployed') ?? items[0]
    if (!chosen) return void c.skipped.push({path: `secrets ${ns}/sh.helm.release.v1.cilium.*`, reason: 'no Helm release of cilium (installed another way)'})
    c.files.push({path: `secret/${chosen.metadata?.name}`, text: JSON.stringify({apiVersion: 'v1', kind: 'Secret', ...strip(chosen)}), kind: 'helm-release'})
  } catch (error) {
    gap(c, 'list secrets (Helm release of cilium)', error, true)
  }
}

const CRD_LISTS: Array<{paths: string[], kind: string}> = [
  {paths: ['/apis/cilium.io/v2/ciliumendpoints'], kind: 'CiliumEndpointList'},
  {paths: ['/apis/cilium.io/v2/ciliumendpointslices', '/apis/cilium.io/v2alpha1/ciliumendpointslices'], kind: 'CiliumEndpointSliceList'},
  {paths: ['/apis/cilium.io/v2/ciliumidentities'], kind: 'CiliumIdentityList'},
]

/** How many objects a list holds, asking for one item: the server reports how many remain. */
async function countObjects(kube: Kube, path: string, timeoutMs: number): Promise<number> {
  const first = JSON.parse(await withRetry(() => kube.get(`${path}?limit=1`, timeoutMs), timeoutMs)) as List
  const have = first.items?.length ?? 0
  if (!first.metadata?.continue) return have
  if (first.metadata.remainingItemCount !== undefined) return have + first.metadata.remainingItemCount
  return (await listAll(kube, path, timeoutMs)).length // the server does not say: count by pages
}

async function readCounts(kube: Kube, c: Collected, timeoutMs: number): Promise<void> {
  for (const crd of CRD_LISTS) {
    for (const [i, path] of crd.paths.entries()) {
      try {
        const count = await countObjects(kube, path, timeoutMs)
        c.files.push({path: `${path.split('/').pop()} (count)`, text: JSON.stringify({kind: crd.kind, count}), kind: 'cilium-resources'})
        break
      } catch (error) {
        const f = asKubeFailure(error, `count ${crd.kind}`)
        if (f.kind === 'missing' && i < crd.paths.length - 1) continue
        if (f.kind !== 'missing') c.clusterErrors.push({command: `list ${path.split('/').pop()}`, kind: f.kind, message: f.message})
        break // CRD not installed (e.g. CiliumEndpointSlices disabled): nothing to count
      }
    }
  }
}

/** Operator and Envoy pods: their start times tell whether they run the current configuration. */
async function readComponentPods(kube: Kube, c: Collected, ns: string, selector: string, shown: string, timeoutMs: number): Promise<void> {
  try {
    const items = await listAll(kube, `/api/v1/namespaces/${seg(ns)}/pods?labelSelector=${encodeURIComponent(selector)}`, timeoutMs)
    if (items.length > 0) c.files.push({path: shown, text: JSON.stringify({apiVersion: 'v1', kind: 'PodList', items}, null, 1), kind: 'pods'})
  } catch (error) {
    gap(c, `list pods ${selector}`, error, true)
  }
}

export async function readCluster(kube: Kube, c: Collected, ns: string, timeoutMs: number): Promise<void> {
  await Promise.all([
    readObject(kube, c, `/api/v1/namespaces/${seg(ns)}/configmaps/cilium-config`, 'configmap/cilium-config', 'configmap', timeoutMs),
    readNodes(kube, c, timeoutMs),
    readObject(kube, c, `/apis/apps/v1/namespaces/${seg(ns)}/deployments/cilium-operator`, 'deployment/cilium-operator', 'operator', timeoutMs),
    readHelm(kube, c, ns, timeoutMs),
    readCounts(kube, c, timeoutMs),
    readComponentPods(kube, c, ns, 'io.cilium/app=operator', 'pods (operator)', timeoutMs),
    readComponentPods(kube, c, ns, 'k8s-app=cilium-envoy', 'pods (envoy)', timeoutMs),
  ])
}
