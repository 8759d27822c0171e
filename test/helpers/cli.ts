import {spawn} from 'node:child_process'
import {join} from 'node:path'
import {PROJECT_DIR} from './reference.js'

export interface CliResult {code: number | null, stdout: string, stderr: string}

/** Run the built CLI (`npm test` builds first) as a user would, with an optional environment. */
export function cli(args: string[], env: NodeJS.ProcessEnv = {}, cwd = PROJECT_DIR): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [join(PROJECT_DIR, 'bin', 'run.js'), ...args], {
      cwd,
      env: {...process.env, NO_COLOR: '', FORCE_COLOR: '', ...env},
    })
    let stdout = ''
    let stderr = ''
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    p.on('error', reject)
    p.on('close', (code) => resolve({code, stdout, stderr}))
  })
}
