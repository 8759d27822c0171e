import {AGENT_COMMANDS, FEATURE_COMMANDS} from '../collect/allowlist.js'
import type {EvidenceKind} from './evidence.js'

/*
 * The kind a file's name suggests: the names `ciltune collect` gives each output (collect/allowlist.ts), its
 * agent logs, and Prometheus's `.prom` for a scraped exposition. A suggestion only orders the detectors
 * (classify's `expected`); the content still decides.
 */

const BY_NAME: ReadonlyMap<string, EvidenceKind> = new Map<string, EvidenceKind>([
  ...[...AGENT_COMMANDS, ...FEATURE_COMMANDS].map((c) => [c.file, c.kind] as [string, EvidenceKind]),
  ['cilium-agent.log', 'agent-log'],
  ['cilium-agent-previous.log', 'agent-log'],
])

export function kindSuggestedBy(fileName: string): EvidenceKind | undefined {
  return BY_NAME.get(fileName) ?? (fileName.endsWith('.prom') ? 'metrics' : undefined)
}
