import {spawn, type SpawnOptions} from 'node:child_process'

export interface ProcessResult {code: number | null, stdout: string, stderr: string}

/** Run a program to its end and keep what it printed; `stdin`, when given, is written and closed. */
export function runProcess(cmd: string, args: string[], options: SpawnOptions, stdin?: string): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, {...options, stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    p.stdout?.on('data', (d: Buffer) => (stdout += d.toString()))
    p.stderr?.on('data', (d: Buffer) => (stderr += d.toString()))
    p.on('error', reject)
    p.on('close', (code) => resolve({code, stdout, stderr}))
    if (stdin !== undefined) p.stdin?.end(stdin)
  })
}
