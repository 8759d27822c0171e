import type {Report} from './model.js'

type Paint = (s: string) => string

/** What .ciltune.yaml and --baseline changed, in both table layouts: nothing hidden goes unmentioned. */
export function configAndBaselineLines(r: Report, warn: Paint, dim: Paint, wide: boolean): string[] {
  const out: string[] = []
  for (const e of r.config.expired) {
    out.push(warn(`Expired suppression (${e.match}, expired ${e.expires}: ${e.reason}) no longer hides anything; renew or remove it in ${r.config.path ?? '.ciltune.yaml'}.`))
  }
  if (r.suppressed.length > 0) {
    out.push(dim(`Suppressed by ${r.config.path ?? '.ciltune.yaml'}: ${r.suppressed.length} finding(s)${wide ? ':' : ' (--wide or -o json lists them).'}`))
    if (wide) for (const s of r.suppressed) out.push(dim(`  [${s.code}] ${s.id}: ${s.title} (${s.suppressedBy.match}: ${s.suppressedBy.reason}${s.suppressedBy.expires ? `, until ${s.suppressedBy.expires}` : ''})`))
  }
  if (r.baseline) {
    const b = r.baseline
    out.push(`Baseline ${b.path}: ${r.findings.length} new, ${b.unchanged} unchanged (not shown), ${b.resolved.length} resolved.`)
    for (const x of b.resolved) out.push(`  resolved: [${x.code}] ${x.id}: ${x.title}`)
  }
  return out
}
