import type {LogEntry, Snapshot} from '../snapshot/schema.js'

/** One kept log line; `operator` marks a cilium-operator pod's line (its `agent` is then the operator pod). */
export interface AgentLogEntry {agent: string, entry: LogEntry, previous: boolean, operator?: true}

/**
 * The operator pod a log was read from: "pod/NAME: logs cilium-operator" live, "DIR/NAME.log" from a capture,
 * "logs-NAME-cilium-operator-<ts>.log" in a sysdump.
 */
export function operatorPodOf(file: string): string {
  const live = /^pod\/([^:]+):/.exec(file)?.[1]
  if (live) return live
  const base = file.split('/').pop()!.replace(/\.log$/, '')
  return /^logs-(.+)-cilium-operator-\d{8}-\d{6}$/.exec(base)?.[1] ?? base
}

/** Every kept log entry of every agent, with the agent it came from, then the operator's. */
export function logEntries(snapshot: Snapshot): AgentLogEntry[] {
  const out: AgentLogEntry[] = []
  for (const a of snapshot.agents) {
    for (const l of a.logs) for (const entry of l.entries) out.push({agent: a.name, entry, previous: l.previous})
  }
  for (const l of snapshot.cluster.operatorLogs ?? []) {
    const pod = operatorPodOf(l.file)
    for (const entry of l.entries) out.push({agent: pod, entry, previous: l.previous, operator: true})
  }
  return out
}

/** The agents (not operator pods) among entries: what a finding's `agents` may name. */
export function agentsOf(list: AgentLogEntry[]): string[] {
  return [...new Set(list.filter((l) => !l.operator).map((l) => l.agent))]
}

/**
 * A message with its variable parts replaced, so "Regeneration of endpoint failed" for endpoint 12 and 13
 * counts as one template: quoted values, IPs, numbers and hex ids become placeholders.
 */
export function messageTemplate(msg: string): string {
  return msg
    .replace(/"(?:[^"\\]|\\.)*"/g, '"…"')
    .replace(/\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/g, '<ip>')
    .replace(/\b[0-9a-f]{8,}\b/gi, '<id>')
    .replace(/\d+/g, 'N')
    .slice(0, 160)
}
