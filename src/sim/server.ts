import {createServer, type IncomingMessage, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'
import type {Duplex} from 'node:stream'
import {WebSocketServer, type WebSocket} from 'ws'
import {discovery} from './discovery.js'
import {runAgentCommand} from './exec-commands.js'
import {answerExec, pickProtocol, refuseUpgrade} from './exec-ws.js'
import {faultResponse, statusBody, type SimFaults} from './faults.js'
import {writeKubeconfig} from './kubeconfig.js'
import {buildWorld, CRDS, crdItems, type CrdCounts, type World} from './objects.js'
import {loadScenario, type K8sObject, type ScenarioAgent} from './scenario.js'
import {selectObjects} from './selectors.js'

/*
 * A simulated Kubernetes API server on 127.0.0.1 speaking the real protocol (REST + exec over
 * WebSocket) for the paths ciltune and kubectl use. It serves a scenario directory, can multiply
 * it to N agents, adds latency, injects per-agent faults, and records every request it receives.
 */

export interface SimOptions {
  scenarioDir: string
  nodes?: number // multiply the scenario's agents to this many
  latencyMs?: number // added to every request
  faults?: SimFaults
  crdCounts?: CrdCounts // serve CiliumEndpoints/Slices/Identities lists of these sizes (404 when unset: CRD absent)
  token?: string // bearer token the kubeconfig carries; a wrong one gets 401
}

export interface RecordedRequest {
  method: string
  path: string
  query: Record<string, string[]>
  upgrade: boolean
  command?: string[] // exec only
}

export interface SimCluster {
  url: string
  port: number
  namespace: string
  agents: Array<{pod: string, node: string}>
  requests: RecordedRequest[]
  /** requests held unanswered (timeout/stall faults) whose client has not gone away */
  heldOpen(): number
  writeKubeconfig(dir: string): string
  stop(): Promise<void>
}

const LIST_KIND: Record<string, [string, string]> = {
  pods: ['v1', 'Pod'], nodes: ['v1', 'Node'], configmaps: ['v1', 'ConfigMap'], secrets: ['v1', 'Secret'],
  namespaces: ['v1', 'Namespace'], daemonsets: ['apps/v1', 'DaemonSet'], deployments: ['apps/v1', 'Deployment'],
}
const CLUSTER_SCOPED = new Set(['nodes', 'namespaces', 'ciliumidentities', 'ciliumendpointslices'])

interface Route {resource: string, namespace?: string, name?: string, sub?: string}

export function parseRoute(path: string): Route | undefined {
  const core = /^\/api\/v1(?:\/namespaces\/([^/]+))?\/([a-z]+)(?:\/([^/]+))?(?:\/(.+))?$/.exec(path)
  if (core) return {namespace: core[1], resource: core[2], name: core[3], sub: core[4]}
  const grp = /^\/apis\/[^/]+\/[^/]+(?:\/namespaces\/([^/]+))?\/([a-z]+)(?:\/([^/]+))?(?:\/(.+))?$/.exec(path)
  if (grp) return {namespace: grp[1], resource: grp[2], name: grp[3], sub: grp[4]}
  return undefined
}

function queryOf(u: URL): Record<string, string[]> {
  const q: Record<string, string[]> = {}
  for (const k of new Set(u.searchParams.keys())) q[k] = u.searchParams.getAll(k)
  return q
}

interface Reply {code: number, body: string, type?: string}

const json = (code: number, o: unknown): Reply => ({code, body: JSON.stringify(o)})
const notFound = (what: string): Reply => ({code: 404, body: statusBody(404, 'NotFound', `${what} not found`)})

function listReply(resource: string, items: K8sObject[], u: URL, gvKind: [string, string], repeatContinue = false): Reply {
  const limit = Number(u.searchParams.get('limit') ?? 0)
  const from = Number(Buffer.from(u.searchParams.get('continue') ?? '', 'base64').toString() || 0)
  const page = limit > 0 ? items.slice(from, from + limit) : items.slice(from)
  const next = from + page.length
  const metadata: Record<string, unknown> = {resourceVersion: '1'}
  if (next < items.length) {
    metadata.continue = Buffer.from(String(next)).toString('base64')
    metadata.remainingItemCount = items.length - next
  }
  void resource
  if (repeatContinue) metadata.continue = 'c3R1Y2s='
  return json(200, {kind: `${gvKind[1]}List`, apiVersion: gvKind[0], metadata, items: page})
}

export async function startSimCluster(opts: SimOptions): Promise<SimCluster> {
  const world: World = buildWorld(loadScenario(opts.scenarioDir), opts.nodes, opts.crdCounts)
  const agentsByPod = new Map<string, ScenarioAgent>(world.agents.map((a) => [a.pod, a]))
  const requests: RecordedRequest[] = []
  const held = new Set<Duplex | ServerResponse>()
  const sockets = new Set<WebSocket>()
  const latency = opts.latencyMs ?? 0
  const agentFault = (pod?: string) => (pod ? opts.faults?.agents?.[pod] : undefined)

  function authorized(req: IncomingMessage): boolean {
    const h = req.headers.authorization
    return h === undefined || opts.token === undefined || h === `Bearer ${opts.token}` // kubectl sends nothing over http
  }

  function rest(u: URL, host: string): Reply | 'hold' | 'drop' {
    const disc = discovery(u.pathname, host)
    if (disc) return json(200, disc)
    const r = parseRoute(u.pathname)
    if (!r) return notFound(`the server could not find the requested resource (${u.pathname})`)
    if (opts.faults?.forbidResources?.includes(r.resource)) return {code: 403, body: faultResponse('forbidden', r.resource).body}
    const crd = CRDS[r.resource]
    if (crd) {
      const total = world.crdCounts?.[crd.count]
      if (total === undefined) return notFound(`the server could not find the requested resource (get ${r.resource}.cilium.io)`)
      const limit = Number(u.searchParams.get('limit') ?? 0) || total
      const from = Number(Buffer.from(u.searchParams.get('continue') ?? '', 'base64').toString() || 0)
      const items = crdItems(r.resource, total, from, limit, world.namespace)
      const next = from + items.length
      const metadata: Record<string, unknown> = {resourceVersion: '1'}
      if (next < total) Object.assign(metadata, {continue: Buffer.from(String(next)).toString('base64'), remainingItemCount: total - next})
      return json(200, {kind: `${crd.kind}List`, apiVersion: crd.gv, metadata, items})
    }
    const gvKind = LIST_KIND[r.resource]
    if (!gvKind) return notFound(`the server could not find the requested resource (${r.resource})`)
    const all = world.objects.get(r.resource) ?? []
    const inNs = CLUSTER_SCOPED.has(r.resource) || r.namespace === undefined ? all : all.filter((o) => o.metadata?.namespace === r.namespace)
    if (r.name === undefined) return listReply(r.resource, selectObjects(inNs, u.searchParams.get('labelSelector'), u.searchParams.get('fieldSelector')), u, gvKind, opts.faults?.repeatContinue?.includes(r.resource))
    const podName = r.resource === 'pods' ? r.name.replace(/:\d+$/, '') : r.name
    const obj = inNs.find((o) => o.metadata?.name === podName)
    if (!obj) return notFound(`${r.resource} "${podName}"`)
    if (r.sub === undefined) return json(200, obj)
    if (r.resource !== 'pods') return notFound(r.sub)
    const faultAny = agentFault(podName)
    const fault = faultAny === 'forbidden-exec' ? undefined : faultAny // logs and proxy still answer
    if (fault === 'timeout' || fault === 'stall') return 'hold'
    if (fault === 'drop') return 'drop'
    if (fault) return faultResponse(fault, `pods "${podName}" ${r.sub}`)
    const agent = agentsByPod.get(podName)
    if (r.sub === 'log') {
      const previous = u.searchParams.get('previous') === 'true'
      const log = previous ? agent?.files.previousLog : agent?.files.log
      if (previous && log === undefined) return {code: 400, body: statusBody(400, 'BadRequest', `previous terminated container "cilium-agent" in pod "${podName}" not found`)}
      if (log === undefined) return {code: 200, body: '', type: 'text/plain'}
      const tail = Number(u.searchParams.get('tailLines') ?? 0)
      const lines = log.split('\n')
      if (lines[lines.length - 1] === '') lines.pop()
      return {code: 200, body: (tail > 0 ? lines.slice(-tail) : lines).join('\n') + '\n', type: 'text/plain'}
    }
    if (r.sub === 'proxy/metrics' && /:9962$/.test(r.name)) {
      const prom = agent?.files.metricsProm
      return prom === undefined ? {code: 503, body: statusBody(503, 'ServiceUnavailable', 'error trying to reach service: connection refused')} : {code: 200, body: prom, type: 'text/plain; version=0.0.4'}
    }
    if (r.sub === 'exec') return {code: 400, body: statusBody(400, 'BadRequest', 'Upgrade request required')}
    return notFound(r.sub)
  }

  const server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://sim')
    requests.push({method: req.method ?? 'GET', path: u.pathname, query: queryOf(u), upgrade: false})
    setTimeout(() => {
      if (!authorized(req)) return void res.writeHead(401, {'Content-Type': 'application/json'}).end(statusBody(401, 'Unauthorized', 'Unauthorized'))
      if (req.method !== 'GET') return void res.writeHead(405, {'Content-Type': 'application/json'}).end(statusBody(405, 'MethodNotAllowed', `the simulator is read-only: ${req.method} is not served`))
      const reply = rest(u, String(req.headers.host ?? ''))
      if (reply === 'hold') {
        held.add(res)
        return void res.on('close', () => held.delete(res))
      }
      if (reply === 'drop') return void req.socket.destroy()
      res.writeHead(reply.code, {'Content-Type': reply.type ?? 'application/json'}).end(reply.body)
    }, latency)
  })

  const wss = new WebSocketServer({noServer: true, handleProtocols: (protocols) => {
    for (const p of ['v5.channel.k8s.io', 'v4.channel.k8s.io']) if (protocols.has(p)) return p
    return false
  }})
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const u = new URL(req.url ?? '/', 'http://sim')
    const command = u.searchParams.getAll('command')
    requests.push({method: req.method ?? 'GET', path: u.pathname, query: queryOf(u), upgrade: true, command})
    socket.on('error', () => undefined)
    setTimeout(() => {
      const r = parseRoute(u.pathname)
      if (!authorized(req)) return refuseUpgrade(socket, 401, 'Unauthorized', statusBody(401, 'Unauthorized', 'Unauthorized'))
      if (!r || r.resource !== 'pods' || r.sub !== 'exec' || r.name === undefined) return refuseUpgrade(socket, 404, 'Not Found', statusBody(404, 'NotFound', 'not found'))
      const agent = agentsByPod.get(r.name)
      const pod = (world.objects.get('pods') ?? []).find((p) => p.metadata?.name === r.name && p.metadata?.namespace === r.namespace)
      if (!pod) return refuseUpgrade(socket, 404, 'Not Found', statusBody(404, 'NotFound', `pods "${r.name}" not found`))
      const fault = agentFault(r.name)
      if (fault === 'drop') return void socket.destroy()
      if (fault === 'stall') {
        held.add(socket)
        // http sockets are half-open: the client's FIN shows as 'end', which we answer by closing
        socket.on('end', () => socket.destroy())
        socket.on('close', () => held.delete(socket))
        return void socket.resume()
      }
      if (fault === 'forbidden' || fault === 'forbidden-exec' || fault === 'error500') {
        const f = faultResponse(fault === 'error500' ? fault : 'forbidden', `pods "${r.name}" exec`)
        return refuseUpgrade(socket, f.code, fault === 'error500' ? 'Internal Server Error' : 'Forbidden', f.body)
      }
      if (!pickProtocol(req)) return refuseUpgrade(socket, 400, 'Bad Request', statusBody(400, 'BadRequest', 'no supported stream protocol (want v5.channel.k8s.io or v4.channel.k8s.io)'))
      const container = u.searchParams.get('container')
      const result = fault === 'timeout' ? 'hold' as const
        : !agent || (container !== null && container !== 'cilium-agent')
          ? {stdout: '', stderr: '', exitCode: 1, internalError: `container ${container ?? ''} is not valid for pod ${r.name}`}
          : runAgentCommand(agent, command)
      answerExec(wss, req, socket, head, result, command, (ws) => {
        sockets.add(ws)
        ws.on('close', () => sockets.delete(ws))
      })
    }, latency)
  })

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  const url = `http://127.0.0.1:${port}`
  return {
    url,
    port,
    namespace: world.namespace,
    agents: world.agents.map((a) => ({pod: a.pod, node: a.node})),
    requests,
    heldOpen: () => held.size,
    writeKubeconfig: (dir: string) => writeKubeconfig(dir, url, opts.token),
    stop: async () => {
      for (const ws of sockets) ws.terminate()
      for (const h of held) if ('destroy' in h) h.destroy()
      wss.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
