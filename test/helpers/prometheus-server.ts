import {spawn, type ChildProcess} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import http from 'node:http'
import type {AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

/*
 * A real Prometheus (Debian package `prometheus`, 2.42) started by the tests on 127.0.0.1.
 * Two ways to give it data:
 *  - `targets`: it scrapes simulated agent endpoints (test/helpers/metrics-endpoints.ts); the first
 *    scraped sample is queryable only after ~5-6 s (target discovery batching, toolchain.md §4);
 *  - `openmetrics`: timestamped history turned into TSDB blocks by `promtool tsdb create-blocks-from
 *    openmetrics` before start, so range queries and trends work at once.
 * Every started server is also killed on process exit, so a crashed or interrupted mocha run
 * does not leave a Prometheus behind.
 */

export interface ScrapeTarget {
  address: string // host:port
  labels?: Record<string, string> // e.g. {pod, node} to imitate a kube-prometheus ServiceMonitor
}

export interface StartOptions {
  targets?: ScrapeTarget[]
  openmetrics?: string // must end with "# EOF"
  openmetricsFile?: string // the same, already on disk (large histories)
  scrapeIntervalSeconds?: number
}

export interface PrometheusServer {
  url: string
  port: number
  dir: string
  pid: number
  stop(): Promise<void>
}

const live = new Set<ChildProcess>()
process.on('exit', () => {
  for (const c of live) c.kill('SIGKILL')
})

export function prometheusBinary(): string {
  return process.env.CILTUNE_PROMETHEUS_BIN ?? 'prometheus'
}

/** Whether the prometheus and promtool binaries can be run (CI installs them; a dev box may not). */
export async function prometheusAvailable(): Promise<boolean> {
  const ok = (cmd: string) => new Promise<boolean>((resolve) => {
    const p = spawn(cmd, ['--version'], {stdio: 'ignore'})
    p.on('error', () => resolve(false))
    p.on('exit', (code) => resolve(code === 0))
  })
  return (await ok(prometheusBinary())) && (await ok('promtool'))
}

/**
 * In a mocha before(): skip when the binaries are missing on a dev box, fail in CI
 * (which installs them: apt-get install -y --no-install-recommends prometheus).
 */
export async function requirePrometheus(ctx: Mocha.Context): Promise<void> {
  if (await prometheusAvailable()) return
  if (process.env.CI) throw new Error('prometheus/promtool not on PATH: apt-get install -y --no-install-recommends prometheus')
  console.warn('    (skipped: prometheus/promtool not installed; apt-get install -y --no-install-recommends prometheus)')
  ctx.skip()
}

export async function freePort(): Promise<number> {
  const srv = http.createServer()
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve))
  const {port} = srv.address() as AddressInfo
  await new Promise<void>((resolve) => srv.close(() => resolve()))
  return port
}

function run(cmd: string, args: string[]): Promise<{code: number | null, out: string}> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, {stdio: ['ignore', 'pipe', 'pipe']})
    let out = ''
    p.stdout.on('data', (d) => (out += d))
    p.stderr.on('data', (d) => (out += d))
    p.on('error', reject)
    p.on('exit', (code) => resolve({code, out}))
  })
}

function configYaml(targets: ScrapeTarget[], interval: number): string {
  const lines = [
    'global:',
    `  scrape_interval: ${interval}s`,
    `  evaluation_interval: ${interval}s`,
    'scrape_configs:',
    '  - job_name: cilium-agent',
    `    scrape_timeout: ${Math.max(500, Math.round(interval * 900))}ms`,
    '    static_configs:',
  ]
  if (targets.length === 0) lines.push('      []')
  for (const t of targets) {
    lines.push(`      - targets: [${JSON.stringify(t.address)}]`)
    if (t.labels && Object.keys(t.labels).length > 0) lines.push(`        labels: ${JSON.stringify(t.labels)}`)
  }
  return lines.join('\n') + '\n'
}

