// Runs the built CLI in this process and reports its peak RSS, so the benchmark measures the real command.
import {execute} from '@oclif/core'

process.on('exit', () => {
  const u = process.resourceUsage()
  process.stderr.write(`\n__BENCH_MAX_RSS_KB=${u.maxRSS}\n__BENCH_CPU_US=${u.userCPUTime + u.systemCPUTime}\n`)
})
await execute({dir: new URL('../bin/run.js', import.meta.url).href, args: process.argv.slice(2)})
