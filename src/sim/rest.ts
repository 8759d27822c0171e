import {agentOf, type SimContext} from './context.js'
import {discovery} from './discovery.js'
import {faultResponse, statusBody} from './faults.js'
import type {StreamFault} from './hostile.js'
import {CILIUM_OBJECTS, CRDS, crdItems} from './objects.js'
import type {K8sObject} from './scenario.js'
import {selectObjects} from './selectors.js'

/*
 * The REST side of the simulated API server, one function per step of a GET: discovery, the route,
 * CRD lists, core lists and objects, then the pod subresources (log, metrics proxy).
 */

export interface Reply {code: number, body: string, type?: string}
export type RestAnswer = Reply | 'hold' | 'drop' | StreamFault

interface Route {resource: string, namespace?: string, name?: string, sub?: string}

const LIST_KIND: Record<string, [string, string]> = {
  pods: ['v1', 'Pod'], nodes: ['v1', 'Node'], configmaps: ['v1', 'ConfigMap'], secrets: ['v1', 'Secret'],
  namespaces: ['v1', 'Namespace'], daemonsets: ['apps/v1', 'DaemonSet'], deployments: ['apps/v1', 'Deployment'],
}
for (const [resource, o] of Object.entries(CILIUM_OBJECTS)) LIST_KIND[resource] = [o.gv, o.kind]
const CLUSTER_SCOPED = new Set(['nodes', 'namespaces', 'ciliumidentities', 'ciliumendpointslices', 'ciliumnodes'])

export function parseRoute(path: string): Route | undefined {
  const core = /^\/api\/v1(?:\/namespaces\/([^/]+))?\/([a-z]+)(?:\/([^/]+))?(?:\/(.+))?$/.exec(path)
  if (core) return {namespace: core[1], resource: core[2], name: core[3], sub: core[4]}
  const grp = /^\/apis\/[^/]+\/[^/]+(?:\/namespaces\/([^/]+))?\/([a-z]+)(?:\/([^/]+))?(?:\/(.+))?$/.exec(path)
  if (grp) return {namespace: grp[1], resource: grp[2], name: grp[3], sub: grp[4]}
  return undefined
}

const json = (code: number, o: unknown): Reply => ({code, body: JSON.stringify(o)})
const notFound = (what: string): Reply => ({code: 404, body: statusBody(404, 'NotFound', `${what} not found`)})
const continueFrom = (u: URL) => Number(Buffer.from(u.searchParams.get('continue') ?? '', 'base64').toString() || 0)

function pageMetadata(next: number, total: number): Record<string, unknown> {
  const metadata: Record<string, unknown> = {resourceVersion: '1'}
  if (next < total) Object.assign(metadata, {continue: Buffer.from(String(next)).toString('base64'), remainingItemCount: total - next})
  return metadata
}

function listReply(items: K8sObject[], u: URL, gvKind: [string, string], repeatContinue = false): Reply {
  const limit = Number(u.searchParams.get('limit') ?? 0)
  const from = continueFrom(u)
  const page = limit > 0 ? items.slice(from, from + limit) : items.slice(from)
  const metadata = pageMetadata(from + page.length, items.length)
  if (repeatContinue) metadata.continue = 'c3R1Y2s='
  return json(200, {kind: `${gvKind[1]}List`, apiVersion: gvKind[0], metadata, items: page})
}

/** CiliumEndpoints/Slices/Identities: generated page by page, 404 when the scenario sets no count (CRD absent). */
function crdReply(ctx: SimContext, resource: string, u: URL): Reply {
  const crd = CRDS[resource]
  const total = ctx.world.crdCounts?.[crd.count]
  if (total === undefined) return notFound(`the server could not find the requested resource (get ${resource}.cilium.io)`)
  const limit = Number(u.searchParams.get('limit') ?? 0) || total
  const from = continueFrom(u)
  const items = crdItems(resource, total, from, limit, ctx.world.namespace)
  return json(200, {kind: `${crd.kind}List`, apiVersion: crd.gv, metadata: pageMetadata(from + items.length, total), items})
}

function findObject(ctx: SimContext, r: Route, name: string, inNs: K8sObject[]): K8sObject | undefined {
  if (r.resource === 'pods' && r.namespace !== undefined) return ctx.podsByName.get(`${r.namespace}/${name}`)
  return inNs.find((o) => o.metadata?.name === name)
}

