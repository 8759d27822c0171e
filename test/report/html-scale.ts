import type {Agent, MetricSample} from '../../src/snapshot/schema.js'
import {agent, at, snapshot, status} from '../helpers/snapshot.js'

/*
 * A 5000-node cluster's metrics and health, built as a snapshot (parsing 5000 captured agents takes minutes
 * on this machine and is measured in bench/, not here). Values spread deterministically: some nodes' service
 * map is full, two nodes are unreachable from many agents, a few drop reasons.
 */

export const MAPS = ['lb4_services_v2', 'ct4_global', 'ipcache_v2'] as const

/** Deterministic spread in [0, 1): the fractional part of i times the golden ratio. */
const spread = (i: number, salt: number) => ((i + salt) * 0.6180339887) % 1

export function nodeName(i: number): string {
  return `node-${String(i).padStart(4, '0')}`
}

export function pressureOf(i: number, map: typeof MAPS[number]): number {
  const base = {lb4_services_v2: 0.35 + 0.8 * spread(i, 1), ct4_global: 0.2 + 0.5 * spread(i, 2), ipcache_v2: 0.05}[map]
  return Math.round(base * 1000) / 1000
}

function metric(file: string, line: number, name: string, labels: Record<string, string>, value: number): MetricSample {
  const text = `${name}{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(',')}} ${value}`
  return {name, labels, value, src: at(text, line, file)}
}

function scaleAgent(i: number, nodes: number): Agent {
  const name = `cilium-${i.toString(36).padStart(5, '0')}`
  const file = `scale/${name}/metrics.prom`
  const samples = MAPS.map((m, k) => metric(file, k + 1, 'cilium_bpf_map_pressure', {map_name: m}, pressureOf(i, m)))
  samples.push(metric(file, 10, 'cilium_drop_count_total', {direction: 'INGRESS', reason: 'Policy denied'}, 10 + (i % 50)))
  if (i % 97 === 0) samples.push(metric(file, 11, 'cilium_drop_count_total', {direction: 'EGRESS', reason: 'CT: Map insertion failed'}, 400 + i))
  const sfile = `scale/${name}/status.txt`
  const peer = (n: number, hostOk: boolean, endpointsOk: boolean, line: number) => ({
    name: nodeName(n), localhost: n === i, ips: [`10.1.${n >> 8}.${n & 255}`], host: hostOk ? '1/1' : '0/1', endpoints: endpointsOk ? '1/1' : '0/1',
    hostOk, endpointsOk, src: at(`  ${nodeName(n)}${n === i ? ' (localhost)' : ''}:`, line, sfile),
  })
  // a health table names every node; this one lists the agent's own node, its neighbour and the two troubled ones
  const peers = [peer(i, true, true, 300), peer((i + 1) % nodes, true, true, 304)]
  if (i % 3 === 0 && i !== 7) peers.push(peer(7, false, false, 308))
  if (i % 5 === 0 && i !== 13) peers.push(peer(13, true, false, 312))
  const down = peers.filter((p) => !p.hostOk || !p.endpointsOk).length
  const text = `${nodes - down}/${nodes} reachable   (2026-03-12T08:41:07Z)`
  return agent(name, {
    node: nodeName(i),
    metrics: {format: 'exposition', samples, unrecognized: []},
    status: status({clusterHealth: {reachable: nodes - down, total: nodes, text, src: at(`Cluster health:   ${text}`, 297, sfile), nodes: peers}}),
  })
}

export function scaleSnapshot(nodes: number): ReturnType<typeof snapshot> {
  return snapshot({agents: Array.from({length: nodes}, (_, i) => scaleAgent(i, nodes))})
}
