import type {LogEntry, Snapshot} from '../snapshot/schema.js'

export interface AgentLogEntry {agent: string, entry: LogEntry, previous: boolean}

/** Every kept log entry of every agent, with the agent it came from. */
export function logEntries(snapshot: Snapshot): AgentLogEntry[] {
  const out: AgentLogEntry[] = []
  for (const a of snapshot.agents) {
    for (const l of a.logs) for (const entry of l.entries) out.push({agent: a.name, entry, previous: l.previous})
  }
  return out
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
