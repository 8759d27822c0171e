import type {Agent, Snapshot, SourceRef, Truncation} from '../../snapshot/schema.js'
import type {Evidence, EvidenceKind} from '../types.js'

export {compareVersions, parseVersion, versionSatisfies} from '../../cilium/version.js'

/** Evidence line from a parsed value's source. */
export function ev(src: SourceRef): Evidence {
  return {source: src.file, line: src.line, text: src.text}
}

/**
 * Every evidence line is kept (the JSON contract promises all of them, with real lines only);
 * the terminal table is where lines are shortened, and it says how many it left out.
 */
export function capEvidence(items: Evidence[], _formerCap?: number): Evidence[] {
  return items
}

export function has(snapshot: Snapshot, kind: EvidenceKind): boolean {
  const c = snapshot.cluster
  switch (kind) {
    case 'status': return snapshot.agents.some((a) => a.status)
    case 'services': return snapshot.agents.some((a) => a.services)
    case 'maps': return snapshot.agents.some((a) => a.maps)
    case 'metrics': return snapshot.agents.some((a) => a.metrics && a.metrics.samples.length > 0) ||
      Boolean(snapshot.prometheus && snapshot.prometheus.samples.length > 0)
    case 'logs': return snapshot.agents.some((a) => a.logs.length > 0) || Boolean(c.operatorLogs && c.operatorLogs.length > 0)
    case 'config': return Boolean(c.config)
    case 'helm': return Boolean(c.helm)
    case 'nodes': return Boolean(c.nodes && c.nodes.length > 0)
    case 'pods': return Boolean(c.pods && c.pods.length > 0) || snapshot.agents.some((a) => a.pod)
    case 'counts': return Boolean(c.counts) || Boolean(c.ciliumNodes && c.ciliumNodes.length > 0) || c.localRedirectPolicies !== undefined
    case 'operator': return Boolean(c.operator)
    case 'prometheus': return Boolean(snapshot.prometheus)
    case 'endpoints': return snapshot.agents.some((a) => a.endpoints) || Boolean(c.ciliumEndpoints)
    case 'encrypt': return snapshot.agents.some((a) => a.encrypt)
    case 'bgp': return snapshot.agents.some((a) => a.bgpPeers !== undefined)
    case 'events': return Boolean(c.podEvents)
    case 'node-list': return snapshot.agents.some((a) => a.knownNodes)
    case 'clustermesh': return Boolean(c.clusterMesh)
  }
}

export function agentsWith<K extends 'status' | 'services' | 'maps' | 'metrics'>(
  snapshot: Snapshot, kind: K,
): Array<Agent & Required<Pick<Agent, K>>> {
  return snapshot.agents.filter((a) => a[kind] !== undefined) as Array<Agent & Required<Pick<Agent, K>>>
}

/** cilium-config value with its source; undefined when the key or the ConfigMap is absent. */
export function configValue(snapshot: Snapshot, key: string): {value: string, src: SourceRef} | undefined {
  return snapshot.cluster.config?.data[key]
}

export function configBool(snapshot: Snapshot, key: string): boolean | undefined {
  const v = configValue(snapshot, key)?.value.trim().toLowerCase()
  if (v === undefined) return undefined
  if (v === 'true') return true
  if (v === 'false') return false
  return undefined
}

/**
 * Whether a key path missing from a cut document would have been printed before the cut, so its absence
 * is real. Only a document printed in sorted key order (kubectl, helm get values) tells; in any other a
 * missing key may have followed the cut.
 */
export function absentBeforeCut(cut: Truncation | undefined, path: Array<string | number>): boolean {
  if (!cut) return true
  const last = cut.after
  if (!last) return false
  for (let i = 0; i < Math.min(path.length, last.length); i++) {
    const a = String(path[i])
    const b = String(last[i])
    if (a !== b) return a < b
  }
  // the last key read, or a key inside it: what followed in it may have been cut
  return false
}

function helmAt(values: Record<string, unknown> | undefined, path: string): unknown {
  let cur: unknown = values
  for (const seg of path.split('.')) {
    if (typeof cur !== 'object' || cur === null || Array.isArray(cur)) return undefined
    cur = (cur as Record<string, unknown>)[seg]
  }
  return cur
}

/**
 * Why a setting cannot be judged absent: it is in neither cilium-config nor the Helm values, and one of them
 * was cut before the place it would be written. Undefined when it is present, or absent for real. A rule that
 * would conclude "not set, so the default" calls ctx.notJudged with this reason instead.
 */
export function settingCut(snapshot: Snapshot, where: {config?: string, helm?: string}): string | undefined {
  const {config, helm} = snapshot.cluster
  if (where.config && config?.data[where.config] !== undefined) return undefined
  if (where.helm && helmAt(helm?.values, where.helm) !== undefined) return undefined
  const cuts: string[] = []
  // a source read whole (or cut after the place) that lacks the key settles it
  if (where.config && config) {
    if (absentBeforeCut(config.truncation, ['data', where.config])) return undefined
    cuts.push(`cilium-config was cut at line ${config.truncation!.line} before ${where.config} would be written (${config.truncation!.reason}): whether it is set is unknown`)
  }
  if (where.helm && helm) {
    if (absentBeforeCut(helm.truncation, where.helm.split('.'))) return undefined
    cuts.push(`the Helm values (${helm.source}) were cut at line ${helm.truncation!.line} before ${where.helm} would be written (${helm.truncation!.reason}): whether it is set is unknown`)
  }
  return cuts[0]
}

