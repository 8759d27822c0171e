import {spawn} from 'node:child_process'
import {requirePrometheus} from './prometheus-server.js'

export interface ToolResult {code: number | null, stdout: string, stderr: string}

/** Run the real promtool (Debian's prometheus package), feeding `stdin` when given. */
export function promtool(args: string[], stdin?: string, cwd?: string): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const p = spawn('promtool', args, {cwd, stdio: ['pipe', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    p.on('error', reject)
    p.on('close', (code) => resolve({code, stdout, stderr}))
    p.stdin.end(stdin ?? '')
  })
}

/** In a mocha before(): skip with a message on a dev box without promtool, fail in CI. */
export const requirePromtool = requirePrometheus
