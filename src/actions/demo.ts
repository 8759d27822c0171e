import {existsSync, mkdtempSync, readdirSync, rmSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {InputError} from '../util/errors.js'
import type {DoctorOptions, Io} from './doctor-options.js'

export const DEFAULT_SCENARIO = 'synthetic-lb4-pressure'

export interface DemoOptions extends Omit<DoctorOptions, 'from' | 'live' | 'prometheus'> {
  scenario?: string // a name under fixtures/ or a directory
  nodes?: number // multiply the scenario to this many agents
  latencyMs?: number
  services?: number // Services every agent lists (the simulator's real shape)
  concurrency: number
  quiet: boolean
}

/** The fixtures/ directory shipped with ciltune (beside package.json, from src/ or dist/src/). */
function fixturesDir(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'fixtures'))) return join(dir, 'fixtures')
    dir = dirname(dir)
  }
  return undefined
}

export function resolveScenario(name = DEFAULT_SCENARIO): string {
  if (existsSync(name) && statSync(name).isDirectory()) return resolve(name)
  const fixtures = fixturesDir()
  const inFixtures = fixtures && join(fixtures, name)
  if (inFixtures && existsSync(inFixtures) && statSync(inFixtures).isDirectory()) return inFixtures
  const known = fixtures ? readdirSync(fixtures).filter((d) => d.startsWith('synthetic-')).sort() : []
  throw new InputError(`demo ${name}: no such scenario directory${known.length ? `; shipped scenarios: ${known.join(', ')}` : ''}`)
}

/**
 * demo: the simulated cluster on a free loopback port, a temporary kubeconfig, and the real live
 * doctor against it — the same code path as `ciltune doctor` on a cluster. Returns doctor's exit code.
 */
export async function demoAction(opts: DemoOptions, io: Io): Promise<number> {
  const scenarioDir = resolveScenario(opts.scenario)
  const [{startSimCluster}, {runDoctor}, {progressPrinter}] = await Promise.all([
    import('../sim/server.js'), import('./doctor.js'), import('../cli/options.js'),
  ])
  const sim = await startSimCluster({scenarioDir, nodes: opts.nodes, latencyMs: opts.latencyMs, shape: opts.services === undefined ? undefined : {services: opts.services}})
  const dir = mkdtempSync(join(tmpdir(), 'ciltune-demo-'))
  try {
    const kubeconfig = sim.writeKubeconfig(dir)
    if (!opts.quiet) io.stderr(`ciltune demo: simulated cluster "${scenarioDir.split('/').pop()}" with ${sim.agents.length} agents at ${sim.url} (read-only doctor follows)\n`)
    return await runDoctor({
      live: {kubeconfig, concurrency: opts.concurrency, timeoutMs: 30_000, progress: progressPrinter(io, opts.quiet)},
      output: opts.output, outputFile: opts.outputFile, wide: opts.wide, failOn: opts.failOn, color: opts.color,
      saveSnapshot: opts.saveSnapshot, config: opts.config, baseline: opts.baseline, anonymize: opts.anonymize,
    }, io)
  } finally {
    await sim.stop()
    rmSync(dir, {recursive: true, force: true})
  }
}
