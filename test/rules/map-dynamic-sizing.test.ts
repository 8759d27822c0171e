import {expect} from 'chai'
import type {Node} from '../../src/snapshot/schema.js'
import rule from '../../rules/map-dynamic-sizing.js'
import {agent, at, config, snapshot, status} from '../helpers/snapshot.js'
import {bpfMaps, metrics} from './_builders.js'
import {ruleTester} from './_rule-tester.js'

const GiB = 1024 ** 3
export function node(name: string, gib: number, cpus = 8): Node {
  return {name, memoryBytes: gib * GiB, cpus, podCIDRs: [], labels: {}, src: at(`name: ${name}`, 1, 'nodes.yaml')}
}

ruleTester(rule, {messagesCarryNumbers: true, 
  valid: [
    {name: 'dynamic on, 8 GiB node at the floor is expected', snap: () => snapshot({
      agents: [agent('cilium-a', {node: 'n1', status: status({bpfMaps: bpfMaps()})})],
      cluster: {nodes: [node('n1', 8)], config: config({'bpf-map-dynamic-size-ratio': '0.0025'})},
    })},
    {name: 'dynamic on, 32 GiB node sized by the ratio', snap: () => snapshot({
      agents: [agent('cilium-a', {node: 'n1', status: status({bpfMaps: bpfMaps({'ct-tcp': 301401})})})],
      cluster: {nodes: [node('n1', 32)]},
    })},
  ],
  invalid: [
    {
      name: 'cilium-config without a ratio and no status → medium, the ratio suggested', messageIds: ['no-ratio'],
      snap: () => snapshot({cluster: {config: config({'bpf-lb-map-max': '65536'})}}),
      expect(f) {
        expect(f).to.have.length(1)
        expect(f[0].severity).to.equal('medium')
        expect(f[0].message).to.match(/no bpf-map-dynamic-size-ratio \(agent default 0 = off\)/)
        expect(f[0].helm[0]).to.include({path: 'bpf.mapDynamicSizeRatio', value: 0.0025})
      },
    },
    {
      name: 'status says dynamic sizing off and CT is hot → high', messageIds: ['dynamic-sizing-off'],
      snap: () => snapshot({agents: ['cilium-a', 'cilium-b'].map((n) => agent(n, {
        status: status({bpfMaps: bpfMaps({'ct-tcp': 524288}, null)}),
        metrics: metrics([['cilium_bpf_map_pressure{map_name="ct4_global"}', 0.85]]),
      }))}),
      expect(f) {
        expect(f).to.have.length(1)
        expect(f[0].severity).to.equal('high')
        expect(f[0].agents).to.deep.equal(['cilium-a', 'cilium-b'])
        expect(f[0].message).to.contain('2/2 agents').and.contain('CT TCP at 85 %')
        expect(f[0].evidence[0]).to.include({line: 40, text: 'BPF Maps:   dynamic sizing: off'})
        expect(f[0].helm[0]).to.include({path: 'bpf.mapDynamicSizeRatio', value: 0.0025})
      },
    },
    {
      name: 'explicit bpf-ct-global-tcp-max smaller than the ratio gives on a 64 GiB node → medium, unset suggestion', messageIds: ['explicit-sizes-override'],
      snap: () => snapshot({
        agents: [agent('cilium-a', {node: 'big', status: status({bpfMaps: bpfMaps({'ct-tcp': 262144})})})],
        cluster: {nodes: [node('big', 64)], config: config({'bpf-map-dynamic-size-ratio': '0.0025', 'bpf-ct-global-tcp-max': '262144'})},
      }),
      expect(f) {
        expect(f).to.have.length(1)
        expect(f[0].severity).to.equal('medium')
        expect(f[0].message).to.contain('bpf-ct-global-tcp-max=262144 < 602802')
        expect(f[0].evidence[0]).to.include({line: 3, text: 'bpf-ct-global-tcp-max: 262144'})
        expect(f[0].helm[0]).to.include({path: 'bpf.ctTcpMax', value: null})
      },
    },
    {
      name: 'explicit size without node memory → info', messageIds: ['explicit-sizes-override'],
      snap: () => snapshot({cluster: {config: config({'bpf-map-dynamic-size-ratio': '0.0025', 'bpf-nat-global-max': '524288'})}}),
      expect(f) {
        expect(f[0].severity).to.equal('info')
        expect(f[0].helm).to.deep.equal([])
      },
    },
    {
      name: '64 GiB node with CT at the 131072 floor and no explicit key → medium', messageIds: ['stuck-at-floor'],
      snap: () => snapshot({
        agents: [agent('cilium-a', {node: 'big', status: status({bpfMaps: bpfMaps()})})],
        cluster: {nodes: [node('big', 64)]},
      }),
      expect(f) {
        expect(f[0].severity).to.equal('medium')
        expect(f[0].message).to.contain('should give 602802')
        expect(f[0].evidence[0].text).to.equal('TCP connection tracking   131072')
      },
    },
  ],
  notEvaluated: [
    {name: 'no status, no config', snap: () => snapshot({agents: [agent('cilium-a')]})},
    {name: 'status without BPF Maps and no config', snap: () => snapshot({agents: [agent('cilium-a', {status: status({verbose: false})})]})},
    {
      name: 'cilium-config cut before bpf-map-dynamic-size-ratio: "no ratio" is not concluded',
      snap: () => snapshot({cluster: {config: {...config({'auto-direct-node-routes': 'true'}), truncation: {line: 2, text: 'auto-direct-node-routes: "true"', reason: 'cut', after: ['data', 'auto-direct-node-routes']}}}}),
      expect: (_f, o) => { if (!/before bpf-map-dynamic-size-ratio/.test(o.reason ?? '')) throw new Error(o.reason) },
    },
  ],
})
