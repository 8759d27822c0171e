import {z} from 'zod'
import type {Snapshot} from '../snapshot/schema.js'
import {isClaimed} from './claimed.js'

/*
 * How much of the logs ciltune understood. A line is understood when its format was read (a level was found) and,
 * if it is an error, fatal or panic line, some rule claims it; error lines no rule explains are not understood
 * (log-errors lists them). Lines in no known format are neither.
 */
export const LogCoverage = z.object({
  lines: z.number().int(), // non-empty lines read
  parsed: z.number().int(), // lines in a known log format
  errorLines: z.number().int(), // error, fatal and panic lines
  errorLinesRecognized: z.number().int(), // of those, claimed by a rule (counted among the entries kept)
  understood: z.number().int(),
  truncated: z.boolean(), // older entries were dropped: the counts of recognized lines cover the newest ones only
})
export type LogCoverage = z.infer<typeof LogCoverage>

const SEVERE = ['error', 'fatal', 'panic']

export function logCoverage(s: Snapshot): LogCoverage | undefined {
  const logs = s.agents.flatMap((a) => a.logs)
  if (logs.length === 0) return undefined
  let lines = 0, parsed = 0, errorLines = 0, errorLinesRecognized = 0
  for (const l of logs) {
    lines += l.lines
    for (const [level, n] of Object.entries(l.levels)) {
      parsed += n
      if (SEVERE.includes(level)) errorLines += n
    }
    errorLinesRecognized += l.entries.filter((e) => SEVERE.includes(e.level) && isClaimed(e)).length
  }
  return {lines, parsed, errorLines, errorLinesRecognized, understood: parsed - (errorLines - errorLinesRecognized), truncated: logs.some((l) => l.truncated)}
}
