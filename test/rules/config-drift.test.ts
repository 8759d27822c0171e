import {expect} from 'chai'
import {join} from 'node:path'
import rule from '../../rules/config-drift.js'
import {buildSnapshot} from '../../src/ingest/build.js'
import {collectFromPath} from '../../src/ingest/from-path.js'
import {runRule} from '../../src/rules/engine.js'
import type {AgentStatus, PodInfo, Snapshot} from '../../src/snapshot/schema.js'
import {FIXTURES_DIR} from '../helpers/reference.js'
import {agent, at, config, snapshot, status} from '../helpers/snapshot.js'
import {ruleTester} from './_rule-tester.js'

function pod(name: string, startedAt: string, line = 4): PodInfo {
  return {name, restarts: 0, startedAt, src: at(`    name: ${name}`, line, 'pods.yaml')}
}
function kpr(mode: 'True' | 'False'): Partial<AgentStatus> {
  return {kubeProxyReplacement: {mode, enabled: mode === 'True', devices: [], src: at(`KubeProxyReplacement:   ${mode}   [eth0   198.51.100.21 (Direct Routing)]`, 4)}}
}
// kubectl get cm cilium-config -o yaml --show-managed-fields: the newest entry's time
const changed = (time: string) => ({...config({'kube-proxy-replacement': 'true'}), changedAt: {time, manager: 'helm', src: at(`    time: "${time}"`, 171)}})

ruleTester(rule, {
  valid: [
    {
      name: 'every pod started after the last change, agents agree',
      snapshot: snapshot({
        agents: [agent('cilium-a', {status: status(kpr('True')), pod: pod('cilium-a', '2026-01-23T14:05:41Z')}), agent('cilium-b', {status: status(kpr('True')), pod: pod('cilium-b', '2026-01-23T14:06:02Z')})],
        cluster: {config: changed('2026-01-23T14:02:17Z'), pods: [pod('cilium-operator-6b8f7d9c5d-q7k2m', '2026-01-23T14:03:10Z')]},
      }),
    },
    {
      name: 'no change time in the evidence (kubectl get -o yaml without managed fields): nothing to compare',
      snapshot: snapshot({agents: [agent('cilium-a', {status: status(kpr('True')), pod: pod('cilium-a', '2026-01-23T13:11:55Z')})], cluster: {config: config({'kube-proxy-replacement': 'true'})}}),
    },
    {
      name: 'a Proxy Status line missing on one agent is not "mixed" (its absence is only inferred)',
      snapshot: snapshot({agents: [
        agent('cilium-a', {status: status({proxy: {text: 'OK, ip 10.42.0.185, 0 redirects active on ports 10000-20000, Envoy: external', src: at('Proxy Status:   OK, ip 10.42.0.185, 0 redirects active on ports 10000-20000, Envoy: external', 78)}})}),
        agent('cilium-b', {status: status({controllers: {healthy: 46, total: 46, rows: [], src: at('Controller Status:      46/46 healthy', 40)}})}),
      ]}),
    },
    {
      name: 'a ConfigMap write time wins over a later Helm deploy that changed no key: pods started in between are current',
      snapshot: snapshot({
        agents: [agent('cilium-a', {status: status(kpr('True')), pod: pod('cilium-a', '2026-02-10T00:00:00Z')})],
        cluster: {config: changed('2026-02-01T10:00:00Z'), helm: {source: 'helm-values.yaml', revision: 10, deployedAt: '2026-03-02T08:30:00Z', values: {}}},
      }),
    },
  ],
  invalid: [
    {
      name: 'Helm upgrade not rolled: operator and two agents started before the change; order operator → agents',
      messageIds: ['restart-needed'],
      snapshot: snapshot({
        agents: [agent('cilium-a', {status: status(kpr('True')), pod: pod('cilium-a', '2026-01-23T13:11:55Z')}), agent('cilium-b', {status: status(kpr('True')), pod: pod('cilium-b', '2026-01-23T13:12:25Z')})],
        cluster: {config: changed('2026-01-23T14:02:17Z'), pods: [pod('cilium-operator-6b8f7d9c5d-q7k2m', '2026-01-12T09:15:47Z')]},
      }),
      expect: {count: 1, severity: 'high', agents: ['cilium-a', 'cilium-b'],
        message: /after 1 operator pod\(s\), 2 agent pod\(s\) last started \(cilium-config written by helm at 2026-01-23T14:02:17Z\)/,
        fix: /1\) operator: cilium-operator-6b8f7d9c5d-q7k2m \(started 2026-01-12T09:15:47Z\): kubectl -n kube-system rollout restart deployment\/cilium-operator; 2\) agent: .*rollout restart daemonset\/cilium\b/,
        evidence: {text: '    time: "2026-01-23T14:02:17Z"', line: 171}},
    },
    {
      name: 'only the Helm deploy time (no ConfigMap change time): medium, says it may, and what decides it; Envoy last',
      messageIds: ['restart-needed'],
      snapshot: snapshot({
        agents: [agent('cilium-a', {pod: pod('cilium-a', '2026-03-01T10:00:00Z')})],
        cluster: {config: config({'kube-proxy-replacement': 'true'}), helm: {source: 'helm-values.yaml', revision: 9, deployedAt: '2026-03-02T08:30:00.1Z', values: {}},
          pods: [pod('cilium-envoy-x2p9z', '2026-02-20T00:00:00Z')]},
      }),
      expect: {count: 1, severity: 'medium', message: /deployed after 1 agent pod\(s\), 1 envoy pod\(s\) .*Helm release revision 9 deployed at 2026-03-02T08:30:00\.1Z.*may still run.*--show-managed-fields/, fix: /1\) agent: .*2\) envoy: cilium-envoy-x2p9z/},
    },
    {
      name: 'agents disagree on kube-proxy replacement',
      messageIds: ['mixed-config'],
      snapshot: snapshot({agents: [agent('cilium-a', {status: status(kpr('False'))}), agent('cilium-b', {status: status(kpr('True'))})]}),
      expect: {count: 1, severity: 'medium', message: /mixed configuration for kube-proxy replacement: off on cilium-a \(KubeProxyReplacement: False\) vs on on cilium-b/},
    },
    {
      name: 'cilium-config turns Hubble off, every agent still runs it (so nothing is mixed)',
      messageIds: ['running-differs'],
      snapshot: snapshot({
        agents: ['cilium-a', 'cilium-b'].map((n) => agent(n, {status: status({hubble: {state: 'Ok', text: 'Ok   Current/Max Flows: 4095/4095 (100.00%), Flows/s: 9.52   Metrics: Disabled', src: at('Hubble:   Ok   Current/Max Flows: 4095/4095 (100.00%), Flows/s: 9.52   Metrics: Disabled', 80)}})})),
        cluster: {config: config({'enable-hubble': 'false'})},
      }),
      expect: {count: 1, message: /turns Hubble off \(enable-hubble: false\) but 2 agents \(cilium-a, cilium-b\) still run it/},
    },
    {
      name: '"enable-host-legacy-routing: true" turns eBPF host routing off; an agent still on Host: BPF runs the old config',
      messageIds: ['running-differs'],
      snapshot: snapshot({
        agents: [agent('cilium-a', {status: status({routing: {network: 'Native', host: 'BPF', src: at('Routing:   Network: Native   Host: BPF', 30)}})})],
        cluster: {config: config({'enable-host-legacy-routing': 'true'})},
      }),
      expect: {count: 1, message: /eBPF host routing off \(enable-host-legacy-routing: true\)/},
    },
  ],
})

