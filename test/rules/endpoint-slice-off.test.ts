import rule from '../../rules/endpoint-slice-off.js'
import type {Node} from '../../src/snapshot/schema.js'
import {at, config, snapshot} from '../helpers/snapshot.js'
import {ruleTester} from './_rule-tester.js'

const nodes = (n: number): Node[] => Array.from({length: n}, (_, i) => ({name: `node-${i}`, podCIDRs: [], labels: {}, src: at(`name: node-${i}`, i * 10 + 1, 'k8s-nodes.yaml')}))
const counts = (ciliumEndpoints: number) => ({ciliumEndpoints, src: at(`ciliumendpoints: ${ciliumEndpoints}`, 1, 'counts')})

ruleTester(rule, {
  valid: [
    {name: 'CES on at scale', snapshot: snapshot({cluster: {config: config({'enable-cilium-endpoint-slice': 'true'}), nodes: nodes(150)}})},
    {name: 'CES off on a small cluster', snapshot: snapshot({cluster: {config: config({'enable-cilium-endpoint-slice': 'false'}), nodes: nodes(5), counts: counts(300)}})},
    {name: 'egress gateway without CES on a small cluster', snapshot: snapshot({cluster: {config: config({'enable-ipv4-egress-gateway': 'true'}), nodes: nodes(3)}})},
  ],
  invalid: [
    {
      name: 'CES key absent with 150 nodes → medium, modern Helm path', messageIds: ['off'],
      snapshot: snapshot({cluster: {config: config({'kube-proxy-replacement': 'true'}), nodes: nodes(150)}}),
      expect: {count: 1, severity: 'medium', message: /^Configured: CiliumEndpointSlice is off \(the default\) with 150 nodes \(Node objects\).*heuristic/, helm: {path: 'ciliumEndpointSlice.enabled', value: true}},
    },
    {
      name: 'CES off with 8000 CiliumEndpoints on a 1.15 cluster → old Helm key', messageIds: ['off'],
      version: '1.15.6',
      snapshot: snapshot({cluster: {config: config({'enable-cilium-endpoint-slice': 'false'}), counts: counts(8000)}}),
      expect: {count: 1, message: /8000 CiliumEndpoints/, helm: {path: 'enableCiliumEndpointSlice', value: true}, evidence: {text: 'enable-cilium-endpoint-slice: false'}},
    },
    {
      name: 'CES off at scale but egress gateway on → blocked, info, no suggestion', messageIds: ['off-blocked'],
      snapshot: snapshot({cluster: {config: config({'enable-egress-gateway': 'true'}), nodes: nodes(120)}}),
      expect: {count: 1, severity: 'info', message: /blocked: egress gateway is enabled/, noHelm: true, evidence: {text: 'enable-egress-gateway: true'}},
    },
    {
      name: 'CES and egress gateway both on → high conflict', messageIds: ['conflicts-with-egress-gateway'],
      snapshot: snapshot({cluster: {config: config({'enable-cilium-endpoint-slice': 'true', 'enable-ipv4-egress-gateway': 'true'})}}),
      expect: {count: 1, severity: 'high', message: /not compatible with CES/, evidence: {text: 'enable-ipv4-egress-gateway: true'}},
    },
    {
      name: 'deprecated Helm key → upgrade blocker with typed replacement', messageIds: ['removed-helm-key'],
      snapshot: snapshot({cluster: {helm: {source: 'helm get values', values: {enableCiliumEndpointSlice: true}}, nodes: nodes(3)}}),
      expect: {count: 1, severity: 'medium', message: /removed in 1\.18/, helm: {path: 'ciliumEndpointSlice.enabled', value: true}},
    },
  ],
  notEvaluated: [
    {name: 'CES off but no node or endpoint counts', snapshot: snapshot({cluster: {config: config({'enable-cilium-endpoint-slice': 'false'})}})},
    {name: 'no config or helm', snapshot: snapshot({cluster: {nodes: nodes(200)}})},
  ],
})
