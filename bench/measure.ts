import {spawn} from 'node:child_process'
import {fileURLToPath} from 'node:url'

/** cpuMs: user + system CPU of the CLI process; on a busy machine it says more than the wall clock. */
export interface CliRun {ms: number, cpuMs: number, maxRssMb: number, code: number | null, stdout: string, stderr: string}

const CHILD = fileURLToPath(new URL('./child.mjs', import.meta.url))

/** BENCH_NODE_ARGS: Node options for the measured process, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` (NODE_OPTIONS refuses those). */
function nodeArgs(): string[] {
  return process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []
}

/** Time one run of the built CLI (wall clock, spawn to exit) and read its peak RSS. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint()
    const p = spawn(process.execPath, [...nodeArgs(), CHILD, ...args], {env: {...process.env, ...env}})
    let stdout = ''
    let stderr = ''
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    p.on('error', reject)
    p.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6
      const rss = /__BENCH_MAX_RSS_KB=(\d+)/.exec(stderr)
      const cpu = /__BENCH_CPU_US=(\d+)/.exec(stderr)
      resolve({
        ms, cpuMs: cpu ? Number(cpu[1]) / 1000 : NaN, maxRssMb: rss ? Number(rss[1]) / 1024 : NaN, code, stdout,
        stderr: stderr.replace(/\n__BENCH_MAX_RSS_KB=\d+\n(__BENCH_CPU_US=\d+\n)?/, ''),
      })
    })
  })
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}