async function get(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on('error', () => resolve(0))
    req.setTimeout(1000, () => {
      req.destroy()
      resolve(0)
    })
  })
}

export async function startPrometheus(opts: StartOptions = {}): Promise<PrometheusServer> {
  const dir = mkdtempSync(join(tmpdir(), 'ciltune-prom-'))
  const data = join(dir, 'data')
  try {
    if (opts.openmetrics !== undefined || opts.openmetricsFile !== undefined) {
      const om = opts.openmetricsFile ?? join(dir, 'history.om')
      if (opts.openmetrics !== undefined) writeFileSync(om, opts.openmetrics)
      const r = await run('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', om, data])
      if (r.code !== 0) throw new Error(`promtool create-blocks-from openmetrics failed: ${r.out.trim().split('\n').slice(-3).join(' | ')}`)
    }
    const cfg = join(dir, 'prometheus.yml')
    writeFileSync(cfg, configYaml(opts.targets ?? [], opts.scrapeIntervalSeconds ?? 1))
    const port = await freePort()
    const child = spawn(prometheusBinary(), [
      `--config.file=${cfg}`,
      `--storage.tsdb.path=${data}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
      // blocks written by promtool are older than the head; keep them whatever their age
      '--storage.tsdb.retention.time=3650d',
    ], {stdio: ['ignore', 'ignore', 'pipe']})
    live.add(child)
    let stderr = ''
    child.stderr.on('data', (d) => {
      stderr = (stderr + d).slice(-4000)
    })
    let exited = false
    const exitedP = new Promise<void>((resolve) => child.on('exit', () => {
      exited = true
      live.delete(child)
      resolve()
    }))
    const url = `http://127.0.0.1:${port}`
    const deadline = Date.now() + 15_000
    while ((await get(`${url}/-/ready`)) !== 200) {
      if (exited) throw new Error(`prometheus exited before ready: ${stderr.trim().split('\n').slice(-3).join(' | ')}`)
      if (Date.now() > deadline) {
        child.kill('SIGKILL')
        throw new Error('prometheus not ready after 15 s')
      }
      await new Promise((r) => setTimeout(r, 50))
    }
    let stopped = false
    return {
      url, port, dir, pid: child.pid!,
      async stop() {
        if (stopped) return
        stopped = true
        if (!exited) {
          child.kill('SIGTERM')
          const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
          await exitedP
          clearTimeout(timer)
        }
        rmSync(dir, {recursive: true, force: true})
      },
    }
  } catch (error) {
    rmSync(dir, {recursive: true, force: true})
    throw error
  }
}

/** Poll an instant query until it returns at least one series (scraped data arrives after ~5 s). */
export async function waitForSeries(url: string, query: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const body = await new Promise<string>((resolve) => {
      http.get(`${url}/api/v1/query?query=${encodeURIComponent(query)}`, (res) => {
        let b = ''
        res.on('data', (d) => (b += d))
        res.on('end', () => resolve(b))
      }).on('error', () => resolve(''))
    })
    try {
      if ((JSON.parse(body) as {data: {result: unknown[]}}).data.result.length > 0) return
    } catch {
      // not ready yet
    }
    if (Date.now() > deadline) throw new Error(`no series for ${query} after ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

export interface CountingProxy {
  url: string
  /** API paths requested, e.g. "/api/v1/query", in order. */
  requests: string[]
  close(): Promise<void>
}

/** An HTTP proxy in front of Prometheus that records each request, so tests can count queries on the wire. */
export async function countingProxy(target: string): Promise<CountingProxy> {
  const t = new URL(target)
  const requests: string[] = []
  const server = http.createServer((req, res) => {
    requests.push((req.url ?? '').split('?')[0])
    const up = http.request({host: t.hostname, port: t.port, path: req.url, method: req.method, headers: req.headers}, (ur) => {
      res.writeHead(ur.statusCode ?? 502, ur.headers)
      ur.pipe(res)
    })
    up.on('error', () => {
      res.writeHead(502)
      res.end()
    })
    req.pipe(up)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
}
