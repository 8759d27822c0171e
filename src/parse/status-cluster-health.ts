import type {AgentStatus, SourceRef} from '../snapshot/schema.js'
import {safeInt} from './status-values.js'

type ClusterHealth = NonNullable<AgentStatus['clusterHealth']>
type HealthNode = ClusterHealth['nodes'][number]

/**
 * Header value: "1/3 reachable   (ts)[   (Probe interval: …)]", "Probe disabled",
 * "Warning   cilium-health daemon unreachable", "Client error: …".
 */
export function clusterHealthHeader(value: string): {reachable?: number, total?: number, text: string} {
  const text = value.trim()
  const m = /^(\d+)\/(\d+)\s+reachable/.exec(text)
  return {reachable: safeInt(m?.[1]), total: safeInt(m?.[2]), text}
}

const STATUS = String.raw`(?:reachable|unreachable|true|false|\d+\/\d+(?:\s+\(\d+\s+unknown\))?)`
// "  node[ (localhost)]   IP[,IP2]   host   endpoints": words (≤1.16), x/y counts (1.17+), true/false (≤1.8).
const ROW = new RegExp(String.raw`^\s+(\S+)(\s+\(localhost\))?(?:\s+(\S+))?\s+(${STATUS})(?:\s+(${STATUS}))?\s*$`)
const TABLE_HEADER = /^\s*Name\s+IP\s+(?:Node\s+Endpoints|Reachable\s+Endpoints reachable)\s*$/
const PATH_BLOCK = /^ {4}(?:Secondary\s+)?(Host|Endpoint)\s+connectivity\s+to\s+(\S+?):?$/i
const PROBE = /^ {6}\S[^:]*:\s+(.*)$/

/** "  node[ (localhost)]:" opening a --verbose per-node block (exactly 2 spaces of indent). */
function nodeBlock(raw: string): {name: string, localhost: boolean} | undefined {
  if (!raw.startsWith('  ') || /^\s/.test(raw.slice(2)) || !raw.endsWith(':')) return undefined
  let name = raw.slice(2, -1).trim()
  const localhost = name.endsWith('(localhost)')
  if (localhost) name = name.slice(0, -'(localhost)'.length).trim()
  return name ? {name, localhost} : undefined
}

/** A table row ("  node   IP   host   endpoints"), as line() reads it before anything else. */
export function isHealthRow(raw: string): boolean {
  return ROW.test(raw)
}

/** "  node[ (localhost)]:" opening a --verbose node block. */
export function opensNodeBlock(raw: string): boolean {
  return nodeBlock(raw) !== undefined
}

/** ok when every path is reachable: "reachable"/"true", or x/y with x = y. */
export function pathOk(s: string): boolean {
  const t = s.trim().toLowerCase()
  if (t === 'reachable' || t === 'true') return true
  const m = /^(\d+)\/(\d+)/.exec(t)
  return Boolean(m && m[1] === m[2] && !/unknown/.test(t))
}

interface Block {
  node: HealthNode
  host: {ok: number, total: number}
  endpoints: {ok: number, total: number}
  current?: 'host' | 'endpoints'
}

/**
 * Rows and the --verbose per-node connectivity blocks (1.17+) of the "Cluster health:" section.
 * Blocks carry no x/y summary, so one is computed from the probe lines ("OK, RTT=…" = reachable).
 */
export class ClusterHealthParser {
  readonly nodes: HealthNode[] = []
  verboseSeen = false
  private block: Block | undefined
  private readonly names = new Set<string>()

  line(raw: string, src: SourceRef): boolean {
    if (TABLE_HEADER.test(raw) || /^\s+\.\.\.$/.test(raw)) return true
    const row = ROW.exec(raw)
    if (row && !raw.trimEnd().endsWith(':')) {
      this.closeBlock()
      const host = row[4]
      const endpoints = row[5] ?? ''
      this.add({
        name: row[1],
        localhost: Boolean(row[2]),
        ips: row[3] ? row[3].split(',').filter(Boolean) : [],
        host,
        endpoints,
        hostOk: pathOk(host),
        endpointsOk: endpoints === '' ? false : pathOk(endpoints),
        src,
      })
      return true
    }
    const nb = nodeBlock(raw)
    if (nb) {
      this.closeBlock()
      this.verboseSeen = true
      this.block = {
        node: {name: nb.name, localhost: nb.localhost, ips: [], host: '', endpoints: '', hostOk: false, endpointsOk: false, src},
        host: {ok: 0, total: 0},
        endpoints: {ok: 0, total: 0},
      }
      return true
    }
    return this.pathLine(raw)
  }

  /** Inside an open --verbose node block, after its Host/Endpoint line: probe lines count towards it. */
  get inPath(): boolean {
    return this.block?.current !== undefined
  }

  /**
   * A path or probe line inside an open --verbose node block (6 of every 7 lines of a 1.17+ table, which
   * every agent prints for every node): read without the row and label checks, which never match them.
   */
  pathLine(raw: string): boolean {
    if (!this.block || raw.charCodeAt(0) !== 32) return false
    const pb = PATH_BLOCK.exec(raw)
    if (pb) {
      this.block.current = pb[1].toLowerCase() === 'host' ? 'host' : 'endpoints'
      if (this.block.current === 'host') this.block.node.ips.push(pb[2])
      return true
    }
    const probe = this.block.current ? PROBE.exec(raw) : null
    // a probe line that could also read as a table row is left to line(), which reads rows first
    if (probe && !/^OK(?:$|, RTT=)/.test(probe[1]) && ROW.test(raw)) return false
    if (probe && this.block.current) {
      const c = this.block[this.block.current]
      c.total++
      if (/^OK\b/.test(probe[1].trim())) c.ok++
      return true
    }
    return false
  }

  /** Healthy nodes counted where their blocks stood, not kept (see healthy()). */
  healthySkipped = 0

  /**
   * A node block whose probes all passed, taken out of the text by the byte reader (status-bytes.ts):
   * read as the healthy row it stands for would be, and counted instead of kept.
   */
  healthy(name: string): void {
    this.closeBlock()
    if (this.names.has(name)) return
    this.names.add(name)
    this.healthySkipped++
  }

  finish(): HealthNode[] {
    this.closeBlock()
    return this.nodes
  }

  private closeBlock(): void {
    const b = this.block
    if (!b) return
    this.block = undefined
    b.node.host = `${b.host.ok}/${b.host.total}`
    b.node.endpoints = `${b.endpoints.ok}/${b.endpoints.total}`
    b.node.hostOk = b.host.total > 0 && b.host.ok === b.host.total
    b.node.endpointsOk = b.endpoints.total > 0 && b.endpoints.ok === b.endpoints.total
    this.add(b.node)
  }

  // A node printed both as a row and as a verbose block is kept once (the first form seen).
  private add(node: HealthNode): void {
    if (this.names.has(node.name)) return
    this.names.add(node.name)
    this.nodes.push(node)
  }
}
