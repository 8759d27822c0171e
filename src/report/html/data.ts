/*
 * What the pictures show, aggregated so that a 5000-node cluster gives as many marks as a 3-node one:
 * histograms and top-N lists, never one mark per node. Pure: snapshot in, small tables out.
 */
import {hoursUntilFull} from '../../collect/prometheus-trends.js'
import {metricSamples} from '../../rules/helpers.js'
import type {Snapshot} from '../../snapshot/schema.js'

export const TOP = 10
const BIN = 0.1 // pressure histogram bins of 10 %

export interface PressureCell {map: string, bin: number, label: string, nodes: number}
export interface WorstPressure {map: string, node: string, pressure: number}
export interface DropRow {reason: string, packets: number, agents: number}
export interface HealthCell {observer: string, target: string, state: 'reachable' | 'endpoints unreachable' | 'unreachable'}
export interface HealthTop {target: string, observers: number}
export interface TrendLine {series: string, hour: number, pressure: number, kind: 'fitted' | 'forecast'}
export interface TrendInfo {series: string, current: number, slopePerHour: number, windowHours: number, hoursToFull?: number}

export interface ChartData {
  pressure: {cells: PressureCell[], worst: WorstPressure[], maps: number, nodes: number}
  drops: DropRow[]
  health: {agents: number, measured: number, fullyReachable: number, matrix?: HealthCell[], top: HealthTop[]}
  trends: {lines: TrendLine[], info: TrendInfo[]}
}

/** Node name for an agent (the node is what on-call looks up), falling back to the pod name. */
function nodeNamer(s: Snapshot): (agent: string) => string {
  const byAgent = new Map(s.agents.map((a) => [a.name, a.node ?? a.name]))
  return (agent) => byAgent.get(agent) ?? agent
}

const binLabel = (b: number) => `${Math.round(b * 100)}–${Math.round((b + BIN) * 100)} %`

export function pressureData(s: Snapshot): ChartData['pressure'] {
  const node = nodeNamer(s)
  const peak = new Map<string, Map<string, number>>() // map → node → highest pressure
  for (const x of metricSamples(s, 'cilium_bpf_map_pressure')) {
    const map = x.labels.map_name ?? x.labels.mapName
    if (!map || !Number.isFinite(x.value)) continue
    const n = x.agent ? node(x.agent) : 'unknown'
    let m = peak.get(map)
    if (!m) peak.set(map, m = new Map<string, number>())
    m.set(n, Math.max(m.get(n) ?? 0, x.value))
  }
  const cells: PressureCell[] = []
  const all: WorstPressure[] = []
  const nodes = new Set<string>()
  for (const [map, byNode] of peak) {
    const bins = new Map<number, number>()
    for (const [n, p] of byNode) {
      nodes.add(n)
      all.push({map, node: n, pressure: p})
      const b = Math.min(Math.floor(p / BIN + 1e-9), 20) * BIN // ≥ 200 % shares the last bin
      bins.set(b, (bins.get(b) ?? 0) + 1)
    }
    for (const [bin, count] of [...bins].sort((a, b) => a[0] - b[0])) cells.push({map, bin: Math.round(bin * 100) / 100, label: binLabel(bin), nodes: count})
  }
  all.sort((a, b) => b.pressure - a.pressure || a.node.localeCompare(b.node))
  return {cells, worst: all.slice(0, TOP), maps: peak.size, nodes: nodes.size}
}

export function dropData(s: Snapshot): DropRow[] {
  const by = new Map<string, {packets: number, agents: Set<string>}>()
  for (const x of metricSamples(s, 'cilium_drop_count_total')) {
    if (!(x.value > 0)) continue
    const reason = x.labels.reason ?? 'unknown'
    const r = by.get(reason) ?? {packets: 0, agents: new Set<string>()}
    r.packets += x.value
    if (x.agent) r.agents.add(x.agent)
    by.set(reason, r)
  }
  const rows = [...by].map(([reason, r]) => ({reason, packets: r.packets, agents: r.agents.size})).sort((a, b) => b.packets - a.packets)
  if (rows.length <= TOP) return rows
  const rest = rows.slice(TOP - 1)
  return [...rows.slice(0, TOP - 1), {reason: `${rest.length} other reasons`, packets: rest.reduce((t, r) => t + r.packets, 0), agents: Math.max(...rest.map((r) => r.agents))}]
}

type ClusterHealth = NonNullable<NonNullable<Snapshot['agents'][number]['status']>['clusterHealth']>
const stateOf = (n: ClusterHealth['nodes'][number]): HealthCell['state'] => (!n.hostOk ? 'unreachable' : n.endpointsOk ? 'reachable' : 'endpoints unreachable')

