import {expect} from 'chai'
import type {AgentStatus, BpfMapId, MapList, Metrics, Snapshot, Trend} from '../../src/snapshot/schema.js'
import {runRule} from '../../src/rules/engine.js'
import type {Finding, Rule, RuleOutcome} from '../../src/rules/types.js'
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
      return {name, id: id as BpfMapId, size: size!, src: at(`${name}   ${size}`, ++line, file)}
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

export interface Case {
  name: string
  snap: () => Snapshot
  expect?: (f: Finding[], o: RuleOutcome) => void
}

/** Table-driven runner: valid cases must pass, invalid ones must fire, notEvaluated ones must say so. */
export function ruleTester(rule: Rule, cases: {valid: Case[], invalid: Case[], notEvaluated: Case[]}): void {
  describe(`rule ${rule.meta.id}`, () => {
    for (const c of cases.valid) {
      it(`passes: ${c.name}`, () => {
        const {findings, outcome} = runRule(rule, c.snap())
        expect(outcome.result, JSON.stringify(findings, null, 1)).to.equal('passed')
        c.expect?.(findings, outcome)
      })
    }
    for (const c of cases.invalid) {
      it(`fires: ${c.name}`, () => {
        const {findings, outcome} = runRule(rule, c.snap())
        expect(outcome.result, outcome.reason).to.equal('fired')
        for (const f of findings) {
          expect(f.id).to.equal(rule.meta.id)
          expect(f.message).to.match(/\d/) // messages carry numbers
        }
        c.expect?.(findings, outcome)
      })
    }
    for (const c of cases.notEvaluated) {
      it(`not evaluated: ${c.name}`, () => {
        const {findings, outcome} = runRule(rule, c.snap())
        expect(findings).to.deep.equal([])
        expect(outcome.result).to.equal('not-evaluated')
        c.expect?.(findings, outcome)
      })
    }
  })
}
