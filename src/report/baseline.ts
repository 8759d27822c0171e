import {readFileSync} from 'node:fs'
import {z} from 'zod'
import {InputError} from '../util/errors.js'
import {findingCode} from './codes.js'
import {fingerprint} from './fingerprint.js'
import {exitCodeFor, type Report} from './model.js'
import type {Severity} from '../rules/types.js'

// Only what a baseline needs: older reports (before codes and fingerprints) still work as baselines.
const BaselineReport = z.object({
  findings: z.array(z.object({id: z.string(), title: z.string(), messageId: z.string().optional(), fingerprint: z.string().optional(), code: z.string().optional()})),
})

export function readBaseline(path: string): z.infer<typeof BaselineReport> {
  let data: unknown
  try {
    data = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    const e = error as NodeJS.ErrnoException
    throw new InputError(`--baseline ${path}: ${e.code === 'ENOENT' ? 'no such file' : `not JSON (${e.message.split('\n')[0]})`}; expected a report saved with doctor -o json`)
  }
  const parsed = BaselineReport.safeParse(data)
  if (!parsed.success) throw new InputError(`--baseline ${path}: not a ciltune report (expected {findings: [{id, title}]}, as doctor -o json writes)`)
  return parsed.data
}

/** Keep only findings not in the baseline; list what the baseline had that is gone; gate the exit code on the new ones. */
export function applyBaseline(report: Report, path: string, base: z.infer<typeof BaselineReport>): Report {
  const before = new Map(base.findings.map((f) => [f.fingerprint ?? fingerprint(f), f]))
  const now = new Set([...report.findings, ...report.suppressed].map((f) => f.fingerprint))
  const fresh = report.findings.filter((f) => !before.has(f.fingerprint))
  const resolved = [...before].filter(([fp]) => !now.has(fp)).map(([fp, f]) => ({id: f.id, code: f.code ?? findingCode(f.id, f.messageId), title: f.title, fingerprint: fp}))
  const count = (s: Severity) => fresh.filter((f) => f.severity === s).length
  const failOn = report.summary.failOn as Severity | 'none'
  return {
    ...report,
    findings: fresh,
    summary: {...report.summary, critical: count('critical'), high: count('high'), medium: count('medium'), info: count('info'), exitCode: exitCodeFor(fresh, failOn)},
    baseline: {path, unchanged: report.findings.length - fresh.length, resolved},
  }
}
