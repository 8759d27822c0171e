import {expect} from 'chai'
import type {ServiceList} from '../../src/snapshot/schema.js'
import rule from '../../rules/lb-map-capacity.js'
import {agent, at, config, snapshot, status} from '../helpers/snapshot.js'
import {bpfMaps, metrics} from './_builders.js'
import {ruleTester} from './_rule-tester.js'

/** `frontends` ClusterIP services with `backends` backends each; backend addresses shared when `shared`. */
function services(frontends: number, backends: number, shared = false, v6 = false): ServiceList {
  let line = 1
  return {
    format: 'text', unrecognized: [],
    services: Array.from({length: frontends}, (_, i) => {
      const ip = v6 ? `fd00::${i.toString(16)}` : `10.96.${i >> 8}.${i & 255}`
      const fe = v6 ? `[${ip}]:80/TCP` : `${ip}:80/TCP`
      const s = {id: i + 1, frontend: fe, ip, port: 80, proto: 'TCP', type: 'ClusterIP', remote: false, src: at(`${i + 1}   ${fe}   ClusterIP`, ++line, 'service-list.txt'),
        backends: Array.from({length: backends}, (_, j) => {
          const bip = shared ? `10.244.0.${j + 1}` : `10.244.${(i * backends + j) >> 8}.${(i * backends + j) & 255}`
          return {index: j + 1, address: `${bip}:8080/TCP`, ip: bip, port: 8080, proto: 'TCP', state: 'active', preferred: false, src: at(`  ${j + 1} => ${bip}:8080/TCP (active)`, ++line, 'service-list.txt')}
        })}
      return s
    }),
  }
}

const small = (extra = {}) => status({bpfMaps: bpfMaps({'lb4-services': 1024, 'lb4-backends': 1024, ...extra})})

ruleTester(rule, {messagesCarryNumbers: true, 
  valid: [
    {name: 'few services in the default 65536 maps', snap: () => snapshot({agents: [agent('cilium-a', {services: services(40, 2)})]})},
    {name: '250 × (1+2) = 750 of 1024 is 73 % (below 80 %)', snap: () => snapshot({agents: [agent('cilium-a', {status: small(), services: services(250, 2)})]})},
    {name: 'pressure metric present for the agent: left to bpf-map-pressure', snap: () => snapshot({agents: [agent('cilium-a', {
      status: small(), services: services(300, 2), metrics: metrics([['cilium_bpf_map_pressure{map_name="lb4_services_v2"}', 0.88], ['cilium_bpf_map_pressure{map_name="lb4_backends_v3"}', 0.59]]),
    })]})},
  ],
  invalid: [
    {
      name: '300 × (1+2) = 900 of 1024 slots → high on 2/2 agents; backends 600 (59 %) fine', messageIds: ['near-full'],
      snap: () => snapshot({agents: ['cilium-a', 'cilium-b'].map((n) => agent(n, {status: small(), services: services(300, 2)}))}),
      expect(f) {
        expect(f).to.have.length(1)
        expect(f[0].severity).to.equal('high')
        expect(f[0].agents).to.deep.equal(['cilium-a', 'cilium-b'])
        expect(f[0].message).to.contain('900 slots').and.contain('300 frontends').and.contain('88 %')
        expect(f[0].evidence[0]).to.include({text: 'IPv4 service   1024'})
        expect(f[0].helm[0]).to.include({path: 'bpf.lbMapMax', value: 2048})
      },
    },
    {
      name: 'distinct backends over the backend map → critical', messageIds: ['near-full'],
      snap: () => snapshot({agents: [agent('cilium-a', {status: small({'lb4-services': 65536}), services: services(100, 10)})]}),
      expect(f) {
        expect(f).to.have.length(1)
        expect(f[0].severity).to.equal('critical')
        expect(f[0].message).to.contain('1,000 distinct backends').and.contain('lb4_backends_v3')
      },
    },
    {
      name: 'no status: size from cilium-config bpf-lb-map-max', messageIds: ['near-full'],
      snap: () => snapshot({agents: [agent('cilium-a', {services: services(300, 2, true)})], cluster: {config: config({'bpf-lb-map-max': '1000'})}}),
      expect(f) {
        expect(f[0].message).to.contain('vs 1000')
        expect(f[0].evidence[0]).to.include({line: 2, text: 'bpf-lb-map-max: 1000'})
        expect(f[0].helm[0]).to.include({path: 'bpf.lbMapMax', value: 2048})
      },
    },
  ],
  notEvaluated: [
    {name: 'no service list', snap: () => snapshot({agents: [agent('cilium-a', {status: small()})]})},
    {name: 'service list unparsable', snap: () => snapshot({agents: [agent('cilium-a', {services: {format: 'text', services: [], unrecognized: [{line: 1, text: 'Error: cannot get services list'}]}})]})},
  ],
})
