import {addFile, type Collected} from '../ingest/evidence.js'
import {InputError} from '../util/errors.js'
import {LOG_CAP, mib} from './caps.js'
import {withRetry} from './fanout.js'
import {seg} from './k8s-names.js'
import type {Kube} from './kube-client.js'
import {asKubeFailure, KubeFailure} from './kube-errors.js'

/*
 * Cluster-wide reads: Cilium's namespace, its agent pods, cilium-config, Nodes, the operator
 * Deployment and its logs, the Helm release, counts of Cilium objects and the Cilium objects read whole. Only GETs. What RBAC forbids is
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

async function readObject(kube: Kube, c: Collected, path: string, shown: string, kind: 'configmap' | 'operator', timeoutMs: number): Promise<K8sObject | undefined> {
  try {
    const o = strip(JSON.parse(await withRetry(() => kube.get(path, timeoutMs), timeoutMs)), kind === 'configmap')
    addFile(c, {path: shown, text: JSON.stringify(o, null, 2), kind})
    return o
  } catch (error) {
    gap(c, `get ${shown}`, error, true)
    return undefined
  }
}

/** cilium-config, read before the agents are visited: its data decides which feature commands they run. */
export async function readCiliumConfig(kube: Kube, c: Collected, ns: string, timeoutMs: number): Promise<Record<string, unknown> | undefined> {
  const cm = await readObject(kube, c, `/api/v1/namespaces/${seg(ns)}/configmaps/cilium-config`, 'configmap/cilium-config', 'configmap', timeoutMs)
  return cm?.data as Record<string, unknown> | undefined
}

async function readNodes(kube: Kube, c: Collected, timeoutMs: number): Promise<void> {
  try {
    const items = await listAll(kube, '/api/v1/nodes', timeoutMs)
    addFile(c, {path: 'nodes', text: JSON.stringify({apiVersion: 'v1', kind: 'NodeList', items}, null, 1), kind: 'nodes'})
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
    addFile(c, {path: `secret/${chosen.metadata?.name}`, text: JSON.stringify({apiVersion: 'v1', kind: 'Secret', ...strip(chosen)}), kind: 'helm-release'})
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
        addFile(c, {path: `${path.split('/').pop()} (count)`, text: JSON.stringify({kind: crd.kind, count}), kind: 'cilium-resources'})
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

/*
 * Cilium objects read whole (not counted): CiliumNodes (IPAM per node: pool, used, the operator's allocation error),
 * CiliumLocalRedirectPolicies (asked-for vs in-effect) and CiliumNodeConfigs (per-node overrides suggest must not
 * ignore). Paged and capped as every list; a CRD not installed is skipped, a forbidden list is a cluster error.
 */
const OBJECT_LISTS: Array<{paths: string[], kind: string}> = [
  {paths: ['/apis/cilium.io/v2/ciliumnodes'], kind: 'CiliumNodeList'},
  {paths: ['/apis/cilium.io/v2/ciliumlocalredirectpolicies'], kind: 'CiliumLocalRedirectPolicyList'},
  // v2 from 1.16, v2alpha1 on 1.13–1.15 (src/cilium/node-config.ts)
  {paths: ['/apis/cilium.io/v2/ciliumnodeconfigs', '/apis/cilium.io/v2alpha1/ciliumnodeconfigs'], kind: 'CiliumNodeConfigList'},
]

async function readObjectLists(kube: Kube, c: Collected, timeoutMs: number): Promise<void> {
  await Promise.all(OBJECT_LISTS.map(async (list) => {
    const resource = list.paths[0].split('/').pop()!
    for (const [i, path] of list.paths.entries()) {
      try {
        const items = await listAll(kube, path, timeoutMs)
        const apiVersion = path.split('/').slice(2, 4).join('/')
        addFile(c, {path: resource, text: JSON.stringify({apiVersion, kind: list.kind, items}, null, 1), kind: 'cilium-resources'})
        return
      } catch (error) {
        const f = asKubeFailure(error, `list ${resource}`)
        if (f.kind === 'missing' && i < list.paths.length - 1) continue
        gap(c, `list ${resource}`, f, true)
        return
      }
    }
  }))
}

/** Operator and Envoy pods: their start times tell whether they run the current configuration. */
async function readComponentPods(kube: Kube, c: Collected, ns: string, selector: string, shown: string, timeoutMs: number): Promise<K8sObject[]> {
  try {
    const items = await listAll(kube, `/api/v1/namespaces/${seg(ns)}/pods?labelSelector=${encodeURIComponent(selector)}`, timeoutMs)
    if (items.length > 0) addFile(c, {path: shown, text: JSON.stringify({apiVersion: 'v1', kind: 'PodList', items}, null, 1), kind: 'pods'})
    return items
  } catch (error) {
    gap(c, `list pods ${selector}`, error, true)
    return []
  }
}

const OPERATOR_CONTAINER = 'cilium-operator'
// the operator logs far less than an agent: its recent tail holds the lease and IPAM errors that matter
const OPERATOR_TAIL_LINES = 5000
const MAX_OPERATOR_PODS = 5

/** The tail of each operator pod's cilium-operator log (leader election, IPAM allocation), capped as agent logs are. */
async function readOperatorLogs(kube: Kube, c: Collected, ns: string, pods: K8sObject[], timeoutMs: number): Promise<void> {
  const names = pods.map((p) => String(p.metadata?.name)).sort().slice(0, MAX_OPERATOR_PODS)
  if (pods.length > MAX_OPERATOR_PODS) c.skipped.push({path: 'logs cilium-operator', reason: `${pods.length} operator pods: the logs of the first ${MAX_OPERATOR_PODS} were read`})
  const q = new URLSearchParams({container: OPERATOR_CONTAINER, tailLines: String(OPERATOR_TAIL_LINES), limitBytes: String(LOG_CAP)}).toString()
  for (const pod of names) {
    const command = `pod/${pod}: logs ${OPERATOR_CONTAINER}`
    try {
      const {text, truncated} = await withRetry(() => kube.getText(`/api/v1/namespaces/${seg(ns)}/pods/${seg(pod)}/log?${q}`, timeoutMs, LOG_CAP), timeoutMs)
      if (truncated) c.clusterErrors.push({command, kind: 'truncated', message: `${command}: cut at ${mib(LOG_CAP)} (the cap for one response); the rest was not read`})
      if (text.trim() !== '') addFile(c, {path: command, text, kind: 'operator-log'})
    } catch (error) {
      // supporting evidence, as an agent's log: its absence is a gap, said, not a failed collection
      const f = error instanceof KubeFailure ? error : asKubeFailure(error, command)
      c.clusterErrors.push({command, kind: 'missing', message: f.message})
    }
  }
}

/** The cluster objects other than cilium-config (readCiliumConfig), read while the agents are visited. */
export async function readCluster(kube: Kube, c: Collected, ns: string, timeoutMs: number): Promise<void> {
  await Promise.all([
    readNodes(kube, c, timeoutMs),
    readObject(kube, c, `/apis/apps/v1/namespaces/${seg(ns)}/deployments/cilium-operator`, 'deployment/cilium-operator', 'operator', timeoutMs),
    readHelm(kube, c, ns, timeoutMs),
    readCounts(kube, c, timeoutMs),
    readComponentPods(kube, c, ns, 'io.cilium/app=operator', 'pods (operator)', timeoutMs).then((pods) => readOperatorLogs(kube, c, ns, pods, timeoutMs)),
    readObjectLists(kube, c, timeoutMs),
    readComponentPods(kube, c, ns, 'k8s-app=cilium-envoy', 'pods (envoy)', timeoutMs),
  ])
}
