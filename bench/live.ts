/*
 * Live-collection benchmark: the real `ciltune doctor` against a simulated, real-shaped 1000-node cluster
 * in this process (5 ms added to every API request), and the same collection done by a sequential loop of
 * the machine's `kubectl exec`, sampled on 20 agents and extrapolated. Prints figures, asserts nothing.
 * bench/scale.ts measures the doctor with the simulator in a process of its own.
 */
import {spawn} from 'node:child_process'
import {existsSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'
import {AGENT_COMMANDS} from '../src/collect/allowlist.js'
import {startSimCluster} from '../src/sim/server.js'
import {runCli} from './measure.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const KUBECTL = '/usr/bin/kubectl'

function kubectl(kubeconfig: string, home: string, args: string[]): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const p = spawn(KUBECTL, ['--kubeconfig', kubeconfig, ...args], {env: {PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home}, stdio: ['ignore', 'ignore', 'ignore']})
    p.on('error', reject)
    p.on('close', resolve)
  })
}

export interface KubectlLoop {agents: number, seconds: number, failures: number}

/**
 * What a user's shell loop does for the same evidence: `kubectl exec` of each allowlisted command in each
 * of `pods`, then `kubectl logs`, one after another. Undefined when the machine has no kubectl.
 */
export async function kubectlLoop(kubeconfig: string, ns: string, pods: string[], home: string): Promise<KubectlLoop | undefined> {
  if (!existsSync(KUBECTL)) return undefined
  await kubectl(kubeconfig, home, ['get', 'pods', '-n', ns, '-l', 'k8s-app=cilium', '-o', 'name']) // warm kubectl's discovery cache, as a user's loop would
  const t0 = process.hrtime.bigint()
  let failures = 0
  for (const pod of pods) {
    for (const c of AGENT_COMMANDS) {
      if (await kubectl(kubeconfig, home, ['exec', '-n', ns, pod, '-c', 'cilium-agent', '--', 'cilium-dbg', ...c.args]) !== 0) failures++
    }
    if (await kubectl(kubeconfig, home, ['logs', '-n', ns, pod, '-c', 'cilium-agent', '--tail', '20000']) !== 0) failures++
  }
  return {agents: pods.length, seconds: Number(process.hrtime.bigint() - t0) / 1e9, failures}
}

export async function benchLive(opts: {nodes?: number, latencyMs?: number, sample?: number} = {}): Promise<Record<string, string | number>> {
  const nodes = opts.nodes ?? 1000
  const latencyMs = opts.latencyMs ?? 5
  const sample = opts.sample ?? 20
  // the same real shape as bench/scale.ts: N-node health tables, 2000 Services with 3 backends each
  const sim = await startSimCluster({scenarioDir: join(ROOT, 'fixtures', 'synthetic-lb4-pressure'), nodes, latencyMs,
    crdCounts: {ciliumEndpoints: nodes * 30, ciliumEndpointSlices: nodes, ciliumIdentities: nodes * 4},
    shape: {services: 2000, backendsPerService: 3, unreachableNodes: 2, variation: true}})
  const dir = mkdtempSync(join(tmpdir(), 'ciltune-bench-live-'))
  const out: Record<string, string | number> = {nodes, latencyMs}
  try {
    const kubeconfig = sim.writeKubeconfig(dir)
    // 1. the real command, in its own process: wall time and its peak RSS
    const r = await runCli(['doctor', '--kubeconfig', kubeconfig, '--output', 'json', '--fail-on', 'none', '--quiet'])
    if (r.code !== 0) throw new Error(`doctor exited ${r.code}: ${r.stderr.trim().split('\n')[0]}`)
    const report = JSON.parse(r.stdout) as {agents: unknown[], findings: unknown[], coverage: {agents: {withStatus: number}}}
    out.doctorWallS = Number((r.ms / 1000).toFixed(2))
    out.doctorPeakRssMb = Math.round(r.maxRssMb)
    out.doctorAgents = report.agents.length
    out.doctorAgentsWithStatus = report.coverage.agents.withStatus
    out.doctorFindings = report.findings.length
    out.apiRequests = sim.requests.length

    // 2. the same per-agent collection with kubectl, one command after another
    const loop = await kubectlLoop(kubeconfig, sim.namespace, sim.agents.slice(0, sample).map((a) => a.pod), join(dir, 'home'))
    if (loop) {
      out.kubectlSampleAgents = loop.agents
      out.kubectlSampleS = Number(loop.seconds.toFixed(2))
      out.kubectlFailures = loop.failures
      out.kubectlExtrapolatedS = Number((loop.seconds * nodes / loop.agents).toFixed(1))
      out.speedup = Number((out.kubectlExtrapolatedS / out.doctorWallS).toFixed(1))
    } else {
      out.kubectl = `${KUBECTL} absent: loop not measured`
    }
    return out
  } finally {
    await sim.stop()
    rmSync(dir, {recursive: true, force: true})
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const figures = await benchLive()
  for (const [k, v] of Object.entries(figures)) console.log(`${k.padEnd(28)} ${v}`)
}
