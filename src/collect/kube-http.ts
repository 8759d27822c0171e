import {request as httpRequest, type Agent, type IncomingMessage} from 'node:http'
import {request as httpsRequest} from 'node:https'
import {CappedBytes, ERROR_BODY_CAP, mib} from './caps.js'
import {asKubeFailure, httpFailure, KubeFailure} from './kube-errors.js'

/*
 * One GET to the API server, bounded in bytes and in wall-clock time. Node's socket timeout only fires
 * when the connection is idle, so a server that trickles a byte a second would hold it forever: the
 * timer here runs from the start of the request to the last byte.
 */

export interface Captured {text: string, truncated: boolean}

export interface HttpTarget {
  server: string
  /** the run's kept-alive pool (kube-client.ts); a request cut short destroys its own socket only */
  agent?: Agent
  headers?: Record<string, string>
  auth?: string
}

/** How a body larger than the cap is treated: JSON is refused whole, text keeps its head. */
export type CapMode = 'refuse' | 'head'

type Done = (error: unknown, value?: Captured) => void

export function capturedGet(t: HttpTarget, path: string, timeoutMs: number, cap: number, mode: CapMode): Promise<Captured> {
  const url = new URL(t.server + path)
  const what = `GET ${url.pathname}`
  return new Promise((resolve, reject) => {
    let settled = false
    const done: Done = (error, value) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      if (value) resolve(value)
      else reject(asKubeFailure(error, what))
    }
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, {
      method: 'GET', agent: t.agent, auth: t.auth,
      headers: {...t.headers, 'Accept': 'application/json, */*', 'User-Agent': 'ciltune'},
    }, (res) => onResponse(res, what, cap, mode, done, () => req.destroy()))
    const timer = setTimeout(() => {
      done(new KubeFailure('timeout', `${what}: not complete within ${Math.round(timeoutMs / 1000)}s (the --timeout for one request)`))
      req.destroy()
    }, timeoutMs)
    req.on('error', (e) => done(e))
    req.end()
  })
}

function onResponse(res: IncomingMessage, what: string, cap: number, mode: CapMode, done: Done, abort: () => void): void {
  const status = res.statusCode ?? 0
  const ok = status >= 200 && status < 300
  const body = new CappedBytes(ok ? cap : ERROR_BODY_CAP)
  res.on('data', (c: Buffer) => {
    if (body.push(c)) return
    // an error answer that does not end is judged by its head
    if (!ok) done(httpFailure(status, body.text(), what, header(res, 'retry-after')))
    else if (mode === 'refuse') done(new KubeFailure('truncated', `${what}: the answer is larger than ${mib(cap)} (the cap for one response); not read`))
    else done(undefined, {text: body.text(), truncated: true})
    abort()
  })
  res.on('error', (e) => done(e))
  res.on('end', () => {
    if (ok) done(undefined, {text: body.text(), truncated: false})
    else done(httpFailure(status, body.text(), what, header(res, 'retry-after')))
  })
}

function header(res: IncomingMessage, name: string): string | undefined {
  const v = res.headers[name]
  return Array.isArray(v) ? v[0] : v
}
