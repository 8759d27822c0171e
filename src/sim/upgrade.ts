import type {IncomingMessage} from 'node:http'
import type {Duplex} from 'node:stream'
import type {WebSocketServer} from 'ws'
import {agentOf, authorized, type SimContext} from './context.js'
import {runAgentCommand, type AgentTexts, type ExecResult} from './exec-commands.js'
import {answerExec, pickProtocol, refuseUpgrade} from './exec-ws.js'
import {faultResponse, statusBody} from './faults.js'
import {execWithoutEnd, SAMPLE_LINE, tooManyRequestsUpgrade} from './hostile.js'
import {parseRoute} from './rest.js'

/*
 * The exec side: an upgrade request is checked (auth, route, pod, the pod's fault, stream protocol),
 * then the command runs against the agent's texts and its output goes back over the WebSocket.
 */

type ExecRoute = {namespace?: string, name: string}

/** Why the upgrade is refused before any stream opens, or undefined to go on. */
function refusal(ctx: SimContext, req: IncomingMessage, u: URL): {code: number, text: string, body: string} | ExecRoute {
  const r = parseRoute(u.pathname)
  if (!authorized(ctx, req.headers.authorization)) return {code: 401, text: 'Unauthorized', body: statusBody(401, 'Unauthorized', 'Unauthorized')}
  if (!r || r.resource !== 'pods' || r.sub !== 'exec' || r.name === undefined) return {code: 404, text: 'Not Found', body: statusBody(404, 'NotFound', 'not found')}
  if (!ctx.podsByName.has(`${r.namespace}/${r.name}`)) return {code: 404, text: 'Not Found', body: statusBody(404, 'NotFound', `pods "${r.name}" not found`)}
  return {namespace: r.namespace, name: r.name}
}

/** The pod's fault on exec: handled here (dropped, held, refused) or left to the stream ('timeout'). */
function faultHandled(ctx: SimContext, socket: Duplex, pod: string): boolean {
  const fault = ctx.faults?.agents?.[pod]
  if (fault === 'drop') {
    socket.destroy()
    return true
  }
  if (fault === 'stall') {
    ctx.held.add(socket)
    // http sockets are half-open: the client's FIN shows as 'end', which we answer by closing
    socket.on('end', () => socket.destroy())
    socket.on('close', () => ctx.held.delete(socket))
    socket.resume()
    return true
  }
  if (fault === 'forbidden' || fault === 'forbidden-exec' || fault === 'error500') {
    const f = faultResponse(fault === 'error500' ? fault : 'forbidden', `pods "${pod}" exec`)
    refuseUpgrade(socket, f.code, fault === 'error500' ? 'Internal Server Error' : 'Forbidden', f.body)
    return true
  }
  return false
}

/** What the agent's texts are for the exec'd flags: shaped for an N-node cluster when the simulator shapes them. */
function textsOf(ctx: SimContext, index: number): AgentTexts | undefined {
  const shape = ctx.shape
  if (!shape) return undefined
  return {status: (verbose) => shape.statusBytes(index, verbose), serviceList: () => shape.serviceListBytes(index)}
}

function execResult(ctx: SimContext, pod: string, container: string | null, command: string[]): ExecResult | 'hold' {
  const fault = ctx.faults?.agents?.[pod]
  if (fault === 'timeout' || fault === 'endless' || fault === 'trickle') return 'hold'
  const found = agentOf(ctx, pod)
  if (!found || (container !== null && container !== 'cilium-agent')) {
    return {stdout: '', stderr: '', exitCode: 1, internalError: `container ${container ?? ''} is not valid for pod ${pod}`}
  }
  return runAgentCommand(found.agent, command, textsOf(ctx, found.index))
}

export function handleUpgrade(ctx: SimContext, wss: WebSocketServer, req: IncomingMessage, socket: Duplex, head: Buffer, u: URL): void {
  const command = u.searchParams.getAll('command')
  const route = refusal(ctx, req, u)
  if ('code' in route) return refuseUpgrade(socket, route.code, route.text, route.body)
  if (ctx.faults?.throttle && ctx.throttled(u.pathname)) return tooManyRequestsUpgrade(socket, ctx.faults.throttle)
  if (faultHandled(ctx, socket, route.name)) return
  if (!pickProtocol(req)) return refuseUpgrade(socket, 400, 'Bad Request', statusBody(400, 'BadRequest', 'no supported stream protocol (want v5.channel.k8s.io or v4.channel.k8s.io)'))
  const result = execResult(ctx, route.name, u.searchParams.get('container'), command)
  answerExec(wss, req, socket, head, result, command, (ws) => {
    ctx.sockets.add(ws)
    ws.on('close', () => ctx.sockets.delete(ws))
    const fault = ctx.faults?.agents?.[route.name]
    if (fault === 'endless' || fault === 'trickle') execWithoutEnd(ws, fault, SAMPLE_LINE)
  })
}