/**
 * One agent's row of the matrix. The snapshot keeps unhealthy rows only and counts the rest (rowsRead), so
 * the healthy cells are the cluster's other nodes, when their number is exactly the rows not kept;
 * otherwise the row cannot be drawn truthfully and undefined says so.
 */
function matrixRow(observer: string, ch: ClusterHealth, nodes: readonly string[]): HealthCell[] | undefined {
  const listed = new Map(ch.nodes.map((n) => [n.name, stateOf(n)]))
  const omitted = (ch.rowsRead ?? ch.nodes.length) - ch.nodes.length
  const rest = nodes.filter((n) => !listed.has(n))
  if (omitted !== 0 && omitted !== rest.length) return undefined
  const targets = omitted === 0 ? [...listed.keys()] : [...new Set([...nodes, ...listed.keys()])].sort()
  return targets.map((target) => ({observer, target, state: listed.get(target) ?? 'reachable'}))
}

/** Small clusters get the whole observer × target matrix; large ones the targets most agents cannot reach. */
export function healthData(s: Snapshot, matrixMax = 30): ChartData['health'] {
  const node = nodeNamer(s)
  const measured = s.agents.filter((a) => a.status?.clusterHealth && (a.status.clusterHealth.rowsRead ?? a.status.clusterHealth.nodes.length) > 0)
  const unreachable = new Map<string, number>()
  let fullyReachable = 0
  for (const a of measured) {
    const down = a.status!.clusterHealth!.nodes.filter((n) => stateOf(n) !== 'reachable')
    for (const n of down) unreachable.set(n.name, (unreachable.get(n.name) ?? 0) + 1)
    if (down.length === 0) fullyReachable++
  }
  let matrix: HealthCell[] | undefined
  if (measured.length > 0 && measured.length <= matrixMax) {
    const nodes = [...new Set(s.agents.map((a) => a.node).filter((n): n is string => n !== undefined))].sort()
    const rows = measured.map((a) => matrixRow(node(a.name), a.status!.clusterHealth!, nodes))
    if (rows.every((r) => r !== undefined)) matrix = rows.flat()
  }
  const top = [...unreachable].map(([target, observers]) => ({target, observers})).sort((a, b) => b.observers - a.observers || a.target.localeCompare(b.target)).slice(0, TOP)
  return {agents: s.agents.length, measured: measured.length, fullyReachable, ...(matrix ? {matrix} : {}), top}
}

/**
 * Prometheus keeps the fitted slope, not the raw series, in the snapshot: the line is the least-squares
 * fit over the range window, extended until the map is full.
 */
export function trendData(s: Snapshot, maxSeries = 5): ChartData['trends'] {
  const node = nodeNamer(s)
  const info: TrendInfo[] = (s.prometheus?.trends ?? [])
    .filter((t) => t.metric === 'cilium_bpf_map_pressure' && Number.isFinite(t.current) && Number.isFinite(t.slopePerHour))
    .map((t) => {
      const who = t.labels.node ?? (t.labels.pod ? node(t.labels.pod) : t.labels.instance ?? '')
      const hoursToFull = hoursUntilFull(t.current, t.slopePerHour)
      return {series: `${t.labels.map_name ?? '?'} on ${who}`, current: t.current, slopePerHour: t.slopePerHour, windowHours: t.windowSeconds / 3600, ...(hoursToFull !== undefined ? {hoursToFull} : {})}
    })
    .sort((a, b) => (a.hoursToFull ?? Infinity) - (b.hoursToFull ?? Infinity) || b.current - a.current)
    .slice(0, maxSeries)
  const horizon = Math.min(48, Math.max(1, ...info.map((i) => Math.min(i.hoursToFull ?? 0, 48))))
  const lines: TrendLine[] = []
  for (const i of info) {
    const start = Math.max(0, i.current - i.slopePerHour * i.windowHours)
    lines.push({series: i.series, hour: -i.windowHours, pressure: start, kind: 'fitted'}, {series: i.series, hour: 0, pressure: i.current, kind: 'fitted'})
    const end = i.hoursToFull !== undefined && i.hoursToFull > 0 ? Math.min(i.hoursToFull, horizon) : horizon
    lines.push({series: i.series, hour: 0, pressure: i.current, kind: 'forecast'}, {series: i.series, hour: end, pressure: Math.max(0, i.current + i.slopePerHour * end), kind: 'forecast'})
  }
  return {lines, info}
}

export function chartData(s: Snapshot): ChartData {
  return {pressure: pressureData(s), drops: dropData(s), health: healthData(s), trends: trendData(s)}
}
