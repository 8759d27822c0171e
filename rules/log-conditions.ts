import {LOG_CONDITIONS, conditionOf, type LogCondition} from '../src/logs/catalog.js'
import {agentsOf, logEntries, type AgentLogEntry} from '../src/logs/entries.js'
import {capEvidence, ev, groupBy, logSourcePhrase, configText, distinctEvidence, helmValue} from '../src/rules/helpers.js'
import type {CheckResult, Severity} from '../src/rules/types.js'
import {defineRule} from '../src/rules/types.js'
import type {Snapshot} from '../src/snapshot/schema.js'

/** A fallback from a default the user never set is a note; from an explicit request, the condition's severity. */
function severityOf(c: LogCondition, s: Snapshot): {severity: Severity, asked?: string} {
  if (!c.askedFor) return {severity: c.severity}
  const cfg = configText(s, c.askedFor.configKey)
  if (cfg?.value === c.askedFor.value) return {severity: c.severity, asked: `cilium-config ${c.askedFor.configKey}: ${cfg.value}`}
  if (helmValue(s, c.askedFor.helmPath) === c.askedFor.helmValue) return {severity: c.severity, asked: `Helm ${c.askedFor.helmPath}: ${String(c.askedFor.helmValue)}`}
  return {severity: 'info'}
}

function finding(c: LogCondition, list: AgentLogEntry[], s: Snapshot): CheckResult {
  const {severity, asked} = severityOf(c, s)
  // fewer lines than make the condition: a blip, said as a note so an error line never ends in "No findings"
  const blip = list.length < (c.minCount ?? 1)
  // operator pods are named in the message, never counted as agents
  const agents = agentsOf(list)
  const first = list[0].entry.src.text
  return {
    severity: blip ? 'info' : severity,
    title: c.title,
    messageId: c.id,
    message: blip
      ? `${c.title} on ${logSourcePhrase(list)}: only ${list.length} log line${list.length === 1 ? '' : 's'}, fewer than the ${c.minCount} that make it an incident; a transient blip unless it repeats.`
      : `${c.title} on ${logSourcePhrase(list)} (${list.length} log line${list.length === 1 ? '' : 's'}): ${c.reading}` +
      (c.askedFor ? (asked ? ` (asked for: ${asked})` : ' (not set explicitly: the agent\'s default attempt fell back)') : '') + '.',
    agents,
    evidence: capEvidence(distinctEvidence(list.map((l) => ev(l.entry.src)))),
    helm: c.helm ?? [],
    fix: `${c.fix(first)} (${c.url})`,
  }
}

export default defineRule({
  meta: {
    id: 'log-conditions',
    title: 'Known conditions in agent logs',
    severity: 'critical',
    versions: '*',
    needs: [['logs']],
    messages: Object.fromEntries(LOG_CONDITIONS.filter((c) => !c.feature && !c.reportedBy).map((c) => [c.id, c.title])),
    description: `Agent log lines matching Cilium messages with a known meaning: ${LOG_CONDITIONS.filter((c) => !c.feature && !c.reportedBy).map((c) => c.id).join(', ')}. Each names the condition, its cause where the line gives one, and the fix.`,
    why: 'The agent often logs the cause of an incident long before status or metrics show it: identity exhaustion, an unreachable API server, a feature that silently fell back.',
    fix: 'Per condition; for "operation not permitted" the fix depends on what was refused (a TCP connect, a BPF map, a mount).',
    sources: [
      'https://docs.cilium.io/en/stable/operations/troubleshooting/',
      'https://docs.cilium.io/en/stable/operations/performance/scalability/identity-relevant-labels/',
      'https://github.com/cilium/cilium/issues/19279',
    ],
  },
  check(ctx) {
    const matched: Array<AgentLogEntry & {c: LogCondition}> = []
    for (const l of logEntries(ctx.snapshot)) {
      const c = conditionOf(l.entry.msg, l.entry.src.text)
      if (c) matched.push({...l, c})
    }
    return [...groupBy(matched, (m) => m.c.id).values()]
      // a feature's fallback is reported by feature-not-effective, as the reason the feature is off
      .filter((list) => !list[0].c.benign && !list[0].c.feature && !list[0].c.reportedBy)
      .map((list) => finding(list[0].c, list, ctx.snapshot))
  },
})
