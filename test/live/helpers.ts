import {mkdtempSync, readdirSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {FIXTURES_DIR} from '../helpers/reference.js'
import {captureIo} from '../helpers/io.js'
import {runDoctor} from '../../src/actions/doctor.js'
import type {DoctorOptions} from '../../src/actions/doctor-options.js'
import type {LiveOptions} from '../../src/collect/types.js'
import {startSimCluster, type SimCluster, type SimOptions} from '../../src/sim/server.js'

export const MINI = join(import.meta.dirname, '..', 'sim', 'scenario-mini')

/** Every scenario under fixtures/ (synthetic-*): the live path must agree with --from on each. */
export function scenarios(): string[] {
  return readdirSync(FIXTURES_DIR, {withFileTypes: true})
    .filter((d) => d.isDirectory() && d.name.startsWith('synthetic-'))
    .map((d) => d.name)
    .sort()
}

export interface Running {
  sim: SimCluster
  kubeconfig: string
  live(extra?: Partial<LiveOptions>): LiveOptions
  stop(): Promise<void>
}

export async function runSim(opts: SimOptions): Promise<Running> {
  const sim = await startSimCluster(opts)
  const dir = mkdtempSync(join(tmpdir(), 'ciltune-live-'))
  const kubeconfig = sim.writeKubeconfig(dir)
  return {
    sim,
    kubeconfig,
    live: (extra = {}) => ({kubeconfig, concurrency: 10, timeoutMs: 10_000, ...extra}),
    stop: async () => {
      await sim.stop()
      rmSync(dir, {recursive: true, force: true})
    },
  }
}

/** `doctor -o json` in process, each finding as "id | severity | agents" sorted: what live and --from must agree on. */
export async function findingKeys(opts: Partial<DoctorOptions>): Promise<string[]> {
  const io = captureIo()
  await runDoctor({output: 'json', failOn: 'none', color: false, ...opts}, io)
  return (JSON.parse(io.out) as {findings: Array<{id: string, severity: string, agents?: string[]}>}).findings
    .map((f) => `${f.id} | ${f.severity} | ${[...(f.agents ?? [])].sort().join(',')}`).sort()
}
