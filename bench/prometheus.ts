/*
 * Prometheus benchmark: 5000 agents' series (a realistic agent: 12 map pressure gauges, drop
 * reasons, k8s client codes …: 33 series each, one hour of history) loaded into the real Prometheus with promtool,
 * then collectPrometheus timed end to end (target ≤ 3 s) and its queries counted on the wire for
 * 5000 agents and for 5. Measures; asserts nothing.
 */
import {mkdtempSync, readFileSync, rmSync, statSync} from 'node:fs'
import {loadavg, tmpdir} from 'node:os'
import {join} from 'node:path'
import {collectPrometheus} from '../src/collect/prometheus.js'
import type {SimAgent} from '../test/helpers/metrics-endpoints.js'
import {seedIncidentAgents, writeOpenMetricsHistory} from '../test/helpers/metrics-endpoints.js'
import type {PrometheusServer} from '../test/helpers/prometheus-server.js'
import {countingProxy, prometheusAvailable, startPrometheus} from '../test/helpers/prometheus-server.js'

/**
 * Map fill of a busy but healthy agent, [low, high] per map: CT and NAT carry the traffic, LB maps
 * the cluster's services (the same on every node), the rest is nearly empty — as in the 1.16.4
 * reference exposition (ct6_global 0.013, lb6_services_v2 0.0063, lxc 0.0002).
 */
const MAPS: Array<[string, number, number]> = [
  ['ct4_global', 0.05, 0.35], ['ct_any4_global', 0.01, 0.12], ['snat_v4_external', 0.02, 0.2], ['nodeport_neigh4', 0.001, 0.01],
  ['lb4_reverse_sk', 0.005, 0.05], ['lb4_services_v2', 0.011, 0.011], ['lb4_backends_v3', 0.02, 0.02], ['lb4_reverse_nat', 0.004, 0.004],
  ['lb_affinity_match', 0.0001, 0.0001], ['ipcache', 0.02, 0.02], ['lxc', 0.0002, 0.0008], ['ipv4_frag_datagrams', 0, 0.001],
]

/** 5000 busy, healthy agents; the first one carries the seed incident. */
export function realisticAgents(n: number): SimAgent[] {
  const seed = seedIncidentAgents(1)[0]
  const out: SimAgent[] = []
  for (let i = 0; i < n; i++) {
    const mapPressure: Record<string, number> = {}
    MAPS.forEach(([m, lo, hi], j) => {
      mapPressure[m] = Number((lo + (hi - lo) * (((i * 37 + j * 11) % 101) / 100)).toFixed(5))
    })
    out.push({
      pod: `cilium-${i.toString(36).padStart(5, '0')}`,
      node: `node-${i}`,
      mapPressure,
      drops: [
        {reason: 'Policy denied', direction: 'INGRESS', count: {start: 100 + i % 97, perHour: 40}},
        {reason: 'Stale or unroutable IP', direction: 'INGRESS', count: 3 + i % 5},
      ],
      k8sCalls: {200: {start: 5000, perHour: 600}, 201: 40, 404: 2},
    })
  }
  if (n > 0) out[0] = {...out[0], mapPressure: {...out[0].mapPressure, ...seed.mapPressure}, drops: seed.drops, mapOpsFail: seed.mapOpsFail, hiveDegraded: 1}
  return out
}

async function loaded(agents: number, dir: string, endMs: number): Promise<{server: PrometheusServer, lines: number, mb: number, loadSeconds: number}> {
  const t0 = Date.now()
  const file = join(dir, `history-${agents}.om`)
  // 1 h at 15 min: five points per series, enough for trends, and 5000 agents stay ~140 MB
  const {lines} = writeOpenMetricsHistory(realisticAgents(agents), file, {stepSeconds: 900, endMs})
  const mb = statSync(file).size / 1024 / 1024
  const server = await startPrometheus({openmetricsFile: file})
  rmSync(file, {force: true})
  return {server, lines, mb, loadSeconds: (Date.now() - t0) / 1000}
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

/** CPU seconds a process has used (Linux /proc), to separate Prometheus' work from ours on a shared box. */
function cpuSeconds(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
    return (Number(f[11]) + Number(f[12])) / 100
  } catch {
    return NaN
  }
}

export async function benchPrometheus(): Promise<Record<string, string | number>> {
  if (!(await prometheusAvailable())) return {skipped: 'prometheus/promtool not installed (apt-get install -y --no-install-recommends prometheus)'}
  const dir = mkdtempSync(join(tmpdir(), 'ciltune-bench-prom-'))
  const servers: PrometheusServer[] = []
  try {
    // both histories end at the same instant and are queried at it: a slow load must not make the
    // data older than Prometheus' 5 min lookback
    const endMs = Date.now()
    const small = await loaded(5, dir, endMs)
    servers.push(small.server)
    const big = await loaded(5000, dir, endMs)
    servers.push(big.server)
    const opts = (url: string) => ({url, timeoutMs: 120_000, rangeSeconds: 3600, atMs: endMs})

    const times: number[] = []
    const promCpu: number[] = []
    const nodeCpu: number[] = []
    let result: Awaited<ReturnType<typeof collectPrometheus>> | undefined
    for (let i = 0; i < 4; i++) {
      const p0 = cpuSeconds(big.server.pid)
      const c0 = process.cpuUsage()
      const t0 = process.hrtime.bigint()
      result = await collectPrometheus(opts(big.server.url))
      times.push(Number(process.hrtime.bigint() - t0) / 1e6)
      const c = process.cpuUsage(c0)
      nodeCpu.push((c.user + c.system) / 1e6)
      promCpu.push(cpuSeconds(big.server.pid) - p0)
    }
    const count = async (url: string) => {
      const proxy = await countingProxy(url)
      try {
        await collectPrometheus(opts(proxy.url))
        return proxy.requests.length
      } finally {
        await proxy.close()
      }
    }
    const q5000 = await count(big.server.url)
    const q5 = await count(small.server.url)
    const incident = result!.samples.find((s) => s.name === 'cilium_bpf_map_pressure' && s.labels.map_name === 'lb4_services_v2' && s.value > 1)
    return {
      'agents': 5000,
      'OpenMetrics lines loaded (1 h, 15 min step)': big.lines,
      'OpenMetrics size MB': Number(big.mb.toFixed(0)),
      'history write + promtool + Prometheus ready (s)': Number(big.loadSeconds.toFixed(1)),
      'collectPrometheus 5000 agents, first run incl. lazy import (ms)': Math.round(times[0]),
      'collectPrometheus 5000 agents, median of next 3 (ms)': Math.round(median(times.slice(1))),
      'target (ms)': 3000,
      'Prometheus CPU per collect, median (s)': Number(median(promCpu.slice(1)).toFixed(2)),
      'ciltune (node) CPU per collect, median (s)': Number(median(nodeCpu.slice(1)).toFixed(2)),
      'samples returned': result!.samples.length,
      'trends returned': result!.trends.length,
      'errors': result!.errors.length,
      'seed incident found (lb4_services_v2 > 1 on agent)': incident ? `${incident.labels.pod} ${incident.value}` : 'NOT FOUND',
      'queries sent, 5000 agents': q5000,
      'queries sent, 5 agents': q5,
      'load average (1 min) during the run': Number(loadavg()[0].toFixed(1)),
    }
  } finally {
    await Promise.all(servers.map((s) => s.stop()))
    rmSync(dir, {recursive: true, force: true})
  }
}

// `node --import tsx bench/prometheus.ts` runs it alone
if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchPrometheus()
  for (const [k, v] of Object.entries(r)) console.log(`${k.padEnd(66)} ${v}`)
}
