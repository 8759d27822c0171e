import {existsSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {runProcess} from '../helpers/spawn.js'
import {startSimCluster, type SimCluster} from '../../src/sim/server.js'

/** The machine's kubectl (a dispatcher that picks its client from the server's /version). */
export const KUBECTL = '/usr/bin/kubectl'
export const hasKubectl = (): boolean => existsSync(KUBECTL)

export interface KubectlResult {code: number | null, stdout: string, stderr: string}

/**
 * Run kubectl asynchronously (spawnSync would deadlock the in-process simulator) with a fresh HOME,
 * so no discovery cache or user kubeconfig leaks between runs.
 */
export function kubectl(kubeconfig: string, args: string[], home = mkdtempSync(join(tmpdir(), 'ciltune-kubectl-'))): Promise<KubectlResult> {
  const env = {PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home}
  return runProcess(KUBECTL, ['--kubeconfig', kubeconfig, ...args], {env})
}

/** A simulator serving `scenarioDir` and a kubeconfig for it, for the mocha suite that calls this; skipped without kubectl. */
export function useKubectlSim(scenarioDir: string): {sim: SimCluster, kc: string} {
  const state = {} as {sim: SimCluster, kc: string}
  let dir: string | undefined
  before(async function () {
    if (!hasKubectl()) {
      console.log('    (skipped: /usr/bin/kubectl is absent)')
      this.skip()
    }
    state.sim = await startSimCluster({scenarioDir})
    dir = mkdtempSync(join(tmpdir(), 'ciltune-kubectl-sim-'))
    state.kc = state.sim.writeKubeconfig(dir)
  })
  after(async () => {
    await state.sim?.stop()
    if (dir) rmSync(dir, {recursive: true, force: true})
  })
  return state
}
