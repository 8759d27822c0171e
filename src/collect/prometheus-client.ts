import {readFile} from 'node:fs/promises'
import http from 'node:http'
import https from 'node:https'
import type {CollectionError} from '../snapshot/schema.js'
import type {PrometheusOptions} from './types.js'

/*
 * A thin layer over prometheus-query: auth and TLS options, and every failure turned into one
 * classified line (never a throw). The driver is imported lazily: it pulls in axios, which costs
 * start-up time for commands that never talk to Prometheus.
 */

/** One series of an answer: its labels (without __name__) and its points, oldest first. */
export interface Series {
  name?: string // __name__, when the query keeps it
  labels: Record<string, string>
  points: Array<{t: number, v: number}> // t in ms since epoch; non-finite values dropped
}

export class QueryFailure extends Error {
  /** fatal: every other query would fail the same way (network, TLS, auth, not a Prometheus), so stop asking */
  constructor(readonly kind: CollectionError['kind'], message: string, readonly fatal = true) {
    super(message)
  }
}

export interface PromClient {
  /** metric names stored between the two instants (the label-values API: reads the index only) */
  metricNames(startMs: number, endMs: number): Promise<string[]>
  instant(query: string, timeMs: number): Promise<Series[]>
  range(query: string, startMs: number, endMs: number, stepSeconds: number): Promise<Series[]>
  /** drop the kept-alive connections, so a CLI run can exit at once */
  close(): void
}

/** What the axios interceptors throw, so the driver passes it through untouched as `original`. */
interface Marker {
  ciltune: 'http' | 'malformed' | 'network'
  httpStatus?: number
  statusText?: string
  promError?: string
  promErrorType?: string
  code?: string
  message: string
}

function snippet(body: unknown): string {
  const s = typeof body === 'string' ? body : JSON.stringify(body) ?? String(body)
  const one = s.replace(/\s+/g, ' ').trim()
  return one.length > 60 ? `${one.slice(0, 60)}…` : one
}

