import rule from '../../rules/agent-node-view.js'
import {parseNodeList} from '../../src/parse/node-list.js'
import type {Node} from '../../src/snapshot/schema.js'
import {agent, at, snapshot} from '../helpers/snapshot.js'
import {ruleTester} from './_rule-tester.js'

const HEADER = 'Name                           IPv4 Address   Endpoint CIDR   IPv6 Address   Endpoint CIDR   Source'
const row = (name: string, ip: string, cidr: string, source: string) =>
  `${name.padEnd(31)}${ip.padEnd(15)}${cidr.padEnd(16)}${''.padEnd(15)}${''.padEnd(16)}${source}`
const list = (...rows: string[]) => parseNodeList([HEADER, ...rows].join('\n') + '\n', 'cilium-a/node-list.txt')
const nodes = (...names: string[]): Node[] => names.map((name, i) => ({name, podCIDRs: [], labels: {}, ready: true, src: at(`${name}   Ready`, i + 2, 'nodes.txt')}))

const three = [row('kind/kind-control-plane', '192.0.2.3', '10.244.0.0/24', 'custom-resource'), row('kind/kind-worker', '192.0.2.4', '10.244.2.0/24', 'local'), row('kind/kind-worker2', '192.0.2.2', '10.244.1.0/24', 'custom-resource')]

ruleTester(rule, {
  valid: [
    {name: 'the agent lists every node of its cluster', snapshot: snapshot({agents: [agent('cilium-a', {knownNodes: list(...three)})], cluster: {nodes: nodes('kind-control-plane', 'kind-worker', 'kind-worker2')}})},
    {name: 'remote clusters\' nodes (Cluster Mesh) are not held against this cluster\'s nodes', snapshot: snapshot({
      agents: [agent('cilium-a', {knownNodes: list(...three, row('zeta/zeta-worker', '198.51.100.7', '10.9.0.0/24', 'clustermesh'))})],
      cluster: {nodes: nodes('kind-control-plane', 'kind-worker', 'kind-worker2')}})},
  ],
  invalid: [
    {name: 'a node in the middle of the name order is missing: the agent does not know it', messageIds: ['nodes-missing'], snapshot: snapshot({
      agents: [agent('cilium-a', {knownNodes: list(three[0], three[2])})], cluster: {nodes: nodes('kind-control-plane', 'kind-worker', 'kind-worker2')}}),
    expect: {severity: 'high', agents: ['cilium-a'], message: /does not know 1 of the cluster's nodes: kind-worker\./}},
    {name: 'a node the cluster no longer has (spot instance replaced): stale entry', messageIds: ['stale-nodes'], snapshot: snapshot({
      agents: [agent('cilium-a', {knownNodes: list(...three)})], cluster: {nodes: nodes('kind-control-plane', 'kind-worker2')}}),
    expect: {severity: 'medium', message: /still lists 1 node\(s\) the cluster no longer has: kind-worker\./, evidence: {line: 3}}},
  ],
  notEvaluated: [
    {name: 'the missing node would come after the last row: the paste may only be cut, not judged', snapshot: snapshot({
      agents: [agent('cilium-a', {knownNodes: list(...three)})], cluster: {nodes: nodes('kind-control-plane', 'kind-worker', 'kind-worker2', 'kind-worker3')}})},
    {name: 'a node list alone: nothing to compare with', snapshot: snapshot({agents: [agent('cilium-a', {knownNodes: list(...three)})], cluster: {counts: {ciliumNodes: 3, src: at('3 CiliumNode objects')}}})},
  ],
})
