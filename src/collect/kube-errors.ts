import type {CollectionError} from '../snapshot/schema.js'

/** A request that failed, classified the way findings report it; `transient` ones are retried (fanout.ts). */
export class KubeFailure extends Error {
  /** the server's Retry-After, in ms, when it sent one (429, 503) */
  retryAfterMs?: number

  constructor(readonly kind: CollectionError['kind'], message: string, readonly transient = false, readonly httpStatus?: number) {
    super(message)
    this.name = 'KubeFailure'
  }
}

const NETWORK = /ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|socket hang up|closed before the connection|Opening handshake has timed out/i

/** An HTTP status from the API server (REST or a refused exec upgrade) as a failure. */
export function httpFailure(status: number, body: string, what: string, retryAfter?: string): KubeFailure {
  const f = classifyStatus(status, body, what)
  const seconds = retryAfterSeconds(retryAfter)
  if (seconds !== undefined) f.retryAfterMs = seconds * 1000
  return f
}

/** Retry-After as seconds (delta-seconds or an HTTP date); undefined when absent or unreadable. */
export function retryAfterSeconds(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined
  const v = value.trim()
  if (/^\d{1,6}$/.test(v)) return Number(v)
  const at = Date.parse(v)
  return Number.isFinite(at) ? Math.max(0, Math.ceil((at - now) / 1000)) : undefined
}

function classifyStatus(status: number, body: string, what: string): KubeFailure {
  let message = body.trim().slice(0, 300)
  try {
    const s = JSON.parse(body) as {message?: string}
    if (s.message) message = s.message
  } catch { /* not a Status object */ }
  const text = `${what}: HTTP ${status}${message ? `: ${message}` : ''}`
  if (status === 401 || status === 403) return new KubeFailure('forbidden', text, false, status)
  if (status === 404) return new KubeFailure('missing', text, false, status)
  if (status === 429 || status >= 500) return new KubeFailure('failed', text, true, status)
  return new KubeFailure('failed', text, false, status)
}

export function asKubeFailure(error: unknown, what: string): KubeFailure {
  if (error instanceof KubeFailure) return error
  // the WebSocket client rejects with an ErrorEvent that wraps the Error
  const inner = (error as {error?: unknown} | undefined)?.error
  if (inner instanceof Error) return asKubeFailure(inner, what)
  const m = (error as {message?: unknown} | undefined)?.message
  const msg = typeof m === 'string' ? m : String(error)
  const upgrade = /Unexpected server response: (\d{3})/.exec(msg)
  if (upgrade) return httpFailure(Number(upgrade[1]), '', what)
  const code = (error as {code?: string} | undefined)?.code ?? ''
  if (NETWORK.test(msg) || NETWORK.test(code)) return new KubeFailure('unreachable', `${what}: ${msg.split('\n')[0]}`, true)
  return new KubeFailure('failed', `${what}: ${msg.split('\n')[0]}`)
}
