import type {Report, ReportFinding} from '../report/model.js'
import type {CiltuneConfig, Suppression} from './schema.js'

export function describeSuppression(s: Suppression): string {
  return (['rule', 'messageId', 'agent', 'node'] as const).filter((k) => s[k]).map((k) => `${k}=${s[k]}`).join(',')
}

/** Agent and node selectors match when every affected agent matches; a cluster-wide finding has none to match. */
function matches(s: Suppression, f: ReportFinding, nodeOf: Map<string, string | undefined>): boolean {
  if (s.rule && s.rule !== f.id) return false
  if (s.messageId && s.messageId !== f.messageId) return false
  if (s.agent && (f.agents.length === 0 || f.agents.some((a) => a !== s.agent))) return false
  if (s.node && (f.agents.length === 0 || f.agents.some((a) => nodeOf.get(a) !== s.node))) return false
  return true
}

/**
 * Severity overrides first, then suppressions. Nothing is dropped: suppressed findings go to their own list
 * (counted in the summary), and an expired suppression suppresses nothing and is reported.
 */
export function applyConfig(findings: ReportFinding[], cfg: CiltuneConfig, agents: Array<{name: string, node?: string}>, today: string, path?: string):
  {findings: ReportFinding[], suppressed: Report['suppressed'], config: Report['config']} {
  const nodeOf = new Map(agents.map((a) => [a.name, a.node]))
  const expired = cfg.suppress.filter((s) => s.expires !== undefined && s.expires < today)
  const active = cfg.suppress.filter((s) => !expired.includes(s))
  let overrides = 0
  const kept: ReportFinding[] = []
  const suppressed: Report['suppressed'] = []
  for (const original of findings) {
    const sev = cfg.severity[original.id]
    const f = sev && sev !== original.severity ? {...original, severity: sev} : original
    if (f !== original) overrides++
    const s = active.find((x) => matches(x, f, nodeOf))
    if (s) suppressed.push({...f, suppressedBy: {reason: s.reason, match: describeSuppression(s), ...(s.expires ? {expires: s.expires} : {})}})
    else kept.push(f)
  }
  return {
    findings: kept,
    suppressed,
    config: {
      ...(path ? {path} : {}),
      expired: expired.map((s) => ({match: describeSuppression(s), reason: s.reason, expires: s.expires!})),
      severityOverrides: overrides,
    },
  }
}
