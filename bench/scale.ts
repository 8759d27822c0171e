/*
 * Real-shaped scale: the live doctor against a simulated N-node cluster in its own process, where every
 * agent prints what an agent of an N-node cluster prints (an N-node health table with --verbose, two
 * nodes whose health endpoint times out, 2000 Services with 3 backends each, a version skew, a degraded
 * node, restarts). Wall time and peak RSS of the doctor process, requests and bytes it received, and
 * the ratio per doubling of nodes; at 1000 nodes, the same collection as a sequential `kubectl exec` loop
 * against the same simulator, sampled and extrapolated. Prints figures; asserts nothing.
 *   node --import tsx bench/scale.ts [NODES,...] [KUBECTL_SAMPLE]   (default 100,1000,3000,5000 and 10 agents)
 */
import {spawn, type ChildProcessWithoutNullStreams} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {loadavg, tmpdir} from 'node:os'
import {join} from 'node:path'
import {createInterface, type Interface} from 'node:readline'
import {fileURLToPath, pathToFileURL} from 'node:url'
import type {SimOptions} from '../src/sim/server.js'
import {kubectlLoop} from './live.js'
import {runCli} from './measure.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const SERVICES = 2000
const LATENCY_MS = 5

export interface SimProcess {kubeconfig: string, agents: number, namespace: string, pods: string[], stats(): Promise<{requests: number, bytesSent: number}>, stop(): Promise<void>}

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
  const ready = JSON.parse(await nextLine(lines, child)) as {kubeconfig: string, agents: number, namespace: string, pods: string[]}
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

export interface ScaleFigure {
  nodes: number, wallS: number, cpuS: number, peakRssMb: number, requests: number, mbReceived: number, agentsRead: number, findings: number, unreachable: string
  /** 1-minute load average at the start and the end of the doctor run: the machine is shared */
  load: [number, number]
  kubectl?: {agents: number, seconds: number, failures: number, extrapolatedS: number}
}

/*
 * --deadline well above the default 300 s: under a shared machine's load a 5000-node collection takes
 * longer, and a benchmark that stops reading agents half-way would measure a smaller run.
 */
const DOCTOR = ['--output', 'json', '--fail-on', 'none', '--quiet', '--deadline', '7200']

export async function benchScale(nodes: number, kubectlSample = 0): Promise<ScaleFigure> {
  const dir = mkdtempSync(join(tmpdir(), 'ciltune-bench-scale-'))
  const sim = await startSimProcess({
    scenarioDir: join(ROOT, 'fixtures', 'synthetic-lb4-pressure'), nodes, latencyMs: LATENCY_MS,
    crdCounts: {ciliumEndpoints: nodes * 30, ciliumEndpointSlices: nodes, ciliumIdentities: nodes * 4},
    shape: {services: SERVICES, backendsPerService: 3, unreachableNodes: 2, variation: true},
  }, dir)
  try {
    const loadBefore = loadavg()[0]
    const r = await runCli(['doctor', '--kubeconfig', sim.kubeconfig, ...DOCTOR])
    const load: [number, number] = [loadBefore, loadavg()[0]]
    if (r.code !== 0) throw new Error(`doctor exited ${r.code}: ${r.stderr.trim().split('\n')[0]}`)
    const report = JSON.parse(r.stdout) as {findings: Array<{id: string, message: string}>, coverage: {agents: {withStatus: number}}}
    const stats = await sim.stats()
    const unreachable = report.findings.find((f) => f.id === 'unreachable-nodes')?.message ?? 'NOT REPORTED'
    const loop = kubectlSample > 0 ? await kubectlLoop(sim.kubeconfig, sim.namespace, sim.pods.slice(0, kubectlSample), join(dir, 'home')) : undefined
    return {
      load, ...(loop ? {kubectl: {...loop, extrapolatedS: loop.seconds * nodes / loop.agents}} : {}),
      nodes, wallS: r.ms / 1000, cpuS: r.cpuMs / 1000, peakRssMb: r.maxRssMb, requests: stats.requests, mbReceived: stats.bytesSent / 1e6,
      agentsRead: report.coverage.agents.withStatus, findings: report.findings.length, unreachable: unreachable.slice(0, 160),
    }
  } finally {
    await sim.stop()
    rmSync(dir, {recursive: true, force: true})
  }
}

/** Figures for each size, then time and memory ratios per doubling of nodes between consecutive sizes. */
export async function benchScales(sizes: number[], print: (label: string, value: string) => void, kubectlSample = 10): Promise<ScaleFigure[]> {
  const out: ScaleFigure[] = []
  for (const n of sizes) {
    const f = await benchScale(n, n === 1000 ? kubectlSample : 0)
    out.push(f)
    print(`live doctor, real-shaped ${n} nodes`, `${f.wallS.toFixed(2)} s wall, ${f.cpuS.toFixed(2)} s CPU, ${f.peakRssMb.toFixed(0)} MB peak RSS, ${f.requests} requests, ${f.mbReceived.toFixed(0)} MB received, ${f.agentsRead}/${n} agents, ${f.findings} findings (load ${f.load[0].toFixed(1)} → ${f.load[1].toFixed(1)})`)
    print(`  unreachable-nodes finding at ${n}`, f.unreachable)
    if (f.kubectl) {
      print(`  kubectl exec loop, ${f.kubectl.agents} of ${n} agents`, `${f.kubectl.seconds.toFixed(1)} s (${f.kubectl.failures} failed) → ${f.kubectl.extrapolatedS.toFixed(0)} s for ${n} agents: ciltune ${(f.kubectl.extrapolatedS / f.wallS).toFixed(1)}× faster (load ${loadavg()[0].toFixed(1)})`)
    }
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
  await benchScales(sizes, (k, v) => console.log(`${k.padEnd(44)} ${v}`), Number(process.argv[3] ?? 10))
}
