import type {IncomingMessage} from 'node:http'
import type {Duplex} from 'node:stream'
import type {WebSocket, WebSocketServer} from 'ws'
import type {ExecResult} from './exec-commands.js'

/*
 * The exec stream protocol (toolchain.md §3): binary frames whose first byte is the channel
 * (1 stdout, 2 stderr, 3 status); the server sends the status frame once, then closes (1000).
 * kubectl offers only v5.channel.k8s.io; client-node offers v5…v1. We speak v5 and v4.
 */

const PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io']

export function pickProtocol(req: IncomingMessage): string | undefined {
  const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim())
  return PROTOCOLS.find((p) => offered.includes(p))
}

export function statusFrame(r: ExecResult, argv: string[]): Record<string, unknown> {
  if (r.internalError !== undefined) {
    return {metadata: {}, status: 'Failure', message: r.internalError, reason: 'InternalError', details: {causes: [{message: r.internalError}]}, code: 500}
  }
  if (r.exitCode === 0) return {metadata: {}, status: 'Success'}
  return {
    metadata: {}, status: 'Failure', reason: 'NonZeroExitCode',
    message: `command terminated with non-zero exit code: error executing command [${argv.join(' ')}], exit code ${r.exitCode}`,
    details: {causes: [{reason: 'ExitCode', message: String(r.exitCode)}]},
  }
}

function frame(channel: number, payload: string | Buffer): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload
  return Buffer.concat([Buffer.from([channel]), body])
}

/*
 * The API server relays a command's output as client-go's remotecommand copies it (io.Copy, 32 KiB
 * reads), and every write is one WebSocket message on the channel: a large output arrives in pieces.
 */
const WRITE_SIZE = 32 * 1024

function sendStream(ws: WebSocket, channel: number, payload: string | Buffer): void {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload
  for (let at = 0; at < body.length; at += WRITE_SIZE) ws.send(frame(channel, body.subarray(at, at + WRITE_SIZE)))
}

/** Complete the upgrade and answer: stdout, stderr, status, close. `hold` leaves the stream open and silent. */
export function answerExec(wss: WebSocketServer, req: IncomingMessage, socket: Duplex, head: Buffer,
  result: ExecResult | 'hold', argv: string[], onOpen: (ws: WebSocket) => void): void {
  wss.handleUpgrade(req, socket, head, (ws) => {
    onOpen(ws)
    if (result === 'hold') return
    if (result.stdout.length > 0) sendStream(ws, 1, result.stdout)
    if (result.stderr) sendStream(ws, 2, result.stderr)
    ws.send(frame(3, JSON.stringify(statusFrame(result, argv))))
    ws.close(1000)
  })
}

export function refuseUpgrade(socket: Duplex, code: number, text: string, body: string): void {
  socket.end(`HTTP/1.1 ${code} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`)
}
