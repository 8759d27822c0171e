import type {Service, ServiceList} from '../snapshot/schema.js'

/*
 * What Cilium's load balancer makes of `service list` rows, stated once for the rules
 * (lb-map-capacity, services-without-backends) and for the snapshot's per-agent service summary.
 */

/** Backend states that still take traffic; "unknown" is a line cut off in the capture, assumed active. */
export const ACTIVE_BACKEND_STATES: ReadonlySet<string> = new Set(['active', 'unknown', ''])

export function hasActiveBackend(s: Service): boolean {
  return s.backends.some((b) => ACTIVE_BACKEND_STATES.has(b.state.toLowerCase()))
}

/** NodePort/HostPort frontends carry each node's own IP: they are grouped by port/proto across nodes. */
export function frontendKey(s: Service): string {
  const proto = s.proto ? `/${s.proto}` : ''
  if (/^(nodeport|hostport)$/i.test(s.type)) return `${s.type} *:${s.port}${proto}`
  return `${s.type} ${s.ip.includes(':') ? `[${s.ip}]` : s.ip}:${s.port}${proto}`
}

/** The type part of a frontendKey (types hold no space after "(Remote)" is split off; addresses never do). */
export function frontendKeyType(key: string): string {
  return key.slice(0, key.lastIndexOf(' '))
}

export const isV6 = (ip: string): boolean => ip.includes(':')

/**
 * LB map use of one address family: every frontend takes one master slot plus one per backend in
 * lb{4,6}_services_v2; each distinct backend address one entry in lb{4,6}_backends_v3.
 */
export interface LbUse {slots: number, frontends: number, backends: number}

export function lbUse(services: readonly Service[], v6: boolean): LbUse {
  let slots = 0
  let frontends = 0
  const uniq = new Set<string>()
  for (const s of services) {
    if (isV6(s.ip) !== v6) continue
    frontends++
    slots += 1 + s.backends.length
    for (const b of s.backends) uniq.add(`${b.ip}:${b.port}/${b.proto ?? s.proto ?? ''}`)
  }
  return {slots, frontends, backends: uniq.size}
}

/** From the summary a large capture keeps, or counted from the rows a small one keeps whole. */
export function lbUseOf(list: ServiceList, v6: boolean): LbUse {
  return list.summary ? list.summary.lb[v6 ? 'v6' : 'v4'] : lbUse(list.services, v6)
}
