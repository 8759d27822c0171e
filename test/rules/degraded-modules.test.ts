import {expect} from 'chai'
import {runRule} from '../../src/rules/engine.js'
import {requireReference} from '../helpers/reference.js'
import rule from '../../rules/degraded-modules.js'
import type {ModuleHealth} from '../../src/snapshot/schema.js'
import {agent, at, snapshot, status} from '../helpers/snapshot.js'
import {referenceAgent, ruleTester} from './_rule-tester.js'

function mod(path: string, level: ModuleHealth['level'], message: string, line: number): ModuleHealth {
  const name = path.split('.').pop()!
  return {path, name, level, message, age: '2m', count: 3, src: at(`│   ├── ${name}   [${level}] ${message} (2m, x3)`, line)}
}

const tree = (name: string, modules: ModuleHealth[], counts: {degraded?: number} = {}) => agent(name, {status: status({
  modulesHealth: {...counts, src: at('Modules Health:', 80), modules},
})})

const healthyTree = [
  mod('agent.controlplane.auth.observer-job-auth-request-authentication', 'STOPPED', 'Observer job stopped', 81),
  mod('agent.datapath.agent-liveness-updater.timer-job-agent-liveness-updater', 'OK', 'OK', 82),
  mod('agent.controlplane.endpoint-manager.cilium-endpoint-1178 (kube-system/coredns-abc).policy', 'OK', 'OK', 83),
]

const metric = (agentName: string, st: string, value: number) => ({name: 'cilium_hive_status', labels: {status: st}, value, src: at(`cilium_hive_status{status="${st}"} ${value}`, 7, `${agentName}/metrics`)})

ruleTester(rule, {
  valid: [
    {name: 'STOPPED and OK leaves only', snapshot: snapshot({agents: [tree('cilium-a', healthyTree), tree('cilium-b', healthyTree)]})},
    {name: 'summary Stopped(12) Degraded(0) OK(80)', snapshot: snapshot({agents: [tree('cilium-a', [], {degraded: 0})]})},
    {name: 'metric degraded = 0', snapshot: snapshot({agents: [agent('cilium-a', {metrics: {format: 'exposition', unrecognized: [], samples: [metric('cilium-a', 'degraded', 0), metric('cilium-a', 'stopped', 12)]}})]})},
  ],
  invalid: [
    {
      name: 'DEGRADED lb reconciler on two agents → one critical finding', messageIds: ['module-degraded'],
      snapshot: snapshot({agents: [
        tree('cilium-a', [...healthyTree, mod('agent.controlplane.loadbalancer-reconciler.bpf-reconciler', 'DEGRADED', 'reconcile failed -- update lb4_services_v2: map is full', 90)]),
        tree('cilium-b', [...healthyTree, mod('agent.controlplane.loadbalancer-reconciler.bpf-reconciler', 'DEGRADED', 'reconcile failed -- update lb4_services_v2: map is full', 90)]),
      ]}),
      expect: {count: 1, severity: 'critical', agents: ['cilium-a', 'cilium-b'], message: /bpf-reconciler is DEGRADED on 2 agents.*map is full/, evidence: {line: 90, text: /\[DEGRADED\]/}},
    },
    {
      name: 'non-datapath module degraded → high', messageIds: ['module-degraded'],
      snapshot: snapshot({agents: [tree('cilium-a', [mod('agent.infra.k8s-synced-crdsync.job-sync', 'DEGRADED', 'bozo -- BOOM!', 91)])]}),
      expect: {count: 1, severity: 'high', agents: ['cilium-a'], message: /BOOM/},
    },
    {
      name: 'summary Degraded(2) without tree', messageIds: ['degraded-count'],
      snapshot: snapshot({agents: [tree('cilium-a', [], {degraded: 2})]}),
      expect: {count: 1, severity: 'high', message: /Degraded\(2\) on cilium-a/, evidence: {text: 'Modules Health:', line: 80}},
    },
    {
      name: 'metric only', messageIds: ['degraded-metric'],
      snapshot: snapshot({agents: [agent('cilium-m', {metrics: {format: 'exposition', unrecognized: [], samples: [metric('cilium-m', 'degraded', 1)]}})]}),
      expect: {count: 1, severity: 'high', agents: ['cilium-m'], message: /cilium_hive_status/, evidence: {line: 7}},
    },
  ],
  notEvaluated: [
    {name: 'status exited early (no Modules Health) and no metrics', snapshot: snapshot({agents: [agent('cilium-a', {status: status({earlyExit: true})})]})},
    {name: 'no evidence at all', snapshot: snapshot({agents: [agent('cilium-a')]})},
  ],
})

describe('degraded-modules on real samples', () => {
  before(function () { requireReference(this) })
  it('1.18.0 tree with [STOPPED] leaves passes', async () => {
    const a = await referenceAgent('cilium-ref', {status: 'status-verbose_1.18.0_health-endpoint-timeout-vxlan-legacy-TRUNCATED-unattributed.txt'})
    expect(a.status?.modulesHealth?.modules.some((m) => m.level === 'STOPPED')).to.equal(true)
    expect(runRule(rule, snapshot({agents: [a]})).outcome.result).to.equal('passed')
  })
  it('1.18.7 summary Stopped(12) Degraded(0) passes', async () => {
    const a = await referenceAgent('cilium-ref', {status: 'status_1.18.7_health-1of3-masq-disabled-eks.txt'})
    expect(runRule(rule, snapshot({agents: [a]})).outcome.result).to.equal('passed')
  })
})
