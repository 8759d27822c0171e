import type {Agent, AgentStatus, ConfigMap, Snapshot, SourceRef} from '../../src/snapshot/schema.js'
import {emptyAgent, emptySnapshot, Snapshot as SnapshotSchema} from '../../src/snapshot/schema.js'

/** A SourceRef for hand-built test evidence. */
export function at(text: string, line = 1, file = 'test'): SourceRef {
  return {file, line, text}
}

export function status(partial: Partial<AgentStatus> = {}): AgentStatus {
  return {format: 'text', verbose: true, earlyExit: false, unrecognized: [], ...partial}
}

export function agent(name: string, partial: Partial<Agent> = {}): Agent {
  return {...emptyAgent(name), ...partial}
}

export function config(data: Record<string, string>, file = 'cilium-config.yaml'): ConfigMap {
  const out: ConfigMap = {name: 'cilium-config', namespace: 'kube-system', data: {}}
  let line = 1
  for (const [k, v] of Object.entries(data)) out.data[k] = {value: v, src: at(`${k}: ${v}`, ++line, file)}
  return out
}

/** Build a snapshot and validate it against the schema, so tests cannot build impossible evidence. */
export function snapshot(partial: {agents?: Agent[], cluster?: Partial<Snapshot['cluster']>, prometheus?: Snapshot['prometheus']} = {}): Snapshot {
  const s = emptySnapshot('files', 'test')
  s.agents = partial.agents ?? []
  s.cluster = {...s.cluster, ...partial.cluster}
  if (partial.prometheus) s.prometheus = partial.prometheus
  return SnapshotSchema.parse(s)
}
