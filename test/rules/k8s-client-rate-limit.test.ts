import rule from '../../rules/k8s-client-rate-limit.js'
import type {Node} from '../../src/snapshot/schema.js'
import {agent, at, config, snapshot, status} from '../helpers/snapshot.js'
import {ruleTester} from './_rule-tester.js'

const nodes = (n: number, cp = 0): Node[] => Array.from({length: n}, (_, i) => ({name: `node-${i}`, podCIDRs: [],
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- tsc needs it for the union of literals
  labels: (i < cp ? {'node-role.kubernetes.io/control-plane': ''} : {}) as Record<string, string>, src: at(`name: node-${i}`, i + 1, 'k8s-nodes.yaml')}))
const v118 = agent('cilium-a', {status: status({cilium: {state: 'Ok', message: '1.18.7', version: '1.18.7', src: at('Cilium:   Ok   1.18.7')}})})

ruleTester(rule, {
  valid: [
    {name: '1.16 default-rendered qps 5 on 120 nodes is the chart default, not lowered', version: '1.16.6', snapshot: snapshot({cluster: {config: config({'k8s-client-qps': '5', 'k8s-client-burst': '10'}), nodes: nodes(120)}})},
    {name: 'small cluster with defaults', snapshot: snapshot({agents: [v118], cluster: {config: config({debug: 'false'}), nodes: nodes(50)}})},
    {name: 'large cluster with raised QPS', snapshot: snapshot({agents: [v118], cluster: {config: config({'k8s-client-qps': '50', 'k8s-client-burst': '100'}), nodes: nodes(600)}})},
    {name: 'API servers listed', snapshot: snapshot({agents: [v118], cluster: {config: config({'k8s-api-server-urls': 'https://10.0.0.1:6443 https://10.0.0.2:6443 https://10.0.0.3:6443'}), nodes: nodes(10, 3),
      helm: {source: 'helm get values', values: {k8sServiceHost: '10.0.0.1'}}}})},
  ],
  invalid: [
    {
      name: '600 nodes with default QPS and CES on → raise both, typed numbers', messageIds: ['agent-low-limits'],
      snapshot: snapshot({agents: [v118], cluster: {config: config({'enable-cilium-endpoint-slice': 'true'}), nodes: nodes(600)}}),
      expect: [{count: 1, severity: 'medium', message: /10 QPS \/ burst 20 with 600 nodes/, helm: {path: 'k8sClientRateLimit.qps', value: 20}}, {helm: {path: 'k8sClientRateLimit.burst', value: 40}}],
    },
    {
      name: '600 nodes with QPS 5 and CES off → enable CES first, no raise', messageIds: ['agent-low-limits'],
      snapshot: snapshot({agents: [v118], cluster: {config: config({'k8s-client-qps': '5'}), nodes: nodes(600)}}),
      expect: {count: 1, message: /5 QPS.*enable it before raising/, noHelm: true, evidence: {text: 'k8s-client-qps: 5', line: 2}},
    },
    {
      name: '1.17 with qps 5 / burst 10 set explicitly on 120 nodes → restore defaults', messageIds: ['agent-lowered-limits'],
      snapshot: snapshot({agents: [agent('cilium-a', {status: status({cilium: {state: 'Ok', message: '1.17.6', version: '1.17.6', src: at('Cilium:   Ok   1.17.6')}})})],
        cluster: {config: config({'k8s-client-qps': '5', 'k8s-client-burst': '10'}), nodes: nodes(120)}}),
      expect: [{count: 1, severity: 'medium', message: /explicitly limited to 5 QPS \/ burst 10, below the 1\.17\+ defaults/, evidence: {text: 'k8s-client-qps: 5'}, helm: {path: 'k8sClientRateLimit.qps', value: 10}},
        {helm: {path: 'k8sClientRateLimit.burst', value: 20}}],
    },
    {
      name: '1100 nodes with operator QPS 50 → operator limits raised', messageIds: ['operator-low-limits'],
      snapshot: snapshot({agents: [v118], cluster: {config: config({'k8s-client-qps': '50', 'k8s-client-burst': '100', 'operator-k8s-client-qps': '50'}), nodes: nodes(1100)}}),
      expect: {count: 1, severity: 'medium', message: /Operator API-server client limited to 50 QPS with 1100 nodes/, evidence: {text: 'operator-k8s-client-qps: 50'}, helm: {path: 'k8sClientRateLimit.operator.qps', value: 100}},
    },
    {
      name: 'single API-server IP with 3 control-plane nodes on 1.18', messageIds: ['single-api-server'],
      snapshot: snapshot({agents: [v118], cluster: {config: config({debug: 'false'}), nodes: nodes(10, 3), helm: {source: 'helm get values', values: {k8sServiceHost: '10.0.0.1', k8sServicePort: 6443}}}}),
      expect: {count: 1, message: /single IP \(k8sServiceHost: 10\.0\.0\.1\).*3 control-plane/, fix: /k8s\.apiServerURLs/},
    },
    {
      name: 'backoff disabled on 1.18', messageIds: ['backoff-disabled'],
      snapshot: snapshot({agents: [v118], cluster: {helm: {source: 'helm get values', values: {k8sClientExponentialBackoff: {enabled: false}}}}}),
      expect: {count: 1, helm: {path: 'k8sClientExponentialBackoff.enabled', value: true}},
    },
  ],
  notEvaluated: [{name: 'config without node counts or helm', snapshot: snapshot({cluster: {config: config({'k8s-client-qps': '5'})}})}],
})
