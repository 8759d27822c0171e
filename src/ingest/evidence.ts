import {z} from 'zod'
import {type AgentLog, CollectionError} from '../snapshot/schema.js'

/** Every kind of file ciltune can read; recognized by content (see classify.ts), or declared by a collector. */
export const EvidenceKind = z.enum([
  'status-text', 'status-json', 'cli-status', 'service-list', 'map-list', 'metrics',
  'configmap', 'helm-values', 'helm-release', 'nodes', 'pods', 'agent-log', 'snapshot',
  'cilium-resources', 'operator', 'collection-errors', 'pods-table', 'cilium-health',
  'endpoint-list', 'encrypt-status', 'nodes-table', 'cilium-tables', 'pod-describe', 'controller-rows',
  'bgp-peers', // cilium bgp peers (cilium-cli) or cilium-dbg bgp peers
  'operator-log', // a cilium-operator container log: declared by the collector, or a cilium-operator*.log beside the agents
  'node-list', 'clustermesh-status',
])
export type EvidenceKind = z.infer<typeof EvidenceKind>

/** The skip reason of one pasted line that no reader understood, followed by the line itself. */
export const SINGLE_LINE = 'a single pasted line, not understood: '

/** Why a file was passed over; a single pasted line is quoted, so the report can say which line was not understood. */
export function notRecognized(text: string | undefined): string {
  const lines = (text ?? '').split('\n').map((l) => l.trim()).filter((l) => l !== '')
  if (lines.length === 1) return `${SINGLE_LINE}${lines[0].slice(0, 200)}`
  return 'not recognized as Cilium or Kubernetes output'
}

/**
 * One piece of raw evidence as collected: the live collector, `--from DIR` and the sysdump reader
 * all produce these, and one builder (build.ts) turns them into the snapshot.
 */
export interface EvidenceFile {
  path: string // shown in evidence: file path, archive path, or "pod/NAME: command"
  text: string
  agent?: string // the agent it belongs to; undefined = cluster-wide
  kind?: EvidenceKind // declared by a collector; otherwise classified by content
  previous?: boolean // agent log of the previous container
  bytes?: Buffer // the text as received (live exec, or a saved status/service list), so a repeated output can be recognized before it is decoded
  // `bytes` are a saved file's (a capture, a sysdump), not a live exec's output: they may have been cut where no
  // collector saw it, and may be a view of a buffer reused once the sink's add() returns (whatever is kept is copied)
  saved?: boolean
  log?: AgentLog // an agent log already read line by line (large files, sysdump entries); `text` is then unused
}

/** A saved file's bytes given to a sink (a capture, a sysdump): decoded only if the builder asks for its text. */
export function savedFile(path: string, bytes: Buffer, kind: EvidenceKind, agent: string | undefined): EvidenceFile {
  return {path, get text(): string {
    return bytes.toString('utf8')
  }, bytes, saved: true, kind, agent}
}

export interface Collected {
  origin: {kind: 'files' | 'live' | 'sysdump' | 'prometheus' | 'snapshot', path?: string, context?: string}
  files: EvidenceFile[]
  agents: string[] // every agent that should appear, even with no evidence (unreachable)
  agentNodes: Record<string, string>
  agentErrors: Record<string, CollectionError[]>
  clusterErrors: CollectionError[]
  skipped: Array<{path: string, reason: string}>
  /**
   * Where a live collection hands each file the moment it is read (the snapshot builder), instead of
   * `files`: a 5000-node cluster's PodList and NodeList are 60 MB of text not worth holding until every
   * agent was visited. Files added through addFile.
   */
  sink?: {add(file: EvidenceFile): void}
}

/** A file of the collection: to its sink when it has one, else kept in `files`. */
export function addFile(c: Collected, file: EvidenceFile): void {
  if (c.sink) c.sink.add(file)
  else c.files.push(file)
}

export function emptyCollected(kind: Collected['origin']['kind'], path?: string): Collected {
  return {origin: {kind, path}, files: [], agents: [], agentNodes: {}, agentErrors: {}, clusterErrors: [], skipped: []}
}
