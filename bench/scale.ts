/*
 * Real-shaped scale: the live doctor against a simulated N-node cluster in its own process, where every
 * agent prints what an agent of an N-node cluster prints (an N-node health table with --verbose, two
 * nodes whose health endpoint times out, 2000 Services with 3 backends each, a version skew, a degraded
 * node, restarts). Wall time and peak RSS of the doctor process, requests and bytes it received, and
 * the ratio per doubling of nodes. Prints figures; asserts nothing.
 *   node --import tsx bench/scale.ts [NODES,...]   (default 100,1000,3000,5000)
 */
import {spawn, type ChildProcessWithoutNullStreams} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {loadavg, tmpdir} from 'node:os'
import {join} from 'node:path'
import {createInterface, type Interface} from 'node:readline'
import {fileURLToPath, pathToFileURL} from 'node:url'
import type {SimOptions} from '../src/sim/server.js'
import {runCli} from './measure.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const SERVICES = 2000
const LATENCY_MS = 5

export interface SimProcess {kubeconfig: string, agents: number, stats(): Promise<{requests: number, bytesSent: number}>, stop(): Promise<void>}

function nextLine(lines: Interface, child: ChildProcessWithoutNullStreams): Promise<string> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`simulator exited ${code}`))
    child.once('exit', onExit)
    lines.once('line', (l) => {
      child.off('exit', onExit)
      resolve(l)
    })
  })
}

export async function startSimProcess(opts: SimOptions, dir: string): Promise<SimProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'sim-process.ts'), JSON.stringify(opts), dir], {stdio: ['pipe', 'pipe', 'pipe']})
  child.stderr.on('data', (d: Buffer) => process.stderr.write(d))
  const lines = createInterface({input: child.stdout})
  const ready = JSON.parse(await nextLine(lines, child)) as {kubeconfig: string, agents: number}
  return {
    ...ready,
    stats: async () => {
      child.stdin.write('stats\n')
      return JSON.parse(await nextLine(lines, child)) as {requests: number, bytesSent: number}
    },
    stop: () => new Promise((resolve) => {
      child.once('exit', () => resolve())
      child.stdin.end()
    }),
  }
}

export interface ScaleFigure {nodes: number, wallS: number, cpuS: number, peakRssMb: number, requests: number, mbReceived: number, agentsRead: number, findings: number, unreachable: string}

export async function benchScale(nodes: number): Promise<ScaleFigure> {
  const dir = mkdtempSync(join(tmpdir(), 'ciltune-bench-scale-'))
  const sim = await startSimProcess({
    scenarioDir: join(ROOT, 'fixtures', 'synthetic-lb4-pressure'), nodes, latencyMs: LATENCY_MS,
    crdCounts: {ciliumEndpoints: nodes * 30, ciliumEndpointSlices: nodes, ciliumIdentities: nodes * 4},
    shape: {services: SERVICES, backendsPerService: 3, unreachableNodes: 2, variation: true},
  }, dir)
  try {
    const r = await runCli(['doctor', '--kubeconfig', sim.kubeconfig, '--output', 'json', '--fail-on', 'none', '--quiet'])
    if (r.code !== 0) throw new Error(`doctor exited ${r.code}: ${r.stderr.trim().split('\n')[0]}`)
    const report = JSON.parse(r.stdout) as {findings: Array<{id: string, message: string}>, coverage: {agents: {withStatus: number}}}
    const stats = await sim.stats()
    const unreachable = report.findings.find((f) => f.id === 'unreachable-nodes')?.message ?? 'NOT REPORTED'
    return {
      nodes, wallS: r.ms / 1000, cpuS: r.cpuMs / 1000, peakRssMb: r.maxRssMb, requests: stats.requests, mbReceived: stats.bytesSent / 1e6,
      agentsRead: report.coverage.agents.withStatus, findings: report.findings.length, unreachable: unreachable.slice(0, 160),
    }
  } finally {
    await sim.stop()
    rmSync(dir, {recursive: true, force: true})
  }
}

/** Figures for each size, then time and memory ratios per doubling of nodes between consecutive sizes. */
export async function benchScales(sizes: number[], print: (label: string, value: string) => void): Promise<ScaleFigure[]> {
  const out: ScaleFigure[] = []
  for (const n of sizes) {
    const f = await benchScale(n)
    out.push(f)
    print(`live doctor, real-shaped ${n} nodes`, `${f.wallS.toFixed(2)} s wall, ${f.cpuS.toFixed(2)} s CPU, ${f.peakRssMb.toFixed(0)} MB peak RSS, ${f.requests} requests, ${f.mbReceived.toFixed(0)} MB received, ${f.agentsRead}/${n} agents, ${f.findings} findings (load ${loadavg()[0].toFixed(1)})`)
    print(`  unreachable-nodes finding at ${n}`, f.unreachable)
  }
  for (let i = 1; i < out.length; i++) {
    const a = out[i - 1]
    const b = out[i]
    const doublings = Math.log2(b.nodes / a.nodes)
    const perDoubling = (x: number, y: number) => (y / x) ** (1 / doublings)
    print(`  ${a.nodes} → ${b.nodes}: time ×${(b.wallS / a.wallS).toFixed(1)}, RSS ×${(b.peakRssMb / a.peakRssMb).toFixed(2)}`,
      `per doubling of nodes: time ×${perDoubling(a.wallS, b.wallS).toFixed(2)}, bytes ×${perDoubling(a.mbReceived, b.mbReceived).toFixed(2)}`)
  }
  return out
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const sizes = (process.argv[2] ?? '100,1000,3000,5000').split(',').map(Number)
  await benchScales(sizes, (k, v) => console.log(`${k.padEnd(44)} ${v}`))
}
