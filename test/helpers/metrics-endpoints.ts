import {appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import http from 'node:http'
import type {AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

/*
 * Simulated Cilium agents for the Prometheus tests: one model renders either the live
 * `:9962/metrics` exposition text (served on 127.0.0.1, values moving with time so rates and
 * trends exist) or a timestamped OpenMetrics history for `promtool tsdb create-blocks-from`.
 * Names, labels and label values follow real agents (knowledge/metrics.md; reference
 * metrics_1.16.4_issue36818-bpf-map-pressure.prom and the 1.12 drop-count exposition).
 */

/** A value that moves linearly: `start + perHour * hours`. */
export interface Ramp {start: number, perHour: number}
export type Value = number | Ramp

export interface SimAgent {
  pod: string // cilium-xxxxx
  node: string
  ip?: string // pod IP used for the `instance` label in histories (default derived from the index)
  version?: string
  mapPressure?: Record<string, Value> // map_name → ratio
  drops?: Array<{reason: string, direction: 'INGRESS' | 'EGRESS', count: Value}>
  mapOpsFail?: Array<{map: string, operation: string, count: Value}>
  controllersFailing?: number
  unreachableNodes?: number
  unreachableHealthEndpoints?: number
  regenerationFailures?: Value
  k8sCalls?: Record<string, Value> // return_code → count
  identities?: number
  ipAddresses?: number
  ipamCapacity?: number
  hiveDegraded?: number
  /** metric families this agent does not export (disabled by `prometheus.metrics: -x` or by version) */
  omit?: string[]
  /** the agent restarted this many hours into the simulation: counters start again from 0 */
  restartAt?: number
}

export interface Sample {name: string, labels: Record<string, string>, value: number}

const HELP: Record<string, [string, 'gauge' | 'counter']> = {
  cilium_bpf_map_pressure: ['Fill percentage of map, tagged by map name', 'gauge'],
  cilium_bpf_map_ops_total: ['Total operations on map, tagged by map name', 'counter'],
  cilium_drop_count_total: ['Total dropped packets, tagged by drop reason and ingress/egress direction', 'counter'],
  cilium_controllers_failing: ['Number of failing controllers', 'gauge'],
  cilium_unreachable_nodes: ['Number of nodes that cannot be reached', 'gauge'],
  cilium_unreachable_health_endpoints: ['Number of health endpoints that cannot be reached', 'gauge'],
  cilium_endpoint_regenerations_total: ['Count of all endpoint regenerations that have completed, tagged by outcome', 'counter'],
  cilium_endpoint_state: ['Count of all endpoints, tagged by different endpoint states', 'gauge'],
  cilium_k8s_client_api_calls_total: ['Number of API calls made to kube-apiserver labeled by host, method and return code', 'counter'],
  cilium_identity: ['Number of identities currently allocated', 'gauge'],
  cilium_ip_addresses: ['Number of allocated IP addresses', 'gauge'],
  cilium_ipam_capacity: ['Total number of IPs in the IPAM pool labeled by family', 'gauge'],
  cilium_hive_status: ['Counts of health status levels of Hive components', 'gauge'],
  cilium_datapath_conntrack_gc_runs_total: ['Number of times that the conntrack garbage collector process was run labeled by completion status', 'counter'],
  cilium_errors_warnings_total: ['Number of total errors in cilium-agent instances', 'counter'],
  cilium_version: ['Cilium version', 'gauge'],
}

function at(v: Value, hours: number): number {
  return typeof v === 'number' ? v : v.start + v.perHour * hours
}

/** The agent's series `hours` after the start of the simulation. */
export function agentSamples(a: SimAgent, hours: number): Sample[] {
  const out: Sample[] = []
  const restarted = a.restartAt !== undefined && hours >= a.restartAt
  const add = (name: string, labels: Record<string, string>, value: number) => {
    if (a.omit?.includes(name)) return
    if (restarted && name.endsWith('_total')) {
      // the value the counter had reached at the restart is lost; it counts again from 0
      const before = agentSamples({...a, restartAt: undefined}, a.restartAt!).find((s) => s.name === name && seriesText(name, s.labels) === seriesText(name, labels))
      value = Math.max(0, value - (before?.value ?? 0))
    }
    out.push({name, labels, value})
  }
  for (const [map, v] of Object.entries(a.mapPressure ?? {ct4_global: 0.12, ct_any4_global: 0.03, lb4_services_v2: 0.0004})) {
    add('cilium_bpf_map_pressure', {map_name: map}, at(v, hours))
  }
  add('cilium_bpf_map_ops_total', {mapName: 'ipcache', map_name: 'ipcache', operation: 'update', outcome: 'success'}, Math.round(1888 + 400 * hours))
  for (const f of a.mapOpsFail ?? []) {
    add('cilium_bpf_map_ops_total', {mapName: f.map, map_name: f.map, operation: f.operation, outcome: 'fail'}, Math.round(at(f.count, hours)))
  }
  for (const d of a.drops ?? [{reason: 'Stale or unroutable IP', direction: 'INGRESS', count: {start: 12, perHour: 3}}]) {
    add('cilium_drop_count_total', {direction: d.direction, reason: d.reason}, Math.round(at(d.count, hours)))
  }
  add('cilium_controllers_failing', {}, a.controllersFailing ?? 0)
  add('cilium_unreachable_nodes', {}, a.unreachableNodes ?? 0)
  add('cilium_unreachable_health_endpoints', {}, a.unreachableHealthEndpoints ?? 0)
  add('cilium_endpoint_regenerations_total', {outcome: 'success'}, Math.round(40 + 10 * hours))
  add('cilium_endpoint_regenerations_total', {outcome: 'fail'}, Math.round(at(a.regenerationFailures ?? 0, hours)))
  add('cilium_endpoint_state', {endpoint_state: 'ready'}, 12)
  for (const [code, v] of Object.entries(a.k8sCalls ?? {200: {start: 500, perHour: 120}, 201: 4})) {
    add('cilium_k8s_client_api_calls_total', {host: '10.96.0.1:443', method: 'GET', return_code: code}, Math.round(at(v, hours)))
  }
  add('cilium_identity', {type: 'cluster_local'}, a.identities ?? 42)
  add('cilium_ip_addresses', {family: 'ipv4'}, a.ipAddresses ?? 14)
  add('cilium_ipam_capacity', {family: 'ipv4'}, a.ipamCapacity ?? 254)
  add('cilium_hive_status', {status: 'ok'}, 120)
  add('cilium_hive_status', {status: 'degraded'}, a.hiveDegraded ?? 0)
  add('cilium_hive_status', {status: 'stopped'}, 0)
  add('cilium_datapath_conntrack_gc_runs_total', {family: 'ipv4', protocol: 'TCP', status: 'completed'}, Math.round(3 + 12 * hours))
  add('cilium_errors_warnings_total', {level: 'warning', subsystem: 'daemon'}, 2)
  add('cilium_version', {arch: 'amd64', revision: 'b2f3c4d5', version: a.version ?? '1.18.7'}, 1)
  return out
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
}

export function seriesText(name: string, labels: Record<string, string>): string {
  const keys = Object.keys(labels).sort()
  if (keys.length === 0) return name
  return `${name}{${keys.map((k) => `${k}="${escapeLabel(labels[k])}"`).join(',')}}`
}

/** Exposition text (what `curl :9962/metrics` prints), families grouped under # HELP / # TYPE. */
export function exposition(samples: Sample[]): string {
  const byName = new Map<string, Sample[]>()
  for (const s of samples) byName.set(s.name, [...(byName.get(s.name) ?? []), s])
  const lines: string[] = []
  for (const [name, list] of [...byName].sort(([a], [b]) => a.localeCompare(b))) {
    const [help, type] = HELP[name] ?? ['', 'gauge']
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`)
    for (const s of list) lines.push(`${seriesText(s.name, s.labels)} ${String(s.value)}`)
  }
  return lines.join('\n') + '\n'
}

export interface HistoryOptions {
  endMs?: number // default: now
  hours?: number // default 1
  stepSeconds?: number // default 60
  /**
   * Target labels as Prometheus would add them: a kube-prometheus ServiceMonitor (pod, node,
   * instance), an old annotation-based config (kubernetes_pod_name, kubernetes_node) or a static
   * config (instance only).
   */
  labelStyle?: 'pod' | 'annotations' | 'instance'
}

export function instanceOf(a: SimAgent, index: number): string {
  return `${a.ip ?? `10.0.${Math.floor(index / 250)}.${(index % 250) + 1}`}:9962`
}

/** Calls `emit(family, line)` for every timestamped sample of one agent, each series' samples in time order. */
function agentHistory(a: SimAgent, index: number, opts: HistoryOptions, emit: (family: string, line: string) => void): void {
  const end = Math.floor((opts.endMs ?? Date.now()) / 1000)
  const step = opts.stepSeconds ?? 60
  const points = Math.floor(((opts.hours ?? 1) * 3600) / step)
  const target: Record<string, string> = {job: 'cilium-agent', instance: instanceOf(a, index)}
  const style = opts.labelStyle ?? 'pod'
  if (style === 'pod') Object.assign(target, {pod: a.pod, node: a.node, namespace: 'kube-system'})
  if (style === 'annotations') Object.assign(target, {kubernetes_pod_name: a.pod, kubernetes_node: a.node, kubernetes_namespace: 'kube-system'})
  const perSeries = new Map<string, {name: string, lines: string[]}>()
  for (let p = 0; p <= points; p++) {
    const t = end - (points - p) * step
    for (const s of agentSamples(a, (p * step) / 3600)) {
      const key = seriesText(s.name, {...s.labels, ...target})
      let e = perSeries.get(key)
      if (!e) perSeries.set(key, (e = {name: s.name, lines: []}))
      e.lines.push(`${key} ${String(s.value)} ${t}`)
    }
  }
  for (const {name, lines} of perSeries.values()) for (const l of lines) emit(name, l)
}

function familyHeader(name: string): string {
  return `# HELP ${name} ${HELP[name]?.[0] ?? name}\n# TYPE ${name} gauge\n`
}

/**
 * OpenMetrics history of all agents over the last `hours`: what Prometheus would have stored
 * after scraping them, including the target labels it adds. Each family is written once
 * (promtool rejects a family that reappears), each series' samples in time order.
 */
export function openMetricsHistory(agents: SimAgent[], opts: HistoryOptions = {}): string {
  const families = new Map<string, string[]>()
  agents.forEach((a, i) => agentHistory(a, i, opts, (name, line) => {
    let list = families.get(name)
    if (!list) families.set(name, (list = []))
    list.push(line)
  }))
  const out: string[] = []
  for (const [name, lines] of families) out.push(familyHeader(name) + lines.join('\n'))
  out.push('# EOF')
  return out.join('\n') + '\n'
}

/**
 * The same history written to `file` for thousands of agents without holding it in memory:
 * lines go to one scratch file per family, then the families are concatenated.
 */
export function writeOpenMetricsHistory(agents: SimAgent[], file: string, opts: HistoryOptions = {}): {lines: number} {
  const dir = mkdtempSync(join(tmpdir(), 'ciltune-om-'))
  try {
    const parts = new Map<string, string>()
    let pending = new Map<string, string[]>()
    let lines = 0
    const flush = () => {
      for (const [name, list] of pending) {
        let f = parts.get(name)
        if (!f) parts.set(name, (f = join(dir, `${parts.size}.part`)))
        appendFileSync(f, list.join('\n') + '\n')
      }
      pending = new Map()
    }
    agents.forEach((a, i) => {
      agentHistory(a, i, opts, (name, line) => {
        let list = pending.get(name)
        if (!list) pending.set(name, (list = []))
        list.push(line)
        lines++
      })
      if (i % 200 === 199) flush()
    })
    flush()
    writeFileSync(file, '')
    for (const [name, part] of parts) {
      appendFileSync(file, familyHeader(name))
      appendFileSync(file, readFileSync(part))
    }
    appendFileSync(file, '# EOF\n')
    return {lines}
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

export interface AgentEndpoints {
  /** host:port of each agent's metrics server, in the order of the agents */
  addresses: string[]
  /** scrapes served so far, per agent */
  scrapes: number[]
  close(): Promise<void>
}

/**
 * One HTTP server per agent on 127.0.0.1 serving `/metrics`. Simulated time runs `speed` times
 * faster than the wall clock (default 3600: one second is one simulated hour), so values change
 * between two 1 s scrapes the way they would between two real scrapes minutes apart.
 */
export async function startAgentEndpoints(agents: SimAgent[], speed = 3600): Promise<AgentEndpoints> {
  const started = Date.now()
  const servers: http.Server[] = []
  const addresses: string[] = []
  const scrapes = agents.map(() => 0)
  for (const [i, a] of agents.entries()) {
    const server = http.createServer((req, res) => {
      if (req.url !== '/metrics') {
        res.writeHead(404).end()
        return
      }
      scrapes[i]++
      const hours = ((Date.now() - started) / 3_600_000) * speed
      res.writeHead(200, {'content-type': 'text/plain; version=0.0.4; charset=utf-8'})
      res.end(exposition(agentSamples(a, hours)))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    servers.push(server)
    addresses.push(`127.0.0.1:${(server.address() as AddressInfo).port}`)
  }
  return {
    addresses,
    scrapes,
    close: async () => {
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => {
        s.closeAllConnections()
        s.close(() => resolve())
      })))
    },
  }
}

/** The seed's metric-only incident: one agent's service map at 1.44 and CT insertion drops rising. */
export function seedIncidentAgents(n = 3): SimAgent[] {
  const agents: SimAgent[] = []
  for (let i = 0; i < n; i++) {
    agents.push({pod: `cilium-${String.fromCharCode(97 + (i % 26))}${i}x7k`, node: `worker-${i}`})
  }
  agents[0] = {
    ...agents[0],
    mapPressure: {ct4_global: {start: 0.62, perHour: 0.2}, ct_any4_global: 0.05, lb4_services_v2: {start: 1.2, perHour: 0.24}},
    drops: [
      {reason: 'CT: Map insertion failed', direction: 'EGRESS', count: {start: 100, perHour: 3600}},
      {reason: 'Stale or unroutable IP', direction: 'INGRESS', count: 7},
    ],
    mapOpsFail: [{map: 'lb4_services_v2', operation: 'update', count: {start: 10, perHour: 120}}],
    hiveDegraded: 1,
  }
  return agents
}
