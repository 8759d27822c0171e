import rule from '../../rules/ipam-exhaustion.js'
import {agent, at, config, snapshot, status} from '../helpers/snapshot.js'
import {ruleTester} from './_rule-tester.js'

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
  ],
  notEvaluated: [{name: 'status without IPAM', snapshot: snapshot({agents: [agent('cilium-a', {status: status({earlyExit: true})})]})}],
})
