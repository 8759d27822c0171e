import rule from '../../rules/veth-netkit-possible.js'
import type {Node} from '../../src/snapshot/schema.js'
import {agent, at, config, snapshot, status} from '../helpers/snapshot.js'
import {ruleTester} from './_rule-tester.js'

const node = (name: string, kernel: string | undefined, line: number): Node =>
  ({name, kernel, podCIDRs: [], labels: {}, src: at(`kernelVersion: ${kernel ?? ''}`, line, 'k8s-nodes.yaml')})

const st = (mode: string, host: 'BPF' | 'Legacy') => status({
  deviceMode: {value: mode, src: at(`Device Mode:   ${mode}`, 32)},
  routing: {network: 'Native', host, src: at(`Routing:   Network: Native   Host: ${host}`, 30)},
})

const agents = (mode = 'veth', host: 'BPF' | 'Legacy' = 'BPF') => [agent('cilium-a', {status: st(mode, host)}), agent('cilium-b', {status: st(mode, host)})]
const newNodes = [node('node-a', '6.8.0-1015-aws', 10), node('node-b', '6.12.1', 20)]

ruleTester(rule, {
  valid: [
    {name: 'one node still on 6.1', snapshot: snapshot({agents: agents(), cluster: {nodes: [node('node-a', '6.8.0', 10), node('node-b', '6.1.0-28-amd64', 20)]}})},
    {name: 'one node on 6.7 (agent probe passes, docs require 6.8)', snapshot: snapshot({agents: agents(), cluster: {nodes: [node('node-a', '6.7.12', 10)]}})},
    {name: 'already netkit', snapshot: snapshot({agents: agents('netkit'), cluster: {nodes: newNodes}})},
    {name: 'legacy host routing', snapshot: snapshot({agents: agents('veth', 'Legacy'), cluster: {nodes: newNodes}})},
    {name: 'bpf tproxy enabled', snapshot: snapshot({agents: agents(), cluster: {nodes: newNodes, config: config({'enable-bpf-tproxy': 'true'})}})},
  ],
  invalid: [
    {
      name: 'veth + BPF host routing + all kernels >= 6.8 → info netkit suggestion', messageIds: ['netkit-possible'],
      snapshot: snapshot({agents: agents(), cluster: {nodes: newNodes}}),
      expect: {count: 1, severity: 'info', agents: ['cilium-a', 'cilium-b'], message: /all 2 nodes run kernel >= 6\.8 \(lowest 6\.8\.0-1015-aws/,
        evidence: {line: 32, text: 'Device Mode:   veth'},
        helm: {path: 'bpf.datapathMode', value: 'netkit', cost: 'only new pods get netkit; existing pods keep veth until restarted'}},
    },
  ],
  notEvaluated: [
    {name: 'no nodes evidence', snapshot: snapshot({agents: agents()})},
    {name: 'node kernel unknown', snapshot: snapshot({agents: agents(), cluster: {nodes: [node('node-a', undefined, 10)]}})},
    {name: 'pre-1.16 status without Device Mode', snapshot: snapshot({agents: [agent('cilium-a', {status: status({})})], cluster: {nodes: newNodes}})},
  ],
})
