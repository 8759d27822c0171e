import {spawn} from 'node:child_process'
import {existsSync, mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

/** The machine's kubectl (a dispatcher that picks its client from the server's /version). */
export const KUBECTL = '/usr/bin/kubectl'
export const hasKubectl = (): boolean => existsSync(KUBECTL)

export interface KubectlResult {code: number | null, stdout: string, stderr: string}

/**
 * Run kubectl asynchronously (spawnSync would deadlock the in-process simulator) with a fresh HOME,
 * so no discovery cache or user kubeconfig leaks between runs.
 */
export function kubectl(kubeconfig: string, args: string[], home = mkdtempSync(join(tmpdir(), 'ciltune-kubectl-'))): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const env = {PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home}
    const p = spawn(KUBECTL, ['--kubeconfig', kubeconfig, ...args], {env, stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    p.on('error', reject)
    p.on('close', (code) => resolve({code, stdout, stderr}))
  })
}
