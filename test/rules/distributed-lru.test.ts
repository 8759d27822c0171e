import {expect} from 'chai'
import rule from '../../rules/distributed-lru.js'
import {agent, at, config, snapshot, status} from '../helpers/snapshot.js'
import {bpfMaps} from './_builders.js'
import {ruleTester} from './_rule-tester.js'

const v = (version: string) => ({cilium: {state: 'Ok', message: `OK   ${version}`, version, src: at(`Cilium:   Ok   ${version}`, 3)}})
const node = (name: string, cpus: number) => ({name, cpus, podCIDRs: [], labels: {}, src: at(`name: ${name}`)})

ruleTester(rule, {messagesCarryNumbers: true, 
  valid: [
    {name: 'distributed LRU off', snap: () => snapshot({cluster: {config: config({'bpf-distributed-lru': 'false'})}})},
    {name: 'on, with a ratio, 1.18.7, sizes multiples of 7 CPUs', snap: () => snapshot({
      agents: [agent('cilium-a', {node: 'n1', status: status({...v('1.18.7'), bpfMaps: bpfMaps({'ct-tcp': 180943, 'ct-any': 90475, 'nat': 180943, 'neigh': 180943, 'sock-revnat': 90475}, 0.01)})})],
      cluster: {config: config({'bpf-distributed-lru': 'true', 'bpf-map-dynamic-size-ratio': '0.01'}), nodes: [node('n1', 7)]},
    })},
  ],
  invalid: [
    {
      name: 'on without a ratio → critical, ratio suggestion', messageIds: ['no-ratio'],
      snap: () => snapshot({cluster: {config: config({'bpf-distributed-lru': 'true'})}}),
      expect(f) {
        expect(f).to.have.length(1)
        expect(f[0].severity).to.equal('critical')
        expect(f[0].message).to.contain('refuses to start')
        expect(f[0].evidence[0]).to.include({line: 2, text: 'bpf-distributed-lru: true'})
        expect(f[0].helm[0]).to.include({path: 'bpf.mapDynamicSizeRatio', value: 0.0025})
      },
    },
    {
      name: 'on 1.17.4 → critical re-creation bug, disable suggestion', messageIds: ['recreation-loop'],
      snap: () => snapshot({
        agents: [agent('cilium-a', {status: status({...v('1.17.4'), bpfMaps: bpfMaps({}, 0.0025)})})],
        cluster: {config: config({'bpf-distributed-lru': 'true', 'bpf-map-dynamic-size-ratio': '0.0025'})},
      }),
      expect(f) {
        expect(f[0].severity).to.equal('critical')
        expect(f[0].message).to.contain('1.17.4').and.contain('39070')
        expect(f[0].helm[0]).to.include({path: 'bpf.distributedLRU.enabled', value: false})
      },
    },
    {
      name: 'sizes not multiples of the node CPUs → info', messageIds: ['sizes-not-cpu-multiple'],
      snap: () => snapshot({
        agents: [agent('cilium-a', {node: 'n1', status: status({...v('1.18.7'), bpfMaps: bpfMaps({'ct-tcp': 180943, 'ct-any': 90471}, 0.01)})})],
        cluster: {config: config({'bpf-distributed-lru': 'true', 'bpf-map-dynamic-size-ratio': '0.01'}), nodes: [node('n1', 7)]},
      }),
      expect(f) {
        expect(f[0].severity).to.equal('info')
        expect(f[0].message).to.contain('90471 not a multiple of 7 CPUs')
      },
    },
  ],
  notEvaluated: [
    {name: 'no config and no Helm values', snap: () => snapshot({agents: [agent('cilium-a', {status: status()})]})},
  ],
})
