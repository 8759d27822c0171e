import rule from '../../rules/id-space.js'
import type {Service} from '../../src/snapshot/schema.js'
import {agent, at, config, snapshot} from '../helpers/snapshot.js'
import {ruleTester} from './_rule-tester.js'

// `cilium-dbg service list` rows (ID, frontend, type), one service ID per frontend
function services(n: number): {format: 'text', services: Service[], unrecognized: []} {
  return {format: 'text', unrecognized: [], services: Array.from({length: n}, (_, i) => {
    const ip = `10.96.${Math.floor(i / 250)}.${(i % 250) + 1}`
    return {id: i + 1, frontend: `${ip}:80/TCP`, ip, port: 80, proto: 'TCP', type: 'ClusterIP', remote: false, backends: [], src: at(`${i + 1}    ${ip}:80/TCP    ClusterIP`, i + 2, 'service-list.txt')}
  })}
}
const counts = (ciliumNodes: number) => ({ciliumNodes, src: at(`${ciliumNodes} CiliumNode objects`, 0, 'ciliumnodes (count)')})

ruleTester(rule, {
  valid: [
    {name: 'a few hundred frontends and a small cluster', snapshot: snapshot({agents: [agent('cilium-a', {services: services(300)})], cluster: {counts: counts(40)}})},
    {name: '7,400 nodes with the node map raised to 65536', snapshot: snapshot({cluster: {counts: counts(7400), config: config({'bpf-node-map-max': '65536'})}})},
  ],
  invalid: [
    {
      name: '59,500 frontends on one agent: 91 % of the service IDs',
      messageIds: ['service-ids'],
      snapshot: snapshot({agents: [agent('cilium-a', {services: services(59500)}), agent('cilium-b', {services: services(10)})]}),
      expect: {count: 1, severity: 'high', agents: ['cilium-a'], message: /59500 service frontends on cilium-a = 91 % of the 65534 service IDs .*room for 6034 more/, noHelm: true},
    },
    {
      name: '7,400 CiliumNodes fill 90 % of the default node map (two addresses each)',
      messageIds: ['node-ids'],
      snapshot: snapshot({cluster: {counts: counts(7400)}}),
      expect: {count: 1, severity: 'high', message: /7400 nodes \(CiliumNode count\) ≈ 14800 node-map entries .* = 90 % of the node map's 16384 entries \(default\)/, fix: /Raise bpf-node-map-max/},
    },
    {
      name: 'dual stack doubles the entries: 3,100 nodes against 16384 → 76 %',
      messageIds: ['node-ids'],
      snapshot: snapshot({cluster: {counts: counts(3100), config: config({'enable-ipv6': 'true', 'enable-ipv4': 'true'})}}),
      expect: {count: 1, severity: 'medium', message: /≈ 12400 node-map entries \(2 addresses per node and family\)/},
    },
  ],
  messagesCarryNumbers: true,
})
