import {FAMILIES} from '../../collect/prometheus-queries.js'
import type {Snapshot} from '../../snapshot/schema.js'

/*
 * Prometheus answered, but some of its queries did not (a 422 "too many samples", a timeout, a
 * token that expired halfway). A rule that read one of those families and found nothing has not
 * looked: the engine marks it not evaluated, and the source-failed rule says which queries failed.
 */

// a failure every later query would repeat: the collector stops and says it once
const FATAL = new Set(['forbidden', 'unreachable'])

/** Family → why its query failed, for a Prometheus that gave some samples; empty otherwise. */
export function failedPrometheusFamilies(s: Snapshot): Map<string, string> {
  const p = s.prometheus
  const out = new Map<string, string>()
  if (!p || p.samples.length === 0) return out
  const queryErrors = p.errors.filter((e) => e.command.startsWith('prometheus query '))
  for (const e of queryErrors) out.set(e.command.slice('prometheus query '.length), e.message)
  const fatal = queryErrors.find((e) => FATAL.has(e.kind))
  if (fatal) {
    // the queries after it were not sent: every family without a sample and not known absent
    const sampled = new Set(p.samples.map((x) => x.name))
    for (const f of FAMILIES) if (!sampled.has(f.family) && !p.absent.includes(f.family) && !out.has(f.family)) out.set(f.family, `not queried after: ${fatal.message}`)
  }
  return out
}

/** Whether the agents' own metrics (a collect directory, a sysdump) hold the family: then nothing is missing. */
export function agentsHaveFamily(s: Snapshot, family: string): boolean {
  return s.agents.some((a) => a.metrics?.samples.some((x) => x.name === family))
}