/** The most common agent version in the snapshot (from status), or undefined. */
export function clusterVersion(snapshot: Snapshot): string | undefined {
  const counts = new Map<string, number>()
  for (const a of snapshot.agents) {
    const v = a.status?.cilium?.version
    if (v) counts.set(v, (counts.get(v) ?? 0) + 1)
  }
  let best: string | undefined
  let n = 0
  for (const [v, c] of counts) if (c > n) [best, n] = [v, c]
  return best
}

type AgentSample = NonNullable<Agent['metrics']>['samples'][number]

// The agents' samples by family name, for the snapshot the engine is running rules over: rules ask for
// some forty families, and scanning every sample of 1000 agents for each costs more than the rules.
// Two parallel lists a family, not an [agent, sample] pair per sample: at 5000 agents the pairs were 18 MB
// that lived through all the rules.
interface FamilySamples {agents: string[], samples: AgentSample[]}
let metricIndex: {snapshot: Snapshot, byName?: Map<string, FamilySamples>} | undefined

/** Run `fn` with metricSamples answering from an index of `snapshot` (which must not change meanwhile). */
export function withMetricIndex<T>(snapshot: Snapshot, fn: () => T): T {
  const previous = metricIndex
  metricIndex = {snapshot}
  try {
    return fn()
  } finally {
    metricIndex = previous
  }
}

const NONE: FamilySamples = {agents: [], samples: []}

function indexedAgentSamples(snapshot: Snapshot, name: string): FamilySamples | undefined {
  if (metricIndex?.snapshot !== snapshot) return undefined
  if (!metricIndex.byName) {
    const byName = new Map<string, FamilySamples>()
    for (const a of snapshot.agents) {
      for (const s of a.metrics?.samples ?? []) {
        let family = byName.get(s.name)
        if (!family) byName.set(s.name, family = {agents: [], samples: []})
        family.agents.push(a.name)
        family.samples.push(s)
      }
    }
    metricIndex.byName = byName
  }
  return metricIndex.byName.get(name) ?? NONE
}

// Families a rule asked for while the engine runs it, kept on the snapshot itself under a registered
// symbol (not in module state): a rule file may be loaded with its own copy of this module.
const READS = Symbol.for('ciltune.metricReads')
type Tracked = Snapshot & {[READS]?: Set<string>}

/** Run `fn` and return the metric families it read from `snapshot` through metricSamples. */
export function trackMetricReads<T>(snapshot: Snapshot, fn: () => T): {result: T, reads: Set<string>} {
  const s = snapshot as Tracked
  const previous = s[READS]
  const reads = new Set<string>()
  Object.defineProperty(s, READS, {value: reads, enumerable: false, configurable: true, writable: true})
  try {
    return {result: fn(), reads}
  } finally {
    Object.defineProperty(s, READS, {value: previous, enumerable: false, configurable: true, writable: true})
  }
}

/** Metric samples for a family, from the agents (each tagged with its agent) and from Prometheus. */
export function metricSamples(snapshot: Snapshot, name: string) {
  const reads = (snapshot as Tracked)[READS]
  reads?.add(name)
  const out: Array<{agent?: string, labels: Record<string, string>, value: number, src: SourceRef}> = []
  const indexed = indexedAgentSamples(snapshot, name)
  if (indexed) {
    indexed.samples.forEach((s, i) => out.push({agent: indexed.agents[i], labels: s.labels, value: s.value, src: s.src}))
  } else {
    for (const a of snapshot.agents) {
      for (const s of a.metrics?.samples ?? []) if (s.name === name) out.push({agent: a.name, labels: s.labels, value: s.value, src: s.src})
    }
  }
  for (const s of snapshot.prometheus?.samples ?? []) {
    if (s.name === name) out.push({agent: s.labels.pod ?? s.labels.instance, labels: s.labels, value: s.value, src: s.src})
  }
  return out
}

/** Whether a metric family was exported at all (present in any agent or in Prometheus). */
export function metricExported(snapshot: Snapshot, name: string): boolean {
  return metricSamples(snapshot, name).length > 0
}

export function percent(x: number): string {
  return `${(x * 100).toFixed(x >= 0.1 ? 0 : 1)} %`
}

/** Whether anything was read at all: "no findings" from unreadable input must not look like "healthy". */
export function hasAnyEvidence(s: Snapshot): boolean {
  const c = s.cluster
  return s.agents.some((a) => a.status || a.services || a.maps || a.metrics || a.endpoints || a.encrypt || a.bgpPeers || a.knownNodes || a.logs.length > 0 || a.errors.length > 0) ||
    Boolean(c.config || c.helm || c.nodes?.length || c.pods?.length || c.counts || c.operator || c.cliStatus || c.ciliumEndpoints || c.podEvents || c.clusterMesh || c.errors.length > 0) ||
    Boolean(c.operatorLogs?.length || c.ciliumNodes?.length || c.localRedirectPolicies || c.nodeConfigs) ||
    Boolean(s.prometheus)
}

/** Group items by a key, keeping first-seen order. */
export function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>()
  for (const it of items) {
    const k = key(it)
    const list = out.get(k)
    if (list) list.push(it)
    else out.set(k, [it])
  }
  return out
}

const nameIndexes = new WeakMap<readonly {name: string}[], Map<string, {name: string}>>()

/** The first item with each name, as `find` would return it, indexed once per list: no scans inside loops over agents. */
export function byName<T extends {name: string}>(items: readonly T[] | undefined, name: string | undefined): T | undefined {
  if (!items || name === undefined) return undefined
  let index = nameIndexes.get(items)
  if (!index) {
    index = new Map()
    for (const x of items) if (!index.has(x.name)) index.set(x.name, x)
    nameIndexes.set(items, index)
  }
  return index.get(name) as T | undefined
}
