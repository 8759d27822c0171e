import type {Agent, Node, Snapshot, SourceRef} from '../../snapshot/schema.js'
import {configValue, metricSamples, parseVersion} from './core.js'
import {atLeast} from '../../cilium/version.js'
import {valueAt} from '../../cilium/conditions.js'
import type {Evidence} from '../types.js'

/*
 * Helpers shared by the health / datapath / scale / hygiene rules (group B).
 * Clusters can have 1000 agents: names are listed with a cap so a message stays one line.
 */

/** "a, b, c" or "a, b, c … (+997 more)". */
export function nameList(names: string[], max = 5): string {
  const uniq = [...new Set(names)]
  if (uniq.length <= max) return uniq.join(', ')
  return `${uniq.slice(0, max).join(', ')} … (+${uniq.length - max} more)`
}

/** "cilium-a" or "3 agents (cilium-a, cilium-b, cilium-c)". */
export function agentPhrase(names: string[], max = 5): string {
  const uniq = [...new Set(names)]
  if (uniq.length === 1) return uniq[0]
  return `${uniq.length} agents (${nameList(uniq, max)})`
}

/** Agents and cilium-operator pods that logged something: "2 agents (a, b) and operator pod op-1". */
export function logSourcePhrase(list: Array<{agent: string, operator?: true}>): string {
  const agents = [...new Set(list.filter((l) => !l.operator).map((l) => l.agent))]
  const ops = [...new Set(list.filter((l) => l.operator).map((l) => l.agent))]
  const opPhrase = ops.length === 1 ? `operator pod ${ops[0]}` : `${ops.length} operator pods (${nameList(ops)})`
  if (ops.length === 0) return agentPhrase(agents)
  return agents.length === 0 ? opPhrase : `${agentPhrase(agents)} and ${opPhrase}`
}


/** Evidence lines, one per distinct source line (many agents often print the same line). */
export function distinctEvidence(items: Evidence[]): Evidence[] {
  const seen = new Set<string>()
  return items.filter((e) => {
    const k = `${e.source}\u0000${e.line}\u0000${e.text}`
    if (seen.has(k)) return false
    seen.add(k)
    return true
  })
}

/** Nested Helm value by dotted path from the user-supplied values; undefined when absent. */
export function helmValue(snapshot: Snapshot, path: string): unknown {
  return valueAt(snapshot.cluster.helm?.values, path)
}

/** A Helm value as a lower-case string (booleans and numbers included), or undefined. */
export function helmString(snapshot: Snapshot, path: string): string | undefined {
  const v = helmValue(snapshot, path)
  if (v === undefined || v === null) return undefined
  if (typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number') return String(v).trim().toLowerCase()
  return undefined
}

/** Evidence for a Helm value (the release has no line numbers). */
export function helmEvidence(snapshot: Snapshot, path: string): Evidence {
  return {source: snapshot.cluster.helm?.source ?? 'helm values', line: 0, text: `${path}: ${JSON.stringify(helmValue(snapshot, path))}`}
}

/** A cilium-config key as lower-case text, with its source. */
export function configText(snapshot: Snapshot, key: string): {value: string, src: SourceRef} | undefined {
  const v = configValue(snapshot, key)
  return v ? {value: v.value.trim().toLowerCase(), src: v.src} : undefined
}

export function isTrue(v: string | undefined): boolean {
  return v !== undefined && ['true', '1', 'yes', 'enabled'].includes(v.trim().toLowerCase())
}

/** Kernel release as [major, minor, patch]; undefined when not printed. */
export function kernelOf(node: Node): [number, number, number] | undefined {
  return parseVersion(node.kernel)
}

export function kernelAtLeast(node: Node, major: number, minor: number): boolean | undefined {
  return atLeast(node.kernel, `${major}.${minor}`)
}

/** Nodes split by a kernel threshold; `unknown` = nodes whose kernel was not reported. */
export function nodesByKernel(nodes: Node[], major: number, minor: number): {ok: Node[], old: Node[], unknown: Node[]} {
  const out = {ok: [] as Node[], old: [] as Node[], unknown: [] as Node[]}
  for (const n of nodes) {
    const r = kernelAtLeast(n, major, minor)
    if (r === undefined) out.unknown.push(n)
    else if (r) out.ok.push(n)
    else out.old.push(n)
  }
  return out
}

/** The node an agent runs on (agent.node, pod.node), when known. */
export function agentNode(a: Agent): string | undefined {
  return a.node ?? a.pod?.node
}

/** Per-agent gauge value for a metric family (summed over matching label sets), agents and Prometheus. */
export function gaugeByAgent(
  snapshot: Snapshot, name: string, match: (labels: Record<string, string>) => boolean = () => true,
): Map<string, {value: number, src: SourceRef[]}> {
  const out = new Map<string, {value: number, src: SourceRef[]}>()
  for (const s of metricSamples(snapshot, name)) {
    if (!match(s.labels)) continue
    const key = s.agent ?? s.labels.node ?? 'cluster'
    const cur = out.get(key) ?? {value: 0, src: []}
    cur.value += s.value
    cur.src.push(s.src)
    out.set(key, cur)
  }
  return out
}

/** Number of nodes in the cluster from the best evidence available, with where it came from. */
export function nodeCount(snapshot: Snapshot): {count: number, from: string, src?: SourceRef} | undefined {
  const c = snapshot.cluster
  if (c.nodes && c.nodes.length > 0) return {count: c.nodes.length, from: 'Node objects', src: c.nodes[0].src}
  if (c.counts?.ciliumNodes !== undefined) return {count: c.counts.ciliumNodes, from: 'CiliumNode count', src: c.counts.src}
  return undefined
}
