import {mkdirSync, readdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {gunzipSync} from 'node:zlib'
import {stringify} from 'yaml'
import type {Collected, EvidenceFile} from '../ingest/evidence.js'
import type {CollectionError} from '../snapshot/schema.js'
import {InputError} from '../util/errors.js'
import {AGENT_COMMANDS, FEATURE_COMMANDS} from './allowlist.js'
import {REDACTED, redactText, redactValues} from '../util/redact.js'

/*
 * A live collection written in the `--from` directory format, to hand to a colleague:
 * a folder per agent (named after its pod) with a file per command, the cluster files beside them,
 * and collection-errors.json so `doctor --from DIR` still knows which agents could not be read.
 */

const AGENT_FILE: Record<string, string> = Object.fromEntries([...AGENT_COMMANDS, ...FEATURE_COMMANDS].map((c) => [c.kind, c.file]))

function agentFileName(f: EvidenceFile): string | undefined {
  if (f.kind === 'agent-log') return f.previous ? 'cilium-agent-previous.log' : 'cilium-agent.log'
  return f.kind ? AGENT_FILE[f.kind] : undefined
}

function asYaml(jsonText: string): string {
  const doc = JSON.parse(jsonText) as unknown
  return isList(doc) ? listYaml(doc) : stringify(doc, {lineWidth: 0})
}

function isList(doc: unknown): doc is Record<string, unknown> & {items: unknown[]} {
  return typeof doc === 'object' && doc !== null && Array.isArray((doc as {items?: unknown}).items)
}

/**
 * A Kubernetes list as YAML one item at a time, the same text as stringify(list): the yaml library's document
 * of a whole 2000-node NodeList was collect's peak (340 MB; 233 MB item by item).
 */
export function listYaml(list: Record<string, unknown> & {items: unknown[]}): string {
  const parts: string[] = []
  for (const [key, value] of Object.entries(list)) {
    if (key !== 'items' || list.items.length === 0) {
      parts.push(stringify({[key]: value}, {lineWidth: 0}))
      continue
    }
    parts.push('items:\n')
    // a sequence under a key is indented by two, its items' lines by four (empty lines of block scalars stay empty)
    for (const item of list.items) parts.push(stringify(item, {lineWidth: 0}).split('\n').map((l, i) => (l === '' ? l : `${i === 0 ? '  - ' : '    '}${l}`)).join('\n'))
  }
  return parts.join('')
}

/** Helm's release Secret → the user-supplied values (base64 by the API, base64+gzip by Helm, JSON). */
export function helmUserValues(secretJson: string): {values: unknown, chartVersion?: string, revision?: number, deployedAt?: string} | undefined {
  try {
    const secret = JSON.parse(secretJson) as {data?: {release?: string}}
    const helmValue = Buffer.from(secret.data?.release ?? '', 'base64').toString()
    let raw = Buffer.from(helmValue, 'base64')
    if (raw[0] === 0x1f && raw[1] === 0x8b) raw = gunzipSync(raw)
    const release = JSON.parse(raw.toString()) as {config?: unknown, version?: number, chart?: {metadata?: {version?: string}}, info?: {last_deployed?: string}}
    return {values: release.config ?? {}, chartVersion: release.chart?.metadata?.version, revision: release.version, deployedAt: release.info?.last_deployed}
  } catch {
    return undefined
  }
}

function clusterFile(f: EvidenceFile, redact: boolean): {name: string, text: string} | undefined {
  switch (f.kind) {
    case 'configmap': return {name: 'cilium-config.yaml', text: asYaml(f.text)}
    case 'nodes': return {name: 'nodes.yaml', text: asYaml(f.text)}
    case 'pods': return {name: f.path === 'pods' ? 'pods.yaml' : `pods-${f.path.replace(/^pods \((\w+)\)$/, '$1')}.yaml`, text: asYaml(f.text)}
    case 'operator': return {name: 'operator.yaml', text: asYaml(f.text)}
    case 'helm-release': {
      const h = helmUserValues(f.text)
      // undecodable: its payload cannot be redacted key by key, so it is not written at all
      if (!h) return redact ? {name: 'helm-release.json', text: `{"undecodable": "${REDACTED}"}\n`} : {name: 'helm-release.json', text: f.text}
      const head = `# Helm release of cilium${h.revision ? `, revision ${h.revision}` : ''}${h.chartVersion ? `, chart ${h.chartVersion}` : ''}${h.deployedAt ? `, deployed ${h.deployedAt}` : ''}: user-supplied values\n`
      return {name: 'helm-values.yaml', text: head + stringify(redact ? redactValues(h.values ?? {}) : h.values ?? {}, {lineWidth: 0})}
    }
    case 'cilium-resources': {
      // a list read whole (CiliumNodes …) is written as kubectl would print it; a count as its compact JSON
      if (/^cilium[a-z]+$/.test(f.path)) return {name: `${f.path}.yaml`, text: asYaml(f.text)}
      const kind = (JSON.parse(f.text) as {kind?: string}).kind ?? 'CiliumList'
      return {name: `${kind.replace(/List$/, '').replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase()}-count.json`, text: f.text + '\n'}
    }
    case 'operator-log': {
      // doctor --from reads a cilium-operator*.log beside the agent folders as an operator log (from-path.ts)
      const pod = /^pod\/([^:]+):/.exec(f.path)?.[1] ?? 'cilium-operator'
      return {name: `${pod.startsWith('cilium-operator') ? '' : 'cilium-operator-'}${pod}.log`, text: f.text}
    }
    default: return undefined
  }
}

/** Create `dir` for a capture: it must be absent or empty (checked before the cluster is read). */
export function prepareCollectionDir(dir: string): void {
  try {
    if (readdirSync(dir).length > 0) throw new InputError(`--output ${dir}: exists and is not empty; choose a new directory`)
  } catch (error) {
    if (error instanceof InputError) throw error
    // absent: created below
  }
  mkdirSync(dir, {recursive: true, mode: 0o700})
}

export interface WriteOptions {
  redact?: boolean
}

/**
 * The capture written as the collection goes (a live collection's sink): each output is on disk once its
 * command ends, and nothing of it is held. Held whole until the end, the outputs of a real-shaped
 * 5000-node cluster grew `collect` past 13 GB.
 */
export class CollectionWriter {
  readonly written: string[] = []
  private readonly agentErrors: Record<string, CollectionError[]> = {}
  private readonly skipped: Array<{path: string, reason: string}> = []
  private readonly agentDirs = new Set<string>()

  constructor(private readonly dir: string, private readonly opts: WriteOptions = {}) {}

  add(f: EvidenceFile): void {
    if (f.agent) {
      const name = agentFileName(f)
      if (!name) return
      this.agentDir(f.agent)
      this.put(join(f.agent, name), f.text)
      return
    }
    const cf = clusterFile(f, this.opts.redact ?? true)
    if (cf) this.put(cf.name, cf.text)
  }

  agentError(agent: string, error: CollectionError): void {
    (this.agentErrors[agent] ??= []).push(error)
  }

  skip(path: string, reason: string): void {
    this.skipped.push({path, reason})
  }

  /**
   * The collection is over: every agent gets its folder, even one with nothing read, and the errors are written.
   * What was handed to this sink (agent errors, skipped outputs) joins `c`'s own, for the caller's summary.
   */
  finish(c: Collected): string[] {
    for (const agent of c.agents) this.agentDir(agent)
    for (const [a, errors] of Object.entries(this.agentErrors)) c.agentErrors[a] = [...errors, ...c.agentErrors[a] ?? []]
    c.skipped = [...this.skipped, ...c.skipped]
    this.put('collection-errors.json', JSON.stringify({
      ciltuneCollectionErrors: 1,
      origin: c.origin,
      agents: c.agentErrors,
      cluster: c.clusterErrors,
      skipped: c.skipped,
    }, null, 2) + '\n')
    return this.written
  }

  private agentDir(agent: string): void {
    if (this.agentDirs.has(agent)) return
    this.agentDirs.add(agent)
    mkdirSync(join(this.dir, agent), {recursive: true, mode: 0o700})
  }

  private put(rel: string, text: string): void {
    // owner-only: even redacted, a capture names the cluster's nodes, addresses and configuration
    writeFileSync(join(this.dir, rel), this.opts.redact ?? true ? redactText(text) : text, {mode: 0o600})
    this.written.push(rel)
  }
}

/** Write `c` into `dir` (created; it must be absent or empty). Returns the files written, relative to dir. */
export function writeCollection(dir: string, c: Collected, opts: WriteOptions = {}): string[] {
  prepareCollectionDir(dir)
  const writer = new CollectionWriter(dir, opts)
  for (const f of c.files) writer.add(f)
  return writer.finish(c)
}