describe('config-drift on a captured directory (fixtures/effective/drift-helm-upgrade-not-rolled)', () => {
  let snap: Snapshot
  before(() => {
    snap = buildSnapshot(collectFromPath(join(FIXTURES_DIR, 'effective', 'drift-helm-upgrade-not-rolled')))
  })
  it('reads the change time from managedFields and the start times from the pods, operator included', () => {
    expect(snap.cluster.config?.changedAt).to.include({time: '2026-01-23T14:02:17Z', manager: 'helm'})
    expect(snap.cluster.helm?.revision).to.equal(4)
    expect(snap.cluster.helm?.deployedAt).to.equal('2026-01-23T14:02:16.884512907Z')
    expect(snap.agents.map((a) => a.pod?.startedAt)).to.deep.equal(['2026-01-23T13:11:55Z', '2026-01-23T14:05:55Z', '2026-01-23T13:12:25Z'])
    expect(snap.cluster.pods?.find((p) => p.name.startsWith('cilium-operator-'))?.startedAt).to.equal('2026-01-12T09:15:47Z')
  })
  it('names the two stale agents and the operator, in order, and the mixed kube-proxy replacement', () => {
    const r = runRule(rule, snap)
    expect(r.findings.map((f) => f.messageId)).to.deep.equal(['restart-needed', 'mixed-config'])
    expect(r.findings[0].agents.sort()).to.deep.equal(['cilium-8fnwk', 'cilium-ssp67'])
    expect(r.findings[0].fix).to.match(/^Restart in this order: 1\) operator: cilium-operator-6b8f7d9c5d-q7k2m .* 2\) agent: cilium-8fnwk/)
    expect(r.findings[0].evidence[0]).to.deep.include({line: 182, text: 'time: "2026-01-23T14:02:17Z"'})
  })
})
