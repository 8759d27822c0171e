import {createServer, type IncomingMessage, type RequestListener, type ServerResponse} from 'node:http'
import {createServer as createTlsServer} from 'node:https'
import type {AddressInfo, Socket} from 'node:net'
import type {Duplex} from 'node:stream'
import {WebSocketServer} from 'ws'
import {authorized, indexWorld, queryOf, type RecordedRequest, type SimContext} from './context.js'
import {statusBody, type SimFaults} from './faults.js'
import {SAMPLE_LINE, streamWithoutEnd, throttler, tooManyRequests} from './hostile.js'
import {readServing} from './in-cluster.js'
import {writeKubeconfig} from './kubeconfig.js'
import {buildWorld, type CrdCounts, type World} from './objects.js'
import {restReply} from './rest.js'
import {loadScenario} from './scenario.js'
import {applyVariation, SimShape, type ShapeOptions} from './shape.js'
import {simCert} from './tls.js'
import {handleUpgrade} from './upgrade.js'

/*
 * A simulated Kubernetes API server on 127.0.0.1 speaking the real protocol (REST + exec over
 * WebSocket) for the paths ciltune and kubectl use. It serves a scenario directory, can multiply
 * it to N agents (each printing what an agent of an N-node cluster prints), adds latency, injects per-agent faults, and records every request it receives.
 */

export interface SimOptions {
  scenarioDir: string
  nodes?: number // multiply the scenario's agents to this many
  latencyMs?: number // added to every request
  faults?: SimFaults
  crdCounts?: CrdCounts // serve CiliumEndpoints/Slices/Identities lists of these sizes (404 when unset: CRD absent)
  token?: string // bearer token the kubeconfig carries; a wrong one gets 401
  serviceAccountDir?: string // in-cluster mode (in-cluster.ts): https with tls.crt/tls.key from here, only its token answered
  /** service count, unreachable nodes, per-agent variation (shape.ts); a multiplied cluster is always shaped */
  shape?: ShapeOptions
  tls?: boolean // serve https with a CA of its own (tls.ts), which the kubeconfig carries
}

export type {RecordedRequest} from './context.js'

export interface SimCluster {
  url: string
  port: number
  namespace: string
  agents: Array<{pod: string, node: string}>
  requests: RecordedRequest[]
  /** requests held unanswered (timeout/stall faults) whose client has not gone away */
  heldOpen(): number
  /** bytes written to clients so far, headers and WebSocket frames included */
  bytesSent(): number
  writeKubeconfig(dir: string): string
  stop(): Promise<void>
}

export {parseRoute} from './rest.js'

function answer(ctx: SimContext, req: IncomingMessage, res: ServerResponse, u: URL): void {
  if (!authorized(ctx, req.headers.authorization)) return void res.writeHead(401, {'Content-Type': 'application/json'}).end(statusBody(401, 'Unauthorized', 'Unauthorized'))
  if (req.method !== 'GET') return void res.writeHead(405, {'Content-Type': 'application/json'}).end(statusBody(405, 'MethodNotAllowed', `the simulator is read-only: ${req.method} is not served`))
  if (ctx.faults?.throttle && ctx.throttled(u.pathname)) return tooManyRequests(res, ctx.faults.throttle)
  const stream = ctx.faults?.streams?.find((x) => u.pathname.includes(x.pathIncludes))?.kind
  const reply = stream ?? restReply(ctx, u, String(req.headers.host ?? ''))
  if (reply === 'endless' || reply === 'trickle') return streamWithoutEnd(res, reply, SAMPLE_LINE, 'text/plain', ctx.held)
  if (reply === 'hold') {
    ctx.held.add(res)
    return void res.on('close', () => ctx.held.delete(res))
  }
  if (reply === 'drop') return void req.socket.destroy()
  res.writeHead(reply.code, {'Content-Type': reply.type ?? 'application/json'}).end(reply.body)
}

function shaped(opts: SimOptions, world: World): SimShape | undefined {
  if (opts.nodes === undefined && opts.shape === undefined) return undefined // the scenario as written
  const shape = new SimShape(world.agents, opts.shape ?? {})
  applyVariation(world, shape)
  return shape
}

export async function startSimCluster(opts: SimOptions): Promise<SimCluster> {
  const world: World = buildWorld(loadScenario(opts.scenarioDir), opts.nodes, opts.crdCounts)
  const shape = shaped(opts, world)
  const serving = opts.serviceAccountDir ? readServing(opts.serviceAccountDir) : undefined
  const ctx: SimContext = {
    world, shape, ...indexWorld(world), faults: opts.faults, token: serving?.token ?? opts.token, tokenRequired: Boolean(serving),
    requests: [], held: new Set(), sockets: new Set(), throttled: throttler(opts.faults?.throttle),
  }
  const latency = opts.latencyMs ?? 0

  const handler: RequestListener = (req, res) => {
    const u = new URL(req.url ?? '/', 'http://sim')
    ctx.requests.push({method: req.method ?? 'GET', path: u.pathname, query: queryOf(u), upgrade: false})
    setTimeout(() => answer(ctx, req, res, u), latency)
  }
  // https with the service-account directory's certificate (in-cluster mode) or a CA of the simulator's own (tls)
  const keys = serving ?? (opts.tls ? simCert() : undefined)
  const server = keys ? createTlsServer({key: keys.key, cert: keys.cert}, handler) : createServer(handler)

  const wss = new WebSocketServer({noServer: true, handleProtocols: (protocols) => {
    for (const p of ['v5.channel.k8s.io', 'v4.channel.k8s.io']) if (protocols.has(p)) return p
    return false
  }})
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const u = new URL(req.url ?? '/', 'http://sim')
    ctx.requests.push({method: req.method ?? 'GET', path: u.pathname, query: queryOf(u), upgrade: true, command: u.searchParams.getAll('command')})
    socket.on('error', () => undefined)
    setTimeout(() => handleUpgrade(ctx, wss, req, socket, head, u), latency)
  })

  let closedBytes = 0
  const open = new Set<Socket>()
  server.on('connection', (s: Socket) => {
    open.add(s)
    s.on('close', () => {
      closedBytes += s.bytesWritten
      open.delete(s)
    })
  })

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  const url = `${keys ? 'https' : 'http'}://127.0.0.1:${port}`
  return {
    url,
    port,
    namespace: world.namespace,
    agents: world.agents.map((a) => ({pod: a.pod, node: a.node})),
    requests: ctx.requests,
    heldOpen: () => ctx.held.size,
    bytesSent: () => [...open].reduce((n, s) => n + s.bytesWritten, closedBytes),
    writeKubeconfig: (dir: string) => writeKubeconfig(dir, url, opts.token, opts.tls ? simCert().ca : undefined),
    stop: async () => {
      for (const ws of ctx.sockets) ws.terminate()
      for (const h of ctx.held) if ('destroy' in h) h.destroy()
      wss.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
