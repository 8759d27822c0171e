import type {AgentStatus, SourceRef} from '../snapshot/schema.js'

/*
 * Value parsers for the one-line sections of `cilium status`. The same strings appear in
 * `-o json` (ipam.status, cilium.msg), so status-json.ts reuses them.
 */

const DIGITS = /^\d+$/

/**
 * Integer from digits, clamped to the safe range: IPv6 pools print totals like
 * 18446744073709551614, which a zod `.int()` would reject.
 */
export function safeInt(s: string | undefined): number | undefined {
  if (s === undefined) return undefined
  if (s.length < 16 && DIGITS.test(s)) return Number(s) // the common case: a regex group of digits, always safe
  const t = s.trim().replace(/,/g, '')
  if (!/^\d+$/.test(t)) return undefined
  const n = Number(t)
  return Number.isSafeInteger(n) ? n : Number.MAX_SAFE_INTEGER
}

export function safeFloat(s: string | undefined): number | undefined {
  if (s === undefined) return undefined
  const n = Number(s.trim())
  return Number.isFinite(n) ? n : undefined
}

/** "Ok   Disabled" → state Ok, message Disabled; "Disabled" → state Disabled, message "". */
export function stateAndMessage(value: string): {state: string, message: string} | undefined {
  const m = /^(\S+)\s*(.*)$/.exec(value.trim())
  if (!m) return undefined
  return {state: m[1], message: m[2].trim()}
}

/** "1.18.7 (v1.18.7-2adae214)" → "1.18.7"; also "1.17.6-cee.1 (…)". Older builds print "OK": no version. */
export function versionFromMessage(message: string): string | undefined {
  const m = /^v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?)(?:\s|$)/.exec(message.trim())
  return m?.[1]
}

type Pool = NonNullable<AgentStatus['ipam']>['pools'][number]

/** "IPv4: 5/254 allocated from 10.0.1.0/24, IPv6: …" and the ENI/cluster-pool form "IPv4: 6/14 allocated, ". */
export function ipamPools(value: string): Pool[] {
  const pools: Pool[] = []
  const re = /(IPv4|IPv6):\s*(\d+)\/(\d+)\s+allocated(?:\s+from\s+([^,\s]+))?/g
  for (const m of value.matchAll(re)) {
    const used = safeInt(m[2])
    const total = safeInt(m[3])
    if (used === undefined || total === undefined) continue
    const pool: Pool = {family: m[1] as Pool['family'], used, total}
    if (m[4]) pool.cidr = m[4]
    pools.push(pool)
  }
  return pools
}

/** ≤1.15 "N/M clusters ready, K global-services"; 1.16+ "N/M remote clusters ready[, …]". */
export function clusterMeshCounts(value: string): {ready: number, total: number} | undefined {
  // (?<!\d): start only at the first digit of a run, so long digit runs stay linear
  const m = /(?<!\d)(\d+)\/(\d+)\s+(?:remote\s+)?clusters?\s+ready/.exec(value)
  const ready = safeInt(m?.[1])
  const total = safeInt(m?.[2])
  return ready === undefined || total === undefined ? undefined : {ready, total}
}

/** "Network: Tunnel [vxlan]   Host: Legacy" (1.16+) or the ≤1.15 "Host Routing:" value "BPF"/"Legacy". */
export function routing(value: string, legacyLabel: boolean, src: SourceRef): AgentStatus['routing'] {
  if (legacyLabel) {
    const h = /^(BPF|Legacy)\b/i.exec(value.trim())
    return h ? {host: normHost(h[1]), src} : undefined
  }
  const host = /Host:\s*(BPF|Legacy)\b/i.exec(value)
  if (!host) return undefined
  const out: NonNullable<AgentStatus['routing']> = {host: normHost(host[1]), src}
  const net = /Network:\s*(Native|Tunnel)\b(?:\s*\[([^\]]*)\])?/i.exec(value)
  if (net) {
    out.network = net[1].toLowerCase() === 'native' ? 'Native' : 'Tunnel'
    if (net[2]) out.tunnelProtocol = net[2].trim()
  }
  return out
}

function normHost(s: string): 'BPF' | 'Legacy' {
  return s.toUpperCase() === 'BPF' ? 'BPF' : 'Legacy'
}

/** "netkit [Configured: auto]" → value netkit, configured auto. */
export function deviceMode(value: string): {value: string, configured?: string} {
  const v = value.trim()
  const i = v.indexOf('[Configured:')
  if (i < 0) return {value: v}
  const configured = v.slice(i + '[Configured:'.length)
  return {value: v.slice(0, i).trim(), configured: (configured.endsWith(']') ? configured.slice(0, -1) : configured).trim()}
}

/** Disabled | IPTables | BPF | BPF (ip-masq-agent), followed by devices/CIDRs we keep as text. */
export function masqueradingMode(value: string): string {
  const m = /^(Disabled|IPTables|BPF(?:\s+\(ip-masq-agent\))?)(?=\s|$|\[)/i.exec(value.trim())
  if (m) return m[1].replace(/\s+/g, ' ')
  return value.trim().split(/\s+/)[0] ?? ''
}

/** "Ok   Current/Max Flows: 1802/4095 (44.00%), Flows/s: 0.20   Metrics: Disabled". */
export function hubble(value: string): Omit<NonNullable<AgentStatus['hubble']>, 'src'> | undefined {
  const sm = stateAndMessage(value)
  if (!sm) return undefined
  const out: Omit<NonNullable<AgentStatus['hubble']>, 'src'> = {state: sm.state, text: value.trim()}
  const flows = /Current\/Max Flows:\s*([\d,]+)\/([\d,]+)/.exec(value)
  if (flows) {
    out.currentFlows = safeInt(flows[1])
    out.maxFlows = safeInt(flows[2])
  }
  const rate = /Flows\/s:\s*([\d.]+)/.exec(value)
  if (rate) out.flowsPerSecond = safeFloat(rate[1])
  const metrics = /Metrics:\s*(.*)$/.exec(value)
  if (metrics) out.metrics = metrics[1].trim()
  return out
}

/** "Listening for events on 8 CPUs …" or the tab-indented second line "N events lost, M unknown notifications". */
export function lostEvents(text: string): number | undefined {
  const m = /(?<!\d)(\d+)\s+events?\s+lost/.exec(text)
  return safeInt(m?.[1])
}
