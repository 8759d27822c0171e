/* Benchmarks: `npm run bench`. Prints figures; asserts nothing (speed is measured here, never in tests). */
import {spawn} from 'node:child_process'
import {existsSync, mkdtempSync, rmSync} from 'node:fs'
import os, {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseStatusText} from '../src/parse/status-text.js'
import {multiplyScenario} from './capture.js'
import {median, runCli} from './measure.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const rows: Array<[string, string, string]> = []
const row = (name: string, value: string, target = '') => {
  rows.push([name, value, target])
  console.log(`${name.padEnd(58)} ${value.padEnd(26)} ${target}`)
}

/** Spawn to exit, wall clock: `node -e 0` is what start-up costs before ciltune loads anything. */
function timed(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint()
    const p = spawn(process.execPath, args, {stdio: 'ignore'})
    p.on('error', reject)
    p.on('close', () => resolve(Number(process.hrtime.bigint() - t0) / 1e6))
  })
}

/** `ciltune --version` as a user runs it (bin/run.js, which answers it without loading oclif), interleaved with `node -e 0`. */
async function startup(): Promise<void> {
  const times: number[] = []
  const bare: number[] = []
  for (let i = 0; i < 11; i++) {
    bare.push(await timed(['-e', '0']))
    times.push(await timed([join(ROOT, 'bin', 'run.js'), '--version']))
  }
  row('ciltune --version cold start (median of 11)', `${median(times).toFixed(0)} ms; node -e 0: ${median(bare).toFixed(0)} ms`, `target ≤ 150 ms (load ${os.loadavg()[0].toFixed(1)})`)
}

async function doctorFrom(agents: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ciltune-bench-'))
  try {
    multiplyScenario(join(ROOT, 'fixtures', 'synthetic-lb4-pressure'), join(dir, 'capture'), agents)
    const r = await runCli(['doctor', '--from', join(dir, 'capture'), '--output', 'json', '--fail-on', 'none'])
    if (r.code !== 0) throw new Error(`doctor exited ${r.code}: ${r.stderr.trim()}`)
    const report = JSON.parse(r.stdout) as {agents: unknown[], findings: unknown[]}
    row(`doctor --from ${agents}-agent capture (wall)`, `${(r.ms / 1000).toFixed(2)} s (${report.agents.length} agents, ${report.findings.length} findings)`, 'target ≤ 2 s')
    row(`doctor --from ${agents}-agent capture (CPU, user + system)`, `${(r.cpuMs / 1000).toFixed(2)} s`, `${os.loadavg()[0].toFixed(1)} load on ${os.availableParallelism()} cores`)
    row(`doctor --from ${agents}-agent capture (peak RSS)`, `${r.maxRssMb.toFixed(0)} MB`, 'target ≤ 200 MB')
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

function bigStatus(nodes: number): string {
  const head = [
    'KVStore:                 Disabled   ',
    'Kubernetes:              Ok         1.32 (v1.32.2) [linux/amd64]',
    'KubeProxyReplacement:    True   [eth0   10.0.0.1 (Direct Routing)]',
    'Cilium:                  Ok   1.18.3 (v1.18.3-0d0f1a2b)',
    'Controller Status:       48/48 healthy',
    `Cluster health:          ${nodes - 3}/${nodes} reachable   (2026-01-01T00:00:00Z)   (Probe interval: 2m10.1s)`,
    'Name                     IP              Node     Endpoints',
  ]
  const body: string[] = []
  for (let i = 0; i < nodes; i++) body.push(`  node-${i}   10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}   ${i < 3 ? '0/1' : '1/1'}      1/1`)
  return [...head, ...body, 'Modules Health:          Stopped(10) Degraded(0) OK(80)', ''].join('\n')
}

function statusThroughput(): void {
  const text = bigStatus(5000)
  const n = 20
  parseStatusText(text, 'bench') // warm up
  const t0 = process.hrtime.bigint()
  let nodes = 0
  for (let i = 0; i < n; i++) nodes = parseStatusText(text, 'bench').clusterHealth?.nodes.length ?? 0
  const ms = Number(process.hrtime.bigint() - t0) / 1e6 / n
  row('parse status --verbose, 5000-node cluster-health table', `${ms.toFixed(1)} ms/parse, ${(text.length / 1024 / 1024 / (ms / 1000)).toFixed(1)} MB/s (${nodes} nodes)`)
}

type BenchFn = () => Promise<Record<string, string | number>>

async function optional(file: string, fn: string, label: string): Promise<void> {
  if (!existsSync(join(ROOT, 'bench', file))) {
    row(label, 'not built')
    return
  }
  try {
    const mod = await import(`./${file.replace(/\.ts$/, '.js')}`) as Record<string, BenchFn>
    for (const [k, v] of Object.entries(await mod[fn]())) row(`${label}: ${k}`, String(v))
  } catch (error) {
    row(label, `failed: ${(error as Error).message.split('\n')[0]}`)
  }
}

console.log(`ciltune benchmarks on ${process.version}, ${new Date().toISOString()}\n`)
// `npm run bench -- hostile`: only the large/hostile input cases
if (process.argv[2] === 'hostile') {
  await optional('hostile.ts', 'benchHostile', 'hostile input')
} else if (process.argv[2] === 'offline') {
  // `npm run bench -- offline`: start-up, `doctor --from` a capture and a sysdump, without the live cluster runs
  await startup()
  await doctorFrom(1000)
  await optional('sysdump.ts', 'benchSysdump', 'sysdump, 200 nodes')
} else {
  await startup()
  statusThroughput()
  await doctorFrom(1000)
  const {benchScales} = await import('./scale.js')
  await benchScales([100, 1000, 3000, 5000], (k, v) => row(k, v, k.startsWith('live doctor, real-shaped 1000') ? 'target ≤ 15 s, ≤ 300 MB' : k.includes('5000 nodes') ? 'target ≤ 600 MB' : ''))
  await optional('live.ts', 'benchLive', 'live doctor and kubectl loop, real-shaped 1000 nodes')
  await optional('prometheus.ts', 'benchPrometheus', 'Prometheus, 5000 agents')
  await optional('sysdump.ts', 'benchSysdump', 'sysdump, 200 nodes')
  await optional('html.ts', 'benchHtml', 'doctor -o html')
  await optional('hostile.ts', 'benchHostile', 'hostile input')
}
