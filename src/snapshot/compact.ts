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

/** Frontend-key lists are the same on most agents of a cluster: one array per distinct list. */
export class ServiceCompactor {
  private readonly keyLists = new Map<string, string[]>()

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
