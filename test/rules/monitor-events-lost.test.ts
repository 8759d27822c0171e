import {expect} from 'chai'
import {runRule} from '../../src/rules/engine.js'
import {requireReference} from '../helpers/reference.js'
import rule from '../../rules/monitor-events-lost.js'
import {agent, at, config, snapshot, status} from '../helpers/snapshot.js'
import {referenceAgent, ruleTester} from './_rule-tester.js'

const mon = (name: string, lost?: number) => agent(name, {status: status({
  nodeMonitor: {text: 'Listening for events on 8 CPUs with 64x4096 of shared memory', ...(lost !== undefined ? {lost} : {}),
    src: at(lost ? `${lost} events lost, 0 unknown notifications` : 'NodeMonitor:   Listening for events on 8 CPUs with 64x4096 of shared memory', 12)},
  hubble: {state: 'Ok', currentFlows: 4095, maxFlows: 4095, flowsPerSecond: 31.2, text: 'Ok   Current/Max Flows: 4095/4095 (100.00%), Flows/s: 31.20   Metrics: Ok', src: at('Hubble:   Ok   Current/Max Flows: 4095/4095 (100.00%)', 40)},
})})
const lost = (name: string, source: string, value: number) => agent(name, {metrics: {format: 'exposition', unrecognized: [], samples: [
  {name: 'hubble_lost_events_total', labels: {source}, value, src: at(`hubble_lost_events_total{source="${source}"} ${value}`, 7, `${name}/hubble-metrics`)},
]}})

ruleTester(rule, {
  valid: [
    {name: 'full Hubble ring 4095/4095 (100%) and no lost events', snapshot: snapshot({agents: [mon('cilium-a'), mon('cilium-b')]})},
    {name: 'lost counter at zero', snapshot: snapshot({agents: [lost('cilium-a', 'observer_events_queue', 0)]})},
  ],
  invalid: [
    {
      name: 'NodeMonitor lost events → medium', messageIds: ['monitor-lost'],
      snapshot: snapshot({agents: [mon('cilium-a', 1520), mon('cilium-b')]}),
      expect: {count: 1, severity: 'medium', agents: ['cilium-a'], message: /lost 1520 events on cilium-a/, evidence: {line: 12, text: /events lost/}, helm: {path: 'bpf.monitorAggregation', value: 'maximum'}},
    },
    {
      name: 'observer queue losses → doubled queue size from config', messageIds: ['hubble-lost'],
      snapshot: snapshot({agents: [lost('cilium-a', 'observer_events_queue', 3300)], cluster: {config: config({'hubble-event-queue-size': '16384'})}}),
      expect: {count: 1, severity: 'medium', message: /observer_events_queue"\} = 3300/, helm: {path: 'hubble.eventQueueSize', value: 32768}},
    },
  ],
  notEvaluated: [{name: 'status without NodeMonitor, no metric', snapshot: snapshot({agents: [agent('cilium-a', {status: status({earlyExit: true})})]})}],
})

describe('monitor-events-lost on real samples', () => {
  before(function () { requireReference(this) })
  it('1.18.0 and 1.17.6 NodeMonitor lines without losses pass', async () => {
    const a = await referenceAgent('cilium-a', {status: 'status-verbose_1.18.0_health-endpoint-timeout-vxlan-legacy-TRUNCATED-unattributed.txt'})
    const b = await referenceAgent('cilium-b', {status: 'status-verbose_1.17.6-cee.1_isovalent-native-bpf-tcx-TRUNCATED-unattributed.txt'})
    expect(runRule(rule, snapshot({agents: [a, b]})).outcome.result).to.equal('passed')
  })
})