function looksLikeApiAnswer(data: unknown): boolean {
  if (!data || typeof data !== 'object') return false
  const d = data as {status?: unknown, data?: {resultType?: unknown, result?: unknown}}
  if (d.status === 'error') return true
  if (d.status !== 'success' || !d.data || typeof d.data !== 'object') return false
  if (Array.isArray(d.data)) return d.data.every((x) => typeof x === 'string') // label values
  const {resultType, result} = d.data
  if (resultType === 'vector' || resultType === 'matrix') {
    return Array.isArray(result) && result.every((r) => r && typeof r === 'object' && typeof (r as {metric?: unknown}).metric === 'object')
  }
  return resultType === 'scalar' || resultType === 'string'
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/

export async function createClient(opts: PrometheusOptions, concurrency = 4): Promise<PromClient> {
  const {PrometheusDriver} = await import('prometheus-query')
  const url = new URL(opts.url) // the caller has checked the URL
  const headers: Record<string, string> = {}
  if (opts.bearerTokenFile) {
    let token: string
    try {
      token = (await readFile(opts.bearerTokenFile, 'utf8')).trim()
    } catch (error) {
      throw new QueryFailure('failed', `cannot read --prometheus-bearer-token-file ${opts.bearerTokenFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
    }
    if (!token) throw new QueryFailure('failed', `--prometheus-bearer-token-file ${opts.bearerTokenFile} is empty`)
    headers.Authorization = `Bearer ${token}`
  }
  let ca: Buffer | undefined
  if (opts.caFile) {
    try {
      ca = await readFile(opts.caFile)
    } catch (error) {
      throw new QueryFailure('failed', `cannot read --prometheus-ca-file ${opts.caFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
    }
  }
  const httpAgent = new http.Agent({keepAlive: true, maxSockets: concurrency})
  const httpsAgent = new https.Agent({keepAlive: true, maxSockets: concurrency, ca, rejectUnauthorized: !opts.insecureSkipTlsVerify})
  const timeoutS = Math.max(1, Math.ceil(opts.timeoutMs / 1000))
  // the path of --prometheus-url is kept: an API-server service proxy URL ends in .../proxy
  const endpoint = opts.url.replace(/\/+$/, '')
  const driver = new PrometheusDriver({
    endpoint,
    baseURL: '/api/v1/',
    headers,
    auth: opts.username ? {username: opts.username, password: opts.password ?? ''} : undefined,
    timeout: opts.timeoutMs,
    requestInterceptor: {
      onFulfilled(config) {
        config.httpAgent = httpAgent
        config.httpsAgent = httpsAgent
        // $HTTP_PROXY applies to remote Prometheus servers, never to a port-forward on this host
        if (LOOPBACK.test(url.hostname)) config.proxy = false
        // keep the body as text so a non-JSON answer can be quoted instead of half-parsed
        config.responseType = 'text'
        config.transformResponse = [(body: unknown) => {
          if (typeof body !== 'string') return body
          try {
            return JSON.parse(body)
          } catch {
            return body
          }
        }]
        return config
      },
    },
    responseInterceptor: {
      onFulfilled(res) {
        if (!looksLikeApiAnswer(res.data)) {
          // a marker object, not an Error: axios hands it to onRejected and prometheus-query passes it through
          // eslint-disable-next-line @typescript-eslint/only-throw-error
          throw {ciltune: 'malformed', httpStatus: res.status, message: `answer is not Prometheus API JSON (${snippet(res.data)})`} satisfies Marker
        }
        return res
      },
      onRejected(error: {response?: {status: number, statusText?: string, data?: unknown}, code?: string, message?: string}) {
        const r = error.response
        if (r) {
          const d = r.data as {status?: string, error?: string, errorType?: string} | undefined
          const prom = d && typeof d === 'object' && d.status === 'error'
          // eslint-disable-next-line @typescript-eslint/only-throw-error
          throw {
            ciltune: 'http',
            httpStatus: r.status,
            statusText: r.statusText,
            promError: prom ? d.error : undefined,
            promErrorType: prom ? d.errorType : undefined,
            message: prom ? String(d.error) : snippet(r.data),
          } satisfies Marker
        }
        // eslint-disable-next-line @typescript-eslint/only-throw-error
        throw {ciltune: 'network', code: error.code, message: error.message ?? 'network error'} satisfies Marker
      },
    },
  })

  const run = async (query: string, call: () => Promise<{resultType: string, result: unknown[]}>): Promise<Series[]> => {
    let answer: {resultType: string, result: unknown[]}
    try {
      answer = await call()
    } catch (error) {
      throw classify(opts, query, error)
    }
    try {
      return toSeries(answer)
    } catch (error) {
      throw new QueryFailure('unparsable', `Prometheus ${opts.url}: unexpected answer to ${q(query)}: ${(error as Error).message}`, false)
    }
  }
  const probeQuery = '/api/v1/label/__name__/values'
  return {
    metricNames: async (startMs, endMs) => {
      try {
        return await driver.labelValues('__name__', undefined, startMs, endMs)
      } catch (error) {
        throw classify(opts, probeQuery, error)
      }
    },
    close: () => {
      httpAgent.destroy()
      httpsAgent.destroy()
    },
    instant: (query, timeMs) => run(query, () => driver.instantQuery(query, timeMs, `${timeoutS}s`)),
    range: (query, startMs, endMs, stepSeconds) => run(query, () => driver.rangeQuery(query, startMs, endMs, stepSeconds, `${timeoutS}s`)),
  }
}

/** The query as quoted in an error line: long label regexes (the probe's family list) shortened. */
function q(query: string): string {
  const short = query.replace(/"([^"]{40,})"/g, (_m, inner: string) => `"${inner.slice(0, 30)}…"`)
  return `${query.startsWith('/') ? 'request' : 'query'} \`${short.length > 160 ? `${short.slice(0, 160)}…` : short}\``
}

const TLS_CODES = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_OSSL/

/** One line naming Prometheus, the query and the cause. */
export function classify(opts: PrometheusOptions, query: string, error: unknown): QueryFailure {
  const e = error as {original?: unknown, errorType?: string, error?: string, code?: string, message?: string}
  const m = (e && typeof e === 'object' && e.original && typeof e.original === 'object' && (e.original as Marker).ciltune)
    ? e.original as Marker
    : undefined
  const where = `Prometheus ${opts.url}`
  const secs = `${(opts.timeoutMs / 1000).toFixed(opts.timeoutMs % 1000 ? 1 : 0)} s`
  if (m?.ciltune === 'malformed') return new QueryFailure('unparsable', `${where}: ${q(query)}: ${m.message}`)
  if (m?.ciltune === 'http') {
    const status = `HTTP ${m.httpStatus}${m.statusText ? ` ${m.statusText}` : ''}`
    if (m.httpStatus === 401 || m.httpStatus === 403) {
      return new QueryFailure('forbidden', `${where} refused ${q(query)} (${status}): check --prometheus-bearer-token-file or --prometheus-username/--prometheus-password`)
    }
    if (m.promErrorType === 'timeout' || m.httpStatus === 503 && /timeout|timed out/i.test(m.message)) {
      return new QueryFailure('timeout', `${where}: ${q(query)} timed out on the server (${m.message})`, false)
    }
    if (m.promError) return new QueryFailure('failed', `${where} rejected ${q(query)} (${status}): ${m.promError}`, false)
    return new QueryFailure(m.httpStatus === 404 ? 'unreachable' : 'failed',
      `${where} answered ${q(query)} with ${status}${m.message ? ` (${m.message})` : ''}${m.httpStatus === 404 ? ': is the URL the Prometheus base URL?' : ''}`)
  }
  const code = m?.code ?? e?.code
  const message = m?.message ?? e?.error ?? e?.message ?? String(error)
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout of \d+ms exceeded/.test(message)) {
    return new QueryFailure('timeout', `${where} did not answer ${q(query)} within ${secs}`)
  }
  if (code && TLS_CODES.test(code)) {
    return new QueryFailure('failed', `${where}: TLS error (${code}: ${message}); pass --prometheus-ca-file or --insecure-skip-tls-verify`)
  }
  if (code && /^(ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|ECONNRESET|EAI_AGAIN|EPIPE)$/.test(code)) {
    return new QueryFailure('unreachable', `${where} is unreachable (${code}${code === 'ENOTFOUND' ? ': unknown host' : ''})`)
  }
  return new QueryFailure('failed', `${where}: ${q(query)} failed: ${message}${code ? ` (${code})` : ''}`)
}

interface DriverMetric {name?: string, labels?: Record<string, unknown>}
interface DriverPoint {time?: Date, value?: number}

/** prometheus-query's vector/matrix classes into plain series. */
function toSeries(answer: {resultType: string, result: unknown[]}): Series[] {
  if (answer.resultType !== 'vector' && answer.resultType !== 'matrix') throw new Error(`result type ${answer.resultType}, expected a vector or matrix`)
  const out: Series[] = []
  for (const r of answer.result as Array<{metric?: DriverMetric, value?: DriverPoint, values?: DriverPoint[]}>) {
    // the driver already copied the labels without __name__; JSON label values are strings
    const labels = (r.metric?.labels ?? {}) as Record<string, string>
    const raw = answer.resultType === 'vector' ? [r.value] : r.values ?? []
    const points: Series['points'] = []
    for (const p of raw) {
      const t = p?.time instanceof Date ? p.time.getTime() : NaN
      const v = Number(p?.value)
      if (Number.isFinite(t) && Number.isFinite(v)) points.push({t, v})
    }
    out.push({name: r.metric?.name, labels, points})
  }
  return out
}
