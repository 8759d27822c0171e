// Runs the built CLI in this process and reports its peak RSS, so the benchmark measures the real command.
import {readFileSync} from 'node:fs'
import {execute} from '@oclif/core/execute'

/**
 * Peak RSS of this program, in KB. On Linux from VmHWM: getrusage's ru_maxrss survives exec, so a child
 * spawned by a parent larger than itself reports the parent's size (the bench process holding a 235 MB
 * sysdump being built made a 150 MB doctor run read as 279 MB). VmHWM belongs to the new program only.
 */
function peakRssKb() {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))
    if (hwm) return Number(hwm[1])
  } catch {
    // not Linux: ru_maxrss below
  }
  return process.resourceUsage().maxRSS
}

process.on('exit', () => {
  const u = process.resourceUsage()
  process.stderr.write(`\n__BENCH_MAX_RSS_KB=${peakRssKb()}\n__BENCH_CPU_US=${u.userCPUTime + u.systemCPUTime}\n`)
})
await execute({dir: new URL('../bin/run.js', import.meta.url).href, args: process.argv.slice(2)})
