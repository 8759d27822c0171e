import {createHash} from 'node:crypto'
import {frontendKey, hasActiveBackend, isV6, lbUse} from '../cilium/services.js'
import type {AgentStatus, Service, ServiceList} from './schema.js'

/*
 * What the snapshot keeps of the two outputs that grow with the cluster on every agent, so a snapshot
 * grows with the number of agents and not with its square:
 * - the cluster-health table (N rows or N 7-line blocks on each of N agents): unhealthy rows only;
 * - the service list (every Service on every agent): the rows rules quote, and a summary of the rest.
 * Rules read both forms (src/cilium/services.ts), so a hand-built snapshot with every row still works.
 */

const SKIP_TYPES = /^localredirect$/i

/** Healthy rows counted, unhealthy ones kept with their file and line. */
export function compactHealth(status: AgentStatus): void {
  const ch = status.clusterHealth
  if (!ch || ch.rowsRead !== undefined) return
  ch.rowsRead = ch.nodes.length
  ch.nodes = ch.nodes.filter((n) => !n.hostOk || !n.endpointsOk)
}

/** Rows a rule quotes: no active backend (services-without-backends), first two per family (lb-map-capacity samples). */
function quoted(services: readonly Service[]): Service[] {
  const perFamily = {v4: 0, v6: 0}
  return services.filter((s) => {
    const family = isV6(s.ip) ? 'v6' : 'v4'
    const sample = perFamily[family]++ < 2
    return sample || !hasActiveBackend(s)
  })
}

const MAX_TEXTS = 256
const RECENT = 4

/** A parsed row read from another file with the same text: the same row, quoted from this file. */
function fromFile(s: Service, file: string): Service {
  return {...s, src: {...s.src, file}, backends: s.backends.map((b) => ({...b, src: {...b.src, file}}))}
}

/**
 * Service lists are the same on most agents of a cluster. An output whose text was already read is
 * not parsed again: parsing is a function of the text and the file name, so the earlier result with
 * this file's name in its quoted rows is exactly what parsing would give. Frontend-key lists are
 * kept once per distinct list.
 */
export class ServiceCompactor {
  private readonly keyLists = new Map<string, string[]>()
  private readonly byText = new Map<string, ServiceList>()

  // the last distinct lists received as bytes: most agents print the same one, and comparing bytes
  // (memcmp) costs a fraction of hashing half a megabyte on each of 1000 agents
  private readonly recent: Array<{bytes: Buffer, digest: string}> = []

  private digestOf(file: {text: string, bytes?: Buffer, saved?: boolean}): string {
    const b = file.bytes
    // the collector hands over the very Buffer of an earlier agent when the bytes repeat it (src/collect/repeat-bytes.ts)
    if (b) for (const r of this.recent) if (r.bytes === b || (r.bytes.length === b.length && r.bytes.equals(b))) return r.digest
    // the bytes when the collector kept them (live), so a list seen before is never decoded; its UTF-8 otherwise
    const digest = createHash('sha256').update(b ?? file.text).digest('base64')
    if (b) {
      this.recent.unshift({bytes: file.saved ? Buffer.from(b) : b, digest})
      if (this.recent.length > RECENT) this.recent.pop()
    }
    return digest
  }

  read(file: {path: string, text: string, bytes?: Buffer, saved?: boolean}, parse: (text: string, file: string) => ServiceList): ServiceList {
    const digest = this.digestOf(file)
    const seen = this.byText.get(digest)
    if (seen) return {...seen, services: seen.services.map((s) => fromFile(s, file.path))}
    const list = this.compact(parse(file.text, file.path))
    if (this.byText.size >= MAX_TEXTS) this.byText.clear() // bounded: a cluster whose lists all differ gains nothing
    this.byText.set(digest, list)
    return list
  }

  compact(list: ServiceList): ServiceList {
    if (list.summary) return list
    const keys = [...new Set(list.services.filter((s) => !SKIP_TYPES.test(s.type)).map(frontendKey))]
    const digest = keys.join('\n')
    let shared = this.keyLists.get(digest)
    if (!shared) this.keyLists.set(digest, shared = keys)
    return {
      ...list,
      services: quoted(list.services),
      summary: {services: list.services.length, lb: {v4: lbUse(list.services, false), v6: lbUse(list.services, true)}, frontendKeys: shared},
    }
  }
}
