import {expect} from 'chai'
import {readFileSync} from 'node:fs'
import rule from '../../rules/ipsec-xfrm-metrics.js'
import {runRule} from '../../src/rules/engine.js'
import {parseMetrics} from '../../src/parse/metrics.js'
import type {MetricSample, Trend} from '../../src/snapshot/schema.js'
import {agent, at, config, snapshot} from '../helpers/snapshot.js'
import {ruleTester} from './_rule-tester.js'

// an agent's IPsec metric families as xfrm_collector.go exports them (fixtures/resilience/INDEX.md)
const FILE = 'fixtures/resilience/metrics-ipsec-xfrm.prom'
const fromFixture = () => agent('cilium-r2x8w', {metrics: parseMetrics(readFileSync(FILE, 'utf8'), FILE)})

const sample = (name: string, labels: Record<string, string>, value: number, line = 3): MetricSample => ({name, labels, value, src: at(`${name} ${value}`, line, 'metrics.prom')})
const metrics = (name: string, ...samples: MetricSample[]) => agent(name, {metrics: {format: 'exposition', unrecognized: [], samples}})
const xfrm = (error: string, value: number, type = 'inbound') => sample('cilium_ipsec_xfrm_error', {error, type}, value)
const keys = (n: number) => sample('cilium_ipsec_keys', {}, n, 2)
const trend = (metric: string, labels: Record<string, string>, slopePerHour: number, current: number, windowSeconds = 3600): Trend =>
  ({metric, labels, current, slopePerHour, windowSeconds, src: at(`${metric} trend`, 0, 'prometheus')})
const prom = (...trends: Trend[]) => ({url: 'http://127.0.0.1:9090', samples: [], trends, absent: [], errors: []})

ruleTester(rule, {
  valid: [
    {name: 'all XFRM counters zero, one key', snapshot: snapshot({agents: [metrics('cilium-a', xfrm('no_state', 0), xfrm('state_protocol', 0), keys(1))]})},
    {name: 'two keys without a trend: a rotation may be under way', snapshot: snapshot({agents: [metrics('cilium-a', keys(2))]})},
    {name: 'two keys over a window shorter than 2 × the rotation duration', snapshot: snapshot({agents: [metrics('cilium-a', keys(2))], prometheus: prom(trend('cilium_ipsec_keys', {pod: 'cilium-a'}, 0, 2, 480))})},
  ],
  invalid: [
    {
      name: 'fixture: inbound no_state after a rotation, forward_header left aside', messageIds: ['xfrm-errors'],
      snap: () => snapshot({agents: [fromFixture()]}),
      expect: {count: 1, severity: 'high', agents: ['cilium-r2x8w'], message: /inbound\/no_state 1,?184 since agent start/, evidence: {text: /error="no_state",type="inbound"/, line: 13}, fix: /no XFRM state for the packet's SPI/},
    },
    {
      name: 'only forward_header → medium (MTU)', messageIds: ['xfrm-forward-header'],
      snapshot: snapshot({agents: [metrics('cilium-a', xfrm('forward_header', 12), keys(1))]}),
      expect: {count: 1, severity: 'medium', fix: /MTU/},
    },
    {
      name: 'old errors, flat in the Prometheus window → info', messageIds: ['xfrm-errors'],
      snapshot: snapshot({agents: [metrics('cilium-a', xfrm('state_protocol', 40))], prometheus: prom(trend('cilium_ipsec_xfrm_error', {pod: 'cilium-a', error: 'state_protocol', type: 'inbound'}, 0, 40))}),
      expect: {count: 1, severity: 'info', message: /none is rising/},
    },
    {
      name: 'three keys in use', messageIds: ['too-many-keys'],
      snapshot: snapshot({agents: [metrics('cilium-a', keys(3))]}),
      expect: {count: 1, severity: 'medium', message: /use 3 IPsec keys/},
    },
    {
      name: 'two keys through a 60 min window with a 10m rotation duration → stuck', messageIds: ['rotation-stuck'],
      snapshot: snapshot({agents: [metrics('cilium-a', keys(2))], cluster: {config: config({'ipsec-key-rotation-duration': '10m'})}, prometheus: prom(trend('cilium_ipsec_keys', {pod: 'cilium-a'}, 0, 2, 3600))}),
      expect: {count: 1, severity: 'medium', message: /whole 60 min trend window, longer than the 10 min .*ipsec-key-rotation-duration: 10m/},
    },
  ],
})

describe('ipsec-xfrm-metrics without IPsec', () => {
  it('is not applicable when no cilium_ipsec_* family was exported', () => {
    const r = runRule(rule, snapshot({agents: [metrics('cilium-a', sample('cilium_drop_count_total', {reason: 'Policy denied'}, 3))]}))
    expect(r.outcome.result).to.equal('not-applicable')
    expect(r.findings).to.deep.equal([])
  })
})
