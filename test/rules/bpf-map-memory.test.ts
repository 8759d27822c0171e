import {expect} from 'chai'
import type {PodInfo} from '../../src/snapshot/schema.js'
import rule from '../../rules/bpf-map-memory.js'
import {agent, at, snapshot, status} from '../helpers/snapshot.js'
import {bpfMaps, metrics} from './_builders.js'
import {ruleTester} from './_rule-tester.js'

const MiB = 1024 ** 2
const GiB = 1024 ** 3
function pod(name: string, limitMiB?: number, reason?: string): PodInfo {
  return {name, namespace: 'kube-system', restarts: reason ? 3 : 0, src: at(`name: ${name}`, 5, 'pods.yaml'),
    ...(limitMiB ? {memoryLimitBytes: limitMiB * MiB} : {}), ...(reason ? {lastTerminationReason: reason} : {})}
}
// 64 GiB node at ratio 0.01 (map-sizing.md §3.4): 2411209 / 1205604 / 2411209 / 2411209 / 1205604 ≈ 1.11 GiB IPv4
const big = {'ct-tcp': 2411209, 'ct-any': 1205604, 'nat': 2411209, 'neigh': 2411209, 'sock-revnat': 1205604}

ruleTester(rule, {messagesCarryNumbers: true, 
  valid: [
    {name: 'floor-sized maps (≈ 56 MiB) under a 1 GiB limit', snap: () => snapshot({agents: [agent('cilium-a', {status: status({bpfMaps: bpfMaps()}), pod: pod('cilium-a', 1024)})]})},
    {name: 'no memory limit at all', snap: () => snapshot({agents: [agent('cilium-a', {status: status({bpfMaps: bpfMaps(big, 0.01)}), pod: pod('cilium-a')})]})},
    {name: 'borderline: ≈ 56 MiB is 44 % of a 128 MiB limit', snap: () => snapshot({agents: [agent('cilium-a', {status: status({bpfMaps: bpfMaps()}), pod: pod('cilium-a', 128)})]})},
  ],
  invalid: [
    {
      name: 'big maps under a 1 GiB limit → high, lower ratio from pressure and a bigger limit', messageIds: ['near-memory-limit'],
      snap: () => snapshot({agents: ['cilium-a', 'cilium-b'].map((n) => agent(n, {
        status: status({bpfMaps: bpfMaps(big, 0.01)}), pod: pod(n, 1024),
        metrics: metrics([['cilium_bpf_map_pressure{map_name="ct4_global"}', 0.1]]),
      }))}),
      expect(f) {
        expect(f).to.have.length(1)
        expect(f[0].severity).to.equal('high')
        expect(f[0].agents).to.deep.equal(['cilium-a', 'cilium-b'])
        expect(f[0].message).to.match(/≈ 1\.1 GiB/).and.contain('2/2 agents')
        expect(f[0].evidence[0]).to.include({line: 40, text: 'BPF Maps:   dynamic sizing: on (ratio: 0.010000)'})
        expect(f[0].helm[0]).to.include({path: 'bpf.mapDynamicSizeRatio', value: 0.002})
        expect(f[0].helm[1]).to.include({path: 'resources.limits.memory', value: '3Gi'})
      },
    },
    {
      name: 'OOMKilled agent with maps at 30 % of the limit, from the metric', messageIds: ['near-memory-limit'],
      snap: () => snapshot({agents: [agent('cilium-a', {
        status: status({bpfMaps: bpfMaps()}), pod: pod('cilium-a', 512, 'OOMKilled'),
        metrics: metrics([['cilium_bpf_maps_virtual_memory_max_bytes', 160 * MiB]]),
      })]}),
      expect(f) {
        expect(f[0].message).to.contain('OOMKilled: cilium-a').and.contain('31 %')
        expect(f[0].evidence[0].text).to.equal(`cilium_bpf_maps_virtual_memory_max_bytes ${160 * MiB}`)
      },
    },
    {
      name: 'ratio 0.08 → medium with the budget of the biggest node', messageIds: ['ratio-too-high'],
      snap: () => snapshot({
        agents: [agent('cilium-a', {node: 'n1', status: status({bpfMaps: bpfMaps(big, 0.08)})})],
        cluster: {nodes: [{name: 'n1', memoryBytes: 32 * GiB, podCIDRs: [], labels: {}, src: at('name: n1')}]},
      }),
      expect(f) {
        expect(f[0].severity).to.equal('medium')
        expect(f[0].message).to.contain('0.08').and.contain('2.6 GiB budget')
      },
    },
  ],
  notEvaluated: [
    {name: 'no pods and a normal ratio', snap: () => snapshot({agents: [agent('cilium-a', {status: status({bpfMaps: bpfMaps()})})]})},
    {name: 'no status, metrics or config', snap: () => snapshot({agents: [agent('cilium-a', {pod: pod('cilium-a', 1024)})]})},
  ],
})
