import {runProcess} from './spawn.js'
import {requirePrometheus} from './prometheus-server.js'

export interface ToolResult {code: number | null, stdout: string, stderr: string}

/** Run the real promtool (Debian's prometheus package), feeding `stdin` when given. */
export function promtool(args: string[], stdin?: string, cwd?: string): Promise<ToolResult> {
  return runProcess('promtool', args, {cwd}, stdin ?? '')
}

/** In a mocha before(): skip with a message on a dev box without promtool, fail in CI. */
export const requirePromtool = requirePrometheus