/** The log a pod's container prints: an agent's from its folder, an operator pod's from cilium-operator.log. */
function podLog(ctx: SimContext, pod: string, namespace: string | undefined, previous: boolean): {log?: string, container: string} {
  const found = agentOf(ctx, pod)
  if (found) return {log: previous ? found.agent.files.previousLog : found.agent.files.log, container: 'cilium-agent'}
  const p = ctx.podsByName.get(`${namespace}/${pod}`)
  if (p?.metadata?.labels?.['io.cilium/app'] === 'operator') return {log: previous ? undefined : ctx.world.operatorLog, container: 'cilium-operator'}
  return {container: String(p?.spec?.containers?.[0]?.name ?? 'cilium-agent')}
}

function logReply(ctx: SimContext, pod: string, namespace: string | undefined, u: URL): Reply {
  const previous = u.searchParams.get('previous') === 'true'
  const {log, container} = podLog(ctx, pod, namespace, previous)
  if (previous && log === undefined) return {code: 400, body: statusBody(400, 'BadRequest', `previous terminated container "${container}" in pod "${pod}" not found`)}
  if (log === undefined) return {code: 200, body: '', type: 'text/plain'}
  const tail = Number(u.searchParams.get('tailLines') ?? 0)
  const lines = log.split('\n')
  if (lines[lines.length - 1] === '') lines.pop()
  return {code: 200, body: (tail > 0 ? lines.slice(-tail) : lines).join('\n') + '\n', type: 'text/plain'}
}

function metricsReply(ctx: SimContext, pod: string): Reply {
  const prom = agentOf(ctx, pod)?.agent.files.metricsProm
  return prom === undefined
    ? {code: 503, body: statusBody(503, 'ServiceUnavailable', 'error trying to reach service: connection refused')}
    : {code: 200, body: prom, type: 'text/plain; version=0.0.4'}
}

/** log, proxy/metrics and a plain GET of exec, after the pod's fault (logs and proxy answer despite forbidden-exec). */
function podSubresource(ctx: SimContext, r: Route & {name: string, sub: string}, pod: string, u: URL): RestAnswer {
  const faultAny = ctx.faults?.agents?.[pod]
  const fault = faultAny === 'forbidden-exec' ? undefined : faultAny
  if (fault === 'timeout' || fault === 'stall') return 'hold'
  if (fault === 'drop' || fault === 'endless' || fault === 'trickle') return fault
  if (fault) return faultResponse(fault, `pods "${pod}" ${r.sub}`)
  if (r.sub === 'log') return logReply(ctx, pod, r.namespace, u)
  if (r.sub === 'proxy/metrics' && /:9962$/.test(r.name)) return metricsReply(ctx, pod)
  if (r.sub === 'exec') return {code: 400, body: statusBody(400, 'BadRequest', 'Upgrade request required')}
  return notFound(r.sub)
}

function coreReply(ctx: SimContext, r: Route, u: URL): RestAnswer {
  const gvKind = LIST_KIND[r.resource]
  if (!gvKind) return notFound(`the server could not find the requested resource (${r.resource})`)
  // a Cilium CRD the scenario holds no objects file for is not installed
  if (CILIUM_OBJECTS[r.resource] && !ctx.world.objects.has(r.resource)) return notFound(`the server could not find the requested resource (get ${r.resource}.cilium.io)`)
  const all = ctx.world.objects.get(r.resource) ?? []
  const inNs = CLUSTER_SCOPED.has(r.resource) || r.namespace === undefined ? all : all.filter((o) => o.metadata?.namespace === r.namespace)
  if (r.name === undefined) {
    const items = selectObjects(inNs, u.searchParams.get('labelSelector'), u.searchParams.get('fieldSelector'))
    return listReply(items, u, gvKind, ctx.faults?.repeatContinue?.includes(r.resource))
  }
  const name = r.resource === 'pods' ? r.name.replace(/:\d+$/, '') : r.name
  const obj = findObject(ctx, r, name, inNs)
  if (!obj) return notFound(`${r.resource} "${name}"`)
  if (r.sub === undefined) return json(200, obj)
  if (r.resource !== 'pods') return notFound(r.sub)
  return podSubresource(ctx, {...r, name: r.name, sub: r.sub}, name, u)
}

/** The answer to one authorized GET. */
export function restReply(ctx: SimContext, u: URL, host: string): RestAnswer {
  const disc = discovery(u.pathname, host)
  if (disc) return json(200, disc)
  const r = parseRoute(u.pathname)
  if (!r) return notFound(`the server could not find the requested resource (${u.pathname})`)
  if (ctx.faults?.forbidResources?.includes(r.resource)) return {code: 403, body: faultResponse('forbidden', r.resource).body}
  if (CRDS[r.resource]) return crdReply(ctx, r.resource, u)
  return coreReply(ctx, r, u)
}
