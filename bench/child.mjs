// Runs the built CLI in this process and reports its peak RSS, so the benchmark measures the real command.
import {execute} from '@oclif/core'

process.on('exit', () => {
  process.stderr.write(`\n__BENCH_MAX_RSS_KB=${process.resourceUsage().maxRSS}\n`)
})
await execute({dir: new URL('../bin/run.js', import.meta.url).href, args: process.argv.slice(2)})
