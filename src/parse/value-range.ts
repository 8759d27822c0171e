import type {AgentStatus, CollectionError, MapList, Metrics} from '../snapshot/schema.js'
import {parseGoFloat, parseSampleLine} from './metrics-exposition.js'
import {isBpfMapName} from './status-bpf-maps.js'

/*
 * Numbers that cannot be true: a map entry count that is NaN or negative, a map larger than a BPF
 * map can be (max_entries is a u32), a counter below zero, a fill ratio of NaN. The parsers keep
 * such rows out of the data; here each one becomes an error naming the file and line, so a report
 * never reads a corrupted capture as healthy by leaving the row out without a word.
 */

export const U32_MAX = 4_294_967_295

/** Families the rules read whose values are counts, ratios or states: never negative, never NaN. */
const NON_NEGATIVE = new Set([
  'cilium_bpf_map_pressure', 'cilium_controllers_failing', 'cilium_unreachable_nodes', 'cilium_unreachable_health_endpoints',
  'cilium_node_health_connectivity_status', 'cilium_endpoint_state', 'cilium_identity', 'cilium_ip_addresses', 'cilium_ipam_capacity',
  'cilium_hive_status', 'cilium_datapath_conntrack_gc_entries', 'cilium_datapath_conntrack_gc_interval_seconds',
  'cilium_bpf_maps_virtual_memory_max_bytes', 'cilium_version', 'cilium_clustermesh_remote_cluster_readiness_status',
])

function mustBeCount(name: string, labels: Record<string, string>): boolean {
  // a summary's quantile is NaN when nothing was observed: normal, not corruption
  if (labels.quantile !== undefined) return false
  return NON_NEGATIVE.has(name) || /_(total|count|bucket)$/.test(name)
}

/** Why a metric value cannot be right, or undefined when it can. */
export function metricValueProblem(name: string, labels: Record<string, string>, value: number): string | undefined {
  if (!mustBeCount(name, labels)) return undefined
  if (Number.isNaN(value)) return `${name} is NaN (expected a number ≥ 0)`
  if (!Number.isFinite(value)) return `${name} is ${value > 0 ? '+Inf' : '-Inf'} (expected a finite number ≥ 0)`
  if (value < 0) return `${name} is ${value} (expected a number ≥ 0)`
  return undefined
}

function rejected(file: string, line: number, what: string, text: string): CollectionError {
  return {command: file, kind: 'unparsable', message: `${file}: line ${line}: rejected: ${what}: ${text.trim().slice(0, 160)}`}
}

// a shell `metrics list` row whose last cell is not a number: `cilium_x   a=b   NaN`
const LIST_ROW = /^(cilium_\w+)\s+(?:(\S*=\S*(?:\s\S*=\S*)*)\s+)?(NaN|[+-]?Inf|-\d[\d.e+-]*)\s*$/

/** Samples with an impossible value removed, and one error per removed or unreadable-because-corrupt line. */
export function checkMetrics(m: Metrics, file: string): {metrics: Metrics, errors: CollectionError[]} {
  const errors: CollectionError[] = []
  const samples = m.samples.filter((s) => {
    const p = metricValueProblem(s.name, s.labels, s.value)
    if (p) errors.push(rejected(file, s.src.line, p, s.src.text))
    return !p
  })
  for (const u of m.unrecognized) {
    const t = u.text.trim()
    const s = parseSampleLine(t)
    if (s) {
      const p = metricValueProblem(s.name, s.labels, s.value)
      if (p) errors.push(rejected(file, u.line, p, u.text))
      continue
    }
    const row = LIST_ROW.exec(t)
    const value = row ? parseGoFloat(row[3]) ?? Number.NaN : undefined
    const labels: Record<string, string> = Object.fromEntries((row?.[2] ?? '').split(/\s+/).filter(Boolean).map((kv): [string, string] => [kv.split('=')[0], kv.split('=').slice(1).join('=')]))
    const p = row && value !== undefined ? metricValueProblem(row[1], labels, value) : undefined
    if (p) errors.push(rejected(file, u.line, p, u.text))
  }
  return {metrics: samples.length === m.samples.length ? m : {...m, samples}, errors}
}

const MAP_ROW = /^(cilium_\S+)\s+(\S+)\s+(\S+)\s+(true|false)$/

function countProblem(cell: string, column: string): string | undefined {
  if (cell === 'unknown') return undefined
  if (!/^\d+$/.test(cell)) return `${column} "${cell}" is not a count (expected a whole number from 0 to ${U32_MAX})`
  if (Number(cell) > U32_MAX) return `${column} ${cell} is more than a BPF map can hold (${U32_MAX})`
  return undefined
}

/** `cilium-dbg map list`: rows with a count that is not a count, or beyond a u32, are rejected. */
export function checkMapList(m: MapList, file: string): {maps: MapList, errors: CollectionError[]} {
  const errors: CollectionError[] = []
  const maps = m.maps.filter((r) => {
    const p = [r.entries, r.errors].some((n) => n !== undefined && n > U32_MAX)
    if (p) errors.push(rejected(file, r.src.line, `${r.name}: a count is more than a BPF map can hold (${U32_MAX})`, r.src.text))
    return !p
  })
  for (const u of m.unrecognized) {
    const row = MAP_ROW.exec(u.text.trim())
    const p = row ? countProblem(row[2], 'Num entries') ?? countProblem(row[3], 'Num errors') : undefined
    if (row && p) errors.push(rejected(file, u.line, `${row[1]}: ${p}`, u.text))
  }
  return {maps: maps.length === m.maps.length ? m : {...m, maps}, errors}
}

/** `cilium status` BPF Maps table: a size that is not a whole number from 1 to u32 max is rejected. */
export function checkStatusBpfMaps(s: AgentStatus, file: string): {status: AgentStatus, errors: CollectionError[]} {
  const errors: CollectionError[] = []
  const table = s.bpfMaps
  let status = s
  if (table) {
    const maps = table.maps.filter((r) => {
      const bad = r.size < 1 || r.size > U32_MAX
      if (bad) errors.push(rejected(file, r.src.line, `BPF map "${r.name}" size ${r.size} is out of range (expected 1 to ${U32_MAX})`, r.src.text))
      return !bad
    })
    if (maps.length !== table.maps.length) status = {...s, bpfMaps: {...table, maps}}
  }
  for (const u of s.unrecognized) {
    const m = /^(.*?)\s{2,}(\S+)$/.exec(u.text.trim())
    if (m && isBpfMapName(m[1]) && !/^\d+$/.test(m[2])) errors.push(rejected(file, u.line, `BPF map "${m[1]}" size "${m[2]}" is not a whole number`, u.text))
  }
  return {status, errors}
}
