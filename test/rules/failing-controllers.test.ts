import {runRule} from '../../src/rules/engine.js'
import {requireReference} from '../helpers/reference.js'
import {expect} from 'chai'
import rule, {controllerGroup} from '../../rules/failing-controllers.js'
import type {ControllerRow} from '../../src/snapshot/schema.js'
import {agent, at, snapshot, status} from '../helpers/snapshot.js'
import {referenceAgent, ruleTester} from './_rule-tester.js'

function row(name: string, lastSuccess: string, lastError: string, failureCount: number, message: string, line: number): ControllerRow {
  return {name, lastSuccess, lastError, failureCount, message, src: at(`${name}   ${lastSuccess}   ${lastError}   ${failureCount}   ${message}`, line)}
}

const idle = [
  row('cilium-health-ep', '33s ago', 'never', 0, 'no error', 40),
  row('dns-garbage-collector-job', 'never', 'never', 0, 'no error', 41), // idle: never ran, never failed
  row('sync-to-k8s-ciliumendpoint (1178)', '5s ago', '3h ago', 0, 'no error', 42), // recovered
]

const ctl = (name: string, rows: ControllerRow[], healthy: number, total: number) => agent(name, {status: status({
  controllers: {healthy, total, rows, src: at(`Controller Status:   ${healthy}/${total} healthy`, 39)},
})})

const metricAgent = (name: string, v: number) => agent(name, {metrics: {format: 'exposition', unrecognized: [], samples: [
  {name: 'cilium_controllers_failing', labels: {}, value: v, src: at(`cilium_controllers_failing ${v}`, 12, `${name}/metrics`)},
]}})

describe('controllerGroup', () => {
  it('folds per-endpoint ids so 1000 agents group', () => {
    expect(controllerGroup('sync-to-k8s-ciliumendpoint (1178)')).to.equal('sync-to-k8s-ciliumendpoint')
    expect(controllerGroup('endpoint-1178-regeneration-recovery')).to.equal('endpoint-*-regeneration-recovery')
    expect(controllerGroup('resolve-labels-kube-system/coredns-5d78c9869d-abcde')).to.equal('resolve-labels')
    expect(controllerGroup('write-cni-file')).to.equal('write-cni-file')
  })
})

ruleTester(rule, {
  valid: [
    {name: 'idle and recovered controllers, all healthy', snapshot: snapshot({agents: [ctl('cilium-a', idle, 3, 3)]})},
    {name: 'plain mode 48/48 healthy without rows', snapshot: snapshot({agents: [ctl('cilium-a', [], 48, 48)]})},
    {name: 'metric at zero', snapshot: snapshot({agents: [metricAgent('cilium-a', 0)]})},
  ],
  invalid: [
    {
      name: 'sync-lb-maps failing on two agents → one critical finding', messageIds: ['controller-failing'],
      snapshot: snapshot({agents: [
        ctl('cilium-a', [...idle, row('sync-lb-maps-with-k8s-services', '2m ago', '7s ago', 4, 'Unable to update element for LB bpf map', 50)], 2, 3),
        ctl('cilium-b', [...idle, row('sync-lb-maps-with-k8s-services', '2m ago', '9s ago', 6, 'Unable to update element for LB bpf map', 50)], 2, 3),
      ]}),
      expect: {count: 1, severity: 'critical', agents: ['cilium-a', 'cilium-b'], message: /sync-lb-maps-with-k8s-services failing on 2 agents \(cilium-a, cilium-b\): 6 consecutive failures, last error 9s ago/, evidence: {line: 50}, fix: /bpf\.lbMapMax/},
    },
    {
      name: 'cilium-health-ep timeout → high', messageIds: ['controller-failing'],
      snapshot: snapshot({agents: [ctl('cilium-a', [row('cilium-health-ep', '2m11s ago', '11s ago', 5, 'Get "http://10.0.10.64:4240/hello": context deadline exceeded', 44)], 47, 48)]}),
      expect: {count: 1, severity: 'high', agents: ['cilium-a'], message: /cilium-health-ep failing on cilium-a: 5 consecutive/, fix: /TCP 4240/},
    },
    {
      name: 'sync-lb-maps timing out on Kubernetes → API hint, not a map hint', messageIds: ['controller-failing'],
      snapshot: snapshot({agents: [ctl('cilium-a', [row('sync-lb-maps-with-k8s-services', 'never', '9s ago', 14, 'timed out waiting for Kubernetes services and endpoints to be synchronized', 62)], 50, 51)]}),
      expect: {count: 1, severity: 'critical', fix: /Kubernetes API/},
    },
    {
      name: 'endpoint regeneration controllers on one agent → critical, one finding', messageIds: ['controller-failing'],
      snapshot: snapshot({agents: [ctl('cilium-a', [
        row('endpoint-12-regeneration-recovery', 'never', '3s ago', 2, 'regeneration failed', 60),
        row('endpoint-99-regeneration-recovery', 'never', '4s ago', 3, 'regeneration failed', 61),
      ], 10, 12)]}),
      expect: {count: 1, severity: 'critical', message: /endpoint-\*-regeneration-recovery failing on cilium-a \(2 instances\)/},
    },
    {
      name: 'plain mode N/M healthy without rows', messageIds: ['controllers-failing-count'],
      snapshot: snapshot({agents: [ctl('cilium-a', [], 47, 48)]}),
      expect: {count: 1, severity: 'high', message: /47\/48 healthy on cilium-a: 1 controller/, evidence: {line: 39}},
    },
    {
      name: 'metric only', messageIds: ['controllers-failing-metric'],
      snapshot: snapshot({agents: [metricAgent('cilium-m', 2)]}),
      expect: {count: 1, severity: 'high', agents: ['cilium-m'], message: /cilium_controllers_failing > 0 on cilium-m \(max 2\)/, evidence: {line: 12}},
    },
  ],
  notEvaluated: [
    {name: 'status without Controller Status (early exit)', snapshot: snapshot({agents: [agent('cilium-a', {status: status({earlyExit: true})})]})},
  ],
})

describe('failing-controllers on real samples', () => {
  before(function () { requireReference(this) })
  it('1.10 baseline with idle "never" controllers passes', async () => {
    const a = await referenceAgent('cilium-ref', {status: 'status-verbose_1.10.0_baseline-minikube.txt'})
    expect(a.status?.controllers).to.deep.include({healthy: 19, total: 19, rows: []}) // idle rows are counted, not kept
    expect(runRule(rule, snapshot({agents: [a]})).outcome.result).to.equal('passed')
  })
})
