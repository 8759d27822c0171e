/* Snapshot pieces for rule tests: metric samples, status BPF Maps, map lists, trends, Prometheus. */
import type {AgentStatus, BpfMapId, MapList, Metrics, Snapshot, Trend} from '../../src/snapshot/schema.js'
import {at} from '../helpers/snapshot.js'

/** Exposition-style metric samples: ['cilium_bpf_map_pressure{map_name="ct4_global"}', 0.9]. */
export function metrics(rows: Array<[string, number]>, file = 'metrics.prom'): Metrics {
  return {
    format: 'exposition',
    unrecognized: [],
    samples: rows.map(([series, value], i) => {
      const m = /^([^{]+)(?:\{(.*)\})?$/.exec(series)!
      const labels: Record<string, string> = {}
      for (const kv of (m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)) labels[kv[1]] = kv[2]
      return {name: m[1], labels, value, src: at(`${series} ${value}`, i + 1, file)}
    }),
  }
}

const ROW_NAMES: Partial<Record<BpfMapId, string>> = {
  'ct-tcp': 'TCP connection tracking', 'ct-any': 'Non-TCP connection tracking', 'nat': 'NAT', 'neigh': 'Neighbor table',
  'sock-revnat': 'Sock reverse NAT', 'lb4-services': 'IPv4 service', 'lb4-backends': 'IPv4 service backend',
  'lb4-revnat': 'IPv4 service reverse NAT', 'policy': 'Endpoint policy', 'ipcache': 'IP cache', 'endpoints': 'Endpoints',
}

/** A status "BPF Maps" section; sizes default to the dynamic-sizing floor (small nodes at ratio 0.0025). */
export function bpfMaps(sizes: Partial<Record<BpfMapId, number>> = {}, ratio: number | null = 0.0025, file = 'status.txt'): AgentStatus['bpfMaps'] {
  const all: Partial<Record<BpfMapId, number>> = {
    'ct-tcp': 131072, 'ct-any': 65536, 'nat': 131072, 'neigh': 131072, 'sock-revnat': 65536,
    'lb4-services': 65536, 'lb4-backends': 65536, 'lb4-revnat': 65536, 'policy': 16384, 'ipcache': 512000, 'endpoints': 65535,
    ...sizes,
  }
  let line = 40
  return {
    dynamicSizing: ratio !== null,
    ...(ratio !== null ? {ratio} : {}),
    src: at(`BPF Maps:   dynamic sizing: ${ratio !== null ? `on (ratio: ${ratio.toFixed(6)})` : 'off'}`, line, file),
    maps: Object.entries(all).map(([id, size]) => {
      const name = ROW_NAMES[id as BpfMapId] ?? id
      return {name, id: id as BpfMapId, size: size, src: at(`${name}   ${size}`, ++line, file)}
    }),
  }
}

export function mapList(rows: Array<[string, number | undefined, number?, boolean?]>, file = 'map-list.txt'): MapList {
  return {
    verbose: false,
    errorEntries: [],
    unrecognized: [],
    maps: rows.map(([name, entries, errors = 0, cache = true], i) => ({
      name, entries, errors, cacheEnabled: cache,
      src: at(`${name}   ${entries ?? 'unknown'}   ${errors}   ${cache}`, i + 2, file),
    })),
  }
}

export function trend(metric: string, labels: Record<string, string>, current: number, slopePerHour: number, windowSeconds = 3600): Trend {
  return {metric, labels, current, slopePerHour, windowSeconds, src: at(`${metric} trend ${slopePerHour}/h`, 0, 'prometheus')}
}

export function prometheus(samples: Metrics['samples'], trends: Trend[] = [], absent: string[] = []): NonNullable<Snapshot['prometheus']> {
  return {url: 'http://127.0.0.1:9090', samples, trends, absent, errors: []}
}

