import rule from '../../rules/ipam-exhaustion.js'
import {agent, at, config, snapshot, status} from '../helpers/snapshot.js'
import {ruleTester} from './_rule-tester.js'
import {readFileSync} from 'node:fs'
import {parseCiliumNodes} from '../../src/parse/cilium-nodes.js'
import type {CiliumNodeInfo} from '../../src/snapshot/schema.js'

// kubectl get ciliumnodes -o yaml imitating cilium#41130 (fixtures/resilience/INDEX.md)
const ALLOCATOR_FULL = 'fixtures/resilience/ciliumnodes-allocator-full.yaml'
const fullPool = parseCiliumNodes(readFileSync(ALLOCATOR_FULL, 'utf8'), ALLOCATOR_FULL)
const cn = (name: string, extra: Partial<CiliumNodeInfo>): CiliumNodeInfo => ({name, podCIDRs: [], src: at(`name: ${name}`, 5, 'ciliumnodes.yaml'), ...extra})

const ipam = (name: string, used: number, total: number, cidr?: string, v6?: [number, number]) => agent(name, {status: status({ipam: {
  pools: [{family: 'IPv4', used, total, ...(cidr ? {cidr} : {})}, ...(v6 ? [{family: 'IPv6' as const, used: v6[0], total: v6[1]}] : [])],
  src: at(`IPAM:   IPv4: ${used}/${total} allocated${cidr ? ` from ${cidr}` : ''},`, 14, `${name}/status`),
}})})
const metric = (name: string, used: number, capacity: number) => agent(name, {metrics: {format: 'exposition', unrecognized: [], samples: [
  {name: 'cilium_ip_addresses', labels: {family: 'ipv4'}, value: used, src: at(`cilium_ip_addresses{family="ipv4"} ${used}`, 3)},
  {name: 'cilium_ipam_capacity', labels: {family: 'ipv4'}, value: capacity, src: at(`cilium_ipam_capacity{family="ipv4"} ${capacity}`, 4)},
]}})

ruleTester(rule, {
  valid: [
    {name: 'half used, IPv6 huge pool', snapshot: snapshot({agents: [ipam('cilium-a', 120, 254, '10.0.1.0/24', [5, Number.MAX_SAFE_INTEGER])]})},
    {name: 'just under 90 %', snapshot: snapshot({agents: [ipam('cilium-a', 228, 254, '10.0.1.0/24')]})},
    {name: 'metric at 50 %', snapshot: snapshot({agents: [metric('cilium-a', 127, 254)]})},
    {name: 'CiliumNodes with pod CIDRs and empty operator-status', snapshot: snapshot({cluster: {ciliumNodes: [cn('n1', {podCIDRs: ['10.0.0.0/24'], used: 40})]}})},
    {name: 'ENI CiliumNode pool 30 used of 44', snapshot: snapshot({cluster: {config: config({ipam: 'eni'}), ciliumNodes: [cn('n1', {poolSize: 44, used: 30})]}})},
  ],
  invalid: [
    {
      name: '230/254 → high with a /23 suggestion', messageIds: ['pool-exhausted'],
      snapshot: snapshot({agents: [ipam('cilium-a', 230, 254, '10.0.1.0/24'), ipam('cilium-b', 12, 254, '10.0.2.0/24')]}),
      expect: {count: 1, severity: 'high', agents: ['cilium-a'], message: /cilium-a IPv4 230\/254 \(91 %\)/, evidence: {line: 14}, helm: {path: 'ipam.operator.clusterPoolIPv4MaskSize', value: 23}},
    },
    {
      name: 'ENI form 14/14 → critical, ENI fix, no mask suggestion', messageIds: ['pool-exhausted'],
      snapshot: snapshot({agents: [ipam('cilium-a', 14, 14)], cluster: {config: config({ipam: 'eni'})}}),
      expect: {count: 1, severity: 'critical', noHelm: true, fix: /prefix delegation/},
    },
    {
      name: 'metrics only', messageIds: ['pool-exhausted'],
      snapshot: snapshot({agents: [metric('cilium-m', 250, 254)]}),
      expect: {count: 1, severity: 'critical', agents: ['cilium-m'], message: /250\/254/},
    },
    {
      name: 'cilium#41130: the third CiliumNode got no block ("allocator full") → critical, names the node', messageIds: ['operator-allocation-failed'],
      snap: () => snapshot({cluster: {config: config({ipam: 'cluster-pool'}), ciliumNodes: fullPool}}),
      expect: {count: 1, severity: 'critical', agents: [], message: /demo-worker2: "allocator full" \(no pod CIDR, no pool\)/, evidence: {text: /error: allocator full/, line: 121}, fix: /clusterPoolIPv4PodCIDRList/},
    },
    {
      name: 'multi-pool error on a node that has addresses → medium, maybe stale', messageIds: ['operator-allocation-failed'],
      snapshot: snapshot({cluster: {config: config({ipam: 'multi-pool'}), ciliumNodes: [cn('n1', {podCIDRs: ['10.0.4.0/27'], used: 3, operatorError: {text: 'cannot allocate from non-existing pool: default', src: at('error: cannot allocate from non-existing pool: default', 40)}})]}}),
      expect: {count: 1, severity: 'medium', message: /may be stale/, fix: /CiliumPodIPPool/},
    },
    {
      name: 'CiliumNode without agent status: 250 used of its /24 → critical with the mask suggestion', messageIds: ['pool-exhausted'],
      snapshot: snapshot({cluster: {ciliumNodes: [cn('n7', {podCIDRs: ['10.0.7.0/24'], used: 250})]}}),
      expect: {count: 1, severity: 'critical', agents: [], message: /CiliumNode n7 IPv4 250\/254/, helm: {path: 'ipam.operator.clusterPoolIPv4MaskSize', value: 23}},
    },
    {
      name: 'agent status wins over its CiliumNode (no double count)', messageIds: ['pool-exhausted'],
      snapshot: snapshot({agents: [{...ipam('cilium-a', 230, 254, '10.0.1.0/24'), node: 'n1'}], cluster: {ciliumNodes: [cn('n1', {podCIDRs: ['10.0.1.0/24'], used: 230})]}}),
      expect: {count: 1, severity: 'high', agents: ['cilium-a'], message: /on 1 agent\(s\): cilium-a IPv4 230\/254/},
    },
  ],
  notEvaluated: [
    {name: 'CiliumNode list without IPAM usage', snapshot: snapshot({cluster: {ciliumNodes: [cn('n1', {podCIDRs: ['10.0.0.0/24']})]}})},{name: 'status without IPAM', snapshot: snapshot({agents: [agent('cilium-a', {status: status({earlyExit: true})})]})}],
})
