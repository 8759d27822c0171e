import rule from '../../rules/big-tcp.js'
import type {AgentStatus, Node} from '../../src/snapshot/schema.js'
import {agent, at, config, snapshot, status} from '../helpers/snapshot.js'
import {ruleTester} from './_rule-tester.js'

const node = (name: string, kernel: string): Node => ({name, kernel, podCIDRs: [], labels: {}, src: at(`kernelVersion: ${kernel}`, 3, 'k8s-nodes.yaml')})
function st(v4: boolean, network: 'Native' | 'Tunnel', host: 'BPF' | 'Legacy' = 'BPF', extra: Partial<AgentStatus> = {}): AgentStatus {
  return status({
    bigTcp: {ipv4: {enabled: v4, src: at(`IPv4 BIG TCP:   ${v4 ? 'Enabled   [196608]' : 'Disabled'}`, 20)}, ipv6: {enabled: false, src: at('IPv6 BIG TCP:   Disabled', 21)}},
    routing: {network, host, src: at(`Routing:   Network: ${network}   Host: ${host}`, 30)},
    encryption: {mode: 'Disabled', text: 'Disabled', src: at('Encryption:   Disabled', 50)},
    ...extra,
  })
}

ruleTester(rule, {
  valid: [
    {name: 'BIG TCP off with tunnel routing (not possible)', snapshot: snapshot({agents: [agent('cilium-a', {status: st(false, 'Tunnel')})], cluster: {nodes: [node('n1', '6.8.0')]}})},
    {name: 'BIG TCP off, native, but a node on 5.15', snapshot: snapshot({agents: [agent('cilium-a', {status: st(false, 'Native')})], cluster: {nodes: [node('n1', '6.8.0'), node('n2', '5.15.0-1051-azure')]}})},
    {name: 'BIG TCP on with native routing', snapshot: snapshot({agents: [agent('cilium-a', {status: st(true, 'Native')})], cluster: {nodes: [node('n1', '6.8.0')]}})},
  ],
  invalid: [
    {
      name: 'off, native + BPF host routing, kernels >= 6.3 → info suggestion', messageIds: ['possible'],
      snapshot: snapshot({agents: [agent('cilium-a', {status: st(false, 'Native')}), agent('cilium-b', {status: st(false, 'Native')})], cluster: {nodes: [node('n1', '6.6.30'), node('n2', '6.8.0')]}}),
      expect: {count: 1, severity: 'info', message: /possible for IPv4/, evidence: {line: 20, text: 'IPv4 BIG TCP:   Disabled'}, helm: {path: 'enableIPv4BIGTCP', value: true}},
    },
    {
      name: 'enabled with tunnel routing → medium, disable', messageIds: ['unsupported-combination'],
      snapshot: snapshot({agents: [agent('cilium-a', {status: st(true, 'Tunnel')})]}),
      expect: {count: 1, severity: 'medium', message: /IPv4 BIG TCP is enabled together with tunnel routing/, helm: {path: 'enableIPv4BIGTCP', value: false}},
    },
    {
      name: 'config: enabled with WireGuard', messageIds: ['unsupported-combination'],
      snapshot: snapshot({cluster: {config: config({'enable-ipv4-big-tcp': 'true', 'enable-wireguard': 'true', 'routing-mode': 'native'})}}),
      expect: {count: 1, severity: 'medium', message: /encryption/, evidence: {text: 'enable-wireguard: true'}},
    },
  ],
  notEvaluated: [
    {name: 'qualifying datapath but no node kernels', snapshot: snapshot({agents: [agent('cilium-a', {status: st(false, 'Native')})]})},
  ],
})
