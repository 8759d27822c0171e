import {mkdirSync, readdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {gunzipSync} from 'node:zlib'
import {stringify} from 'yaml'
import type {Collected, EvidenceFile} from '../ingest/evidence.js'
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
  return stringify(JSON.parse(jsonText), {lineWidth: 0})
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

/** Write `c` into `dir` (created; it must be absent or empty). Returns the files written, relative to dir. */
export function writeCollection(dir: string, c: Collected, opts: {redact?: boolean, anonymize?: {text(s: string): string}} = {}): string[] {
  const redact = opts.redact ?? true
  try {
    if (readdirSync(dir).length > 0) throw new InputError(`--output ${dir}: exists and is not empty; choose a new directory`)
  } catch (error) {
    if (error instanceof InputError) throw error
    // absent: created below
  }
  mkdirSync(dir, {recursive: true, mode: 0o700})
  const written: string[] = []
  const anon = (s: string) => (opts.anonymize ? opts.anonymize.text(s) : s)
  const put = (rel: string, text: string) => {
    // owner-only: even redacted, a capture names the cluster's nodes, addresses and configuration
    writeFileSync(join(dir, anon(rel)), anon(redact ? redactText(text) : text), {mode: 0o600})
    written.push(anon(rel))
  }
  for (const agent of c.agents) mkdirSync(join(dir, anon(agent)), {recursive: true, mode: 0o700})
  for (const f of c.files) {
    if (f.agent) {
      const name = agentFileName(f)
      if (name) put(join(f.agent, name), f.text)
      continue
    }
    const cf = clusterFile(f, redact)
    if (cf) put(cf.name, cf.text)
  }
  put('collection-errors.json', JSON.stringify({
    ciltuneCollectionErrors: 1,
    origin: c.origin,
    agents: c.agentErrors,
    cluster: c.clusterErrors,
    skipped: c.skipped,
  }, null, 2) + '\n')
  return written
}
