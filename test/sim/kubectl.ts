import {existsSync, mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {runProcess} from '../helpers/spawn.js'

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
