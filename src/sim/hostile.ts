import type {ServerResponse} from 'node:http'
import type {Duplex} from 'node:stream'
import type {WebSocket} from 'ws'

/*
 * Misbehaviour of an API server under stress or behind a broken proxy, as clients meet it:
 * - throttling: 429 with Retry-After, as the max-in-flight and Priority-and-Fairness filters answer
 *   (kubernetes staging/src/k8s.io/apiserver/pkg/server/filters/maxinflight.go, tooManyRequests:
 *   header `Retry-After`, plain-text body "Too many requests, please try again later.");
 * - a body that never ends: a log or proxied metrics endpoint streaming without end ('endless'), or a
 *   byte at a time so an idle timeout never fires ('trickle'); the exec stream does the same on stdout.
 */

export interface Throttle {
  /** the Retry-After the server sends, in seconds */
  retryAfterSeconds: number
  /** only request paths containing this (default: every request) */
  pathIncludes?: string
  /** how many requests per path are refused before one is served (default: all of them, a storm) */
  times?: number
}

export type StreamFault = 'endless' | 'trickle'

/** What an endless log, metrics body or exec stdout repeats: an agent's log line. */
export const SAMPLE_LINE = 'level=info msg="Processing queued endpoint deletion requests" subsys=daemon\n'

export function throttler(t: Throttle | undefined): (path: string) => boolean {
  const seen = new Map<string, number>()
  return (path) => {
    if (!t || (t.pathIncludes !== undefined && !path.includes(t.pathIncludes))) return false
    const n = (seen.get(path) ?? 0) + 1
    seen.set(path, n)
    return t.times === undefined || n <= t.times
  }
}

export function tooManyRequests(res: ServerResponse, t: Throttle): void {
  res.writeHead(429, {'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Retry-After': String(t.retryAfterSeconds)})
  res.end('Too many requests, please try again later.\n')
}

const CHUNK_EVERY_MS = {endless: 1, trickle: 200}

/** An answer of 200 whose body never ends; `line` repeats (the whole line, or one byte of it for a trickle). */
export function streamWithoutEnd(res: ServerResponse, kind: StreamFault, line: string, type: string, held: Set<ServerResponse | Duplex>): void {
  res.writeHead(200, {'Content-Type': type})
  held.add(res)
  const block = Buffer.from(line.repeat(Math.max(1, Math.floor(65_536 / Math.max(1, line.length)))))
  let i = 0
  const timer = setInterval(() => {
    if (kind === 'trickle') res.write(Buffer.from([block[i++ % block.length]]))
    else res.write(block)
  }, CHUNK_EVERY_MS[kind])
  res.on('close', () => {
    clearInterval(timer)
    held.delete(res)
  })
}

/** The exec stream's stdout (channel 1) without end: the status frame never comes. */
export function execWithoutEnd(ws: WebSocket, kind: StreamFault, line: string): void {
  const block = Buffer.concat([Buffer.from([1]), Buffer.from(kind === 'trickle' ? line.slice(0, 1) : line.repeat(Math.max(1, Math.floor(65_536 / Math.max(1, line.length)))))])
  const timer = setInterval(() => {
    if (ws.readyState === ws.OPEN) ws.send(block)
  }, CHUNK_EVERY_MS[kind])
  ws.on('close', () => clearInterval(timer))
}

/** A refused exec upgrade, the same 429 on the raw socket. */
export function tooManyRequestsUpgrade(socket: Duplex, t: Throttle): void {
  const body = 'Too many requests, please try again later.\n'
  socket.end(`HTTP/1.1 429 Too Many Requests\r\nContent-Type: text/plain; charset=utf-8\r\nRetry-After: ${t.retryAfterSeconds}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`)
}
