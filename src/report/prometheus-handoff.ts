import {chmodSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {basename, dirname, join} from 'node:path'
import {InputError} from '../util/errors.js'

/*
 * Handing the metrics text to what a CronJob has at hand: a Pushgateway (the job ends before any scrape) or
 * node-exporter's textfile collector directory. Both replace the previous run's series as a whole.
 */

/** The URL with any user:password removed, for messages. */
function shown(url: URL): string {
  const u = new URL(url.href)
  u.username = ''
  u.password = ''
  return u.href
}

/** `http://pg:9091` → `http://pg:9091/metrics/job/ciltune`; a URL that already names a grouping key is kept. */
export function pushUrl(base: string): URL {
  let url: URL
  try {
    url = new URL(base)
  } catch {
    throw new InputError(`--pushgateway ${base}: not a URL; expected e.g. http://pushgateway.monitoring:9091`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InputError(`--pushgateway ${shown(url)}: expected an http:// or https:// URL`)
  if (!/\/metrics\/job\/[^/]+/.test(url.pathname)) url.pathname = `${url.pathname.replace(/\/+$/, '')}/metrics/job/ciltune`
  return url
}

/** PUT replaces every series of the grouping key, so findings resolved since the last run disappear. */
export async function pushMetrics(base: string, text: string, timeoutMs = 10_000): Promise<string> {
  const url = pushUrl(base)
  const headers: Record<string, string> = {'Content-Type': 'text/plain; version=0.0.4; charset=utf-8'}
  if (url.username || url.password) {
    headers.Authorization = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`
    url.username = ''
    url.password = ''
  }
  let res: Response
  try {
    res = await fetch(url, {method: 'PUT', body: text, headers, signal: AbortSignal.timeout(timeoutMs)})
  } catch (error) {
    const cause = (error as {cause?: {code?: string, message?: string}}).cause
    const why = (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000}s` : cause?.code ?? cause?.message ?? (error as Error).message
    throw new InputError(`--pushgateway ${shown(url)}: ${why}`)
  }
  const body = (await res.text()).trim().split('\n')[0].slice(0, 200)
  if (res.status < 200 || res.status >= 300) throw new InputError(`--pushgateway ${shown(url)}: HTTP ${res.status}${body ? ` (${body})` : ''}`)
  return shown(url)
}

/** Write-then-rename in the same directory, so node-exporter never reads half a file. */
export function writeTextfile(path: string, text: string): void {
  if (!path.endsWith('.prom')) throw new InputError(`--textfile ${path}: node-exporter's textfile collector reads only *.prom files`)
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`)
  try {
    writeFileSync(tmp, text, {mode: 0o644})
    chmodSync(tmp, 0o644) // the umask must not hide the metrics from node-exporter's user
    renameSync(tmp, path)
  } catch (error) {
    rmSync(tmp, {force: true})
    throw new InputError(`--textfile ${path}: ${(error as Error).message.split('\n')[0]}`)
  }
}
