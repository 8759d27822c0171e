import type {BpfMapId, BpfMapRow, SourceRef} from '../snapshot/schema.js'
import {safeFloat, safeInt} from './status-values.js'

// Friendly names from daemon/cmd/status.go getBPFMapStatus(), 1.10 → 1.20.
// "Endpoint policy" is absent on purpose: its meaning changed in 1.18 (see resolveBpfMapIds).
const IDS: Record<string, BpfMapId> = {
  'TCP connection tracking': 'ct-tcp',
  'Non-TCP connection tracking': 'ct-any',
  'NAT': 'nat',
  'Neighbor table': 'neigh',
  'Sock reverse NAT': 'sock-revnat',
  'Auth': 'auth',
  'Endpoints': 'endpoints',
  'IP cache': 'ipcache',
  'IP masquerading agent': 'ipmasq4', // ≤1.11 name, IPv4 only then
  'IPv4 masquerading agent': 'ipmasq4',
  'IPv6 masquerading agent': 'ipmasq6',
  'IPv4 fragmentation': 'frag4',
  'IPv4 service': 'lb4-services',
  'IPv6 service': 'lb6-services',
  'IPv4 service backend': 'lb4-backends',
  'IPv6 service backend': 'lb6-backends',
  'IPv4 service reverse NAT': 'lb4-revnat',
  'IPv6 service reverse NAT': 'lb6-revnat',
  'Session affinity': 'lb-affinity',
  'Metrics': 'metrics',
  'Ratelimit metrics': 'ratelimit-metrics',
  'Global policy': 'policy',
  'Policy stats': 'policy-stats',
  'Tunnel': 'tunnel',
}

/** A row name of the BPF Maps table (any version). */
export function isBpfMapName(name: string): boolean {
  return Object.hasOwn(IDS, name) || name === 'Endpoint policy'
}

/** "dynamic sizing: on (ratio: 0.002500)" / "dynamic sizing: off". Tolerates a cut-off ratio. */
export function bpfMapsHeader(value: string): {dynamicSizing: boolean, ratio?: number} | undefined {
  const m = /dynamic sizing:\s*(on|off)\b/i.exec(value)
  if (!m) return undefined
  const out: {dynamicSizing: boolean, ratio?: number} = {dynamicSizing: m[1].toLowerCase() === 'on'}
  const r = /ratio:\s*([\d.]+)/.exec(value)
  const ratio = safeFloat(r?.[1])
  if (ratio !== undefined) out.ratio = ratio
  return out
}

export function isBpfMapsTableHeader(raw: string): boolean {
  return /^\s+Name\s+Size\s*$/.test(raw)
}

/** "  IPv4 service backend   65536"; the id is provisional until resolveBpfMapIds sees the whole table. */
export function bpfMapRow(raw: string, src: SourceRef): BpfMapRow | undefined {
  if (!/^\s/.test(raw)) return undefined
  // split on the last blank by hand: a lazy-name regex is quadratic on long blank runs
  const t = raw.trim()
  const j = Math.max(t.lastIndexOf(' '), t.lastIndexOf('\t'))
  const name = t.slice(0, Math.max(j, 0)).trim()
  const size = safeInt(t.slice(j + 1))
  if (j < 0 || !name || size === undefined) return undefined
  return {name, id: IDS[name] ?? 'other', size, src}
}

/**
 * "Endpoint policy" was the lxc map (65535) up to 1.17 and became the per-endpoint policy map in 1.18,
 * when "Endpoints" and "Policy stats" rows appeared. Decide from the table as a whole.
 */
export function resolveBpfMapIds(rows: BpfMapRow[]): void {
  const newNames = rows.some((r) => r.name === 'Endpoints' || r.name === 'Policy stats')
  for (const r of rows) if (r.name === 'Endpoint policy') r.id = newNames ? 'policy' : 'endpoints'
}

/** Same mapping for names from `-o json` bpf-maps.maps[]. */
export function bpfMapId(name: string): BpfMapId {
  return IDS[name] ?? 'other'
}
