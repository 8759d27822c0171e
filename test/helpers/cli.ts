import {join} from 'node:path'
import {PROJECT_DIR} from './reference.js'
import {runProcess} from './spawn.js'

export interface CliResult {code: number | null, stdout: string, stderr: string}

/** Run the built CLI (`npm test` builds first) as a user would, with an optional environment. */
export function cli(args: string[], env: NodeJS.ProcessEnv = {}, cwd = PROJECT_DIR): Promise<CliResult> {
  return runProcess(process.execPath, [join(PROJECT_DIR, 'bin', 'run.js'), ...args], {
    cwd,
    env: {...process.env, NO_COLOR: '', FORCE_COLOR: '', ...env},
  })
}
