import {impactOf} from '../../src/suggest/impact.js'
import {expect} from 'chai'
import rule from '../../rules/bpf-map-pressure.js'
import {agent, config, snapshot, status} from '../helpers/snapshot.js'
import {bpfMaps, mapList, metrics, prometheus, trend} from './_builders.js'
import {ruleTester} from './_rule-tester.js'

const P = 'cilium_bpf_map_pressure'
const ok = (name = 'cilium-a', rows: Array<[string, number]> = []) => agent(name, {
  status: status({bpfMaps: bpfMaps({'ct-tcp': 301401, 'ct-any': 150700, 'nat': 301401, 'neigh': 301401, 'sock-revnat': 150700})}),
  metrics: metrics(rows),
})

ruleTester(rule, {messagesCarryNumbers: true, 
  valid: [
    {name: 'low pressure everywhere', snap: () => snapshot({agents: [ok('cilium-a', [[`${P}{map_name="ct4_global"}`, 0.012], [`${P}{map_name="lb4_services_v2"}`, 0.006]])]})},
    {name: 'borderline 0.79 is not high', snap: () => snapshot({agents: [ok('cilium-a', [[`${P}{map_name="ct4_global"}`, 0.79]])]})},
    {name: 'policy map reported at 0.12 (emitted only above 0.1) is healthy', snap: () => snapshot({agents: [ok('cilium-a', [[`${P}{map_name="policy_02366"}`, 0.12]])]})},
    {name: 'array map runtime_config full by construction is ignored', snap: () => snapshot({agents: [agent('cilium-a', {
      status: status({bpfMaps: bpfMaps()}), maps: mapList([['cilium_runtime_config', 256], ['cilium_lb4_services_v2', 45]]),
    })]})},
    {name: 'map list 0 with cache disabled is unknown, not empty or full', snap: () => snapshot({agents: [agent('cilium-a', {
      status: status({bpfMaps: bpfMaps()}), maps: mapList([['cilium_lb4_services_v2', 0, 0, false], ['cilium_lb4_backends_v3', 16]]),
    })]})},
    {name: 'rising trend but still far from full in a day', snap: () => snapshot({
      agents: [ok('cilium-a', [[`${P}{map_name="ct4_global"}`, 0.55]])],
      prometheus: prometheus([], [trend(P, {map_name: 'ct4_global', pod: 'cilium-a'}, 0.55, 0.001)]),
    })},
  ],
  invalid: [
    {
      name: 'lb4_services_v2 over capacity on 3/3 agents → critical, bpf.lbMapMax next power of two', messageIds: ['pressure'],
      snap: () => snapshot({agents: ['cilium-a', 'cilium-b', 'cilium-c'].map((n, i) => ok(n, [[`${P}{map_name="lb4_services_v2"}`, 1.44 - i * 0.01]]))}),
      expect(f) {
        expect(f).to.have.length(1)
        expect(f[0].severity).to.equal('critical')
        expect(f[0].agents).to.have.members(['cilium-a', 'cilium-b', 'cilium-c'])
        expect(f[0].message).to.contain('144 %').and.contain('3/3 agents').and.contain('over capacity')
        expect(f[0].evidence[0]).to.include({line: 1, text: `${P}{map_name="lb4_services_v2"} 1.44`})
        // needed 65536 × 1.44 = 94372 → / 0.5 = 188744 → 262144
        expect(f[0].helm[0]).to.include({path: 'bpf.lbMapMax', value: 262144})
      },
    },
    {
      name: 'CT TCP at 0.9 above the floor → high, ratio r × p / 0.5 rounded up to 4 digits', messageIds: ['pressure'],
      snap: () => snapshot({agents: [ok('cilium-a', [[`${P}{map_name="ct4_global"}`, 0.9]]), ok('cilium-b', [[`${P}{map_name="ct4_global"}`, 0.2]])]}),
      expect(f) {
        expect(f[0].severity).to.equal('high')
        expect(f[0].agents).to.deep.equal(['cilium-a'])
        expect(f[0].message).to.contain('1/2 agents')
        expect(f[0].helm[0]).to.include({path: 'bpf.mapDynamicSizeRatio', value: 0.0045})
        expect(f[0].helm[0].cost).to.match(/estimate/)
        // the restart and the lost CT state are stated once, by suggest's impact lines
        expect(impactOf(f[0].helm[0].path, f[0].helm[0].value).join(' ')).to.match(/connection-tracking and NAT state/)
        expect(f[0].evidence.map((e) => e.text)).to.include('TCP connection tracking   301401')
      },
    },
    {
      name: 'NAT at the floor → explicit bpf.natMax instead of the ratio', messageIds: ['pressure'],
      snap: () => snapshot({agents: [agent('cilium-a', {status: status({bpfMaps: bpfMaps()}), metrics: metrics([[`${P}{map_name="snat_v4_external"}`, 0.97]])})]}),
      expect(f) {
        expect(f[0].severity).to.equal('critical')
        expect(f[0].helm[0].path).to.equal('bpf.natMax')
        // 131072 × 0.97 = 127140 → / 0.5 → 254280 → multiple of 65536 = 262144
        expect(f[0].helm[0].value).to.equal(262144)
        expect(f[0].helm[0].reason).to.contain('floor')
      },
    },
    {
      name: 'explicit bpf-ct-global-tcp-max in cilium-config → bpf.ctTcpMax', messageIds: ['pressure'],
      snap: () => snapshot({
        agents: [agent('cilium-a', {status: status({bpfMaps: bpfMaps({'ct-tcp': 1000000})}), metrics: metrics([[`${P}{map_name="ct4_global"}`, 0.85]])})],
        cluster: {config: config({'bpf-ct-global-tcp-max': '1000000', 'bpf-map-dynamic-size-ratio': '0.0025'})},
      }),
      expect(f) {
        expect(f[0].helm[0].path).to.equal('bpf.ctTcpMax')
        expect(f[0].helm[0].value).to.equal(1703936) // 850000 / 0.5 = 1.7M → next multiple of 65536
        expect(f[0].helm[0].reason).to.contain('explicitly')
      },
    },
    {
      name: 'policy map over 1.0 → critical, bpf.policyMapMax', messageIds: ['pressure'],
      snap: () => snapshot({agents: [ok('cilium-a', [[`${P}{map_name="policy_01061"}`, 1.2], [`${P}{map_name="policy_00885"}`, 0.85]])]}),
      expect(f) {
        expect(f[0].severity).to.equal('critical')
        expect(f[0].message).to.contain('2 endpoint policy maps')
        expect(f[0].helm[0]).to.include({path: 'bpf.policyMapMax', value: 65536})
      },
    },
    {
      name: 'offline: map list cached entries vs status size', messageIds: ['pressure'],
      snap: () => snapshot({agents: [agent('cilium-a', {
        status: status({bpfMaps: bpfMaps({'lb4-backends': 65536})}),
        maps: mapList([['cilium_lb4_backends_v3', 63000], ['cilium_lb4_services_v2', 100]]),
      })]}),
      expect(f) {
        expect(f[0].severity).to.equal('critical')
        expect(f[0].message).to.contain('map list')
        expect(f[0].evidence[0]).to.include({line: 2, text: 'cilium_lb4_backends_v3   63000   0   true'})
      },
    },
    {
      name: 'Prometheus series with trend → forecast in the message', messageIds: ['pressure'],
      snap: () => snapshot({
        agents: [agent('cilium-a', {status: status({bpfMaps: bpfMaps({'ct-tcp': 301401})})})],
        prometheus: prometheus(metrics([[`${P}{map_name="ct4_global",pod="cilium-a"}`, 0.82]]).samples,
          [trend(P, {map_name: 'ct4_global', pod: 'cilium-a'}, 0.82, 0.02)]),
      }),
      expect(f) {
        expect(f[0].agents).to.deep.equal(['cilium-a'])
        expect(f[0].message).to.match(/full in about 9\.0 h/)
      },
    },
    {
      name: 'below 0.8 but full within a day by trend → medium', messageIds: ['filling-up'],
      snap: () => snapshot({
        agents: [ok('cilium-a', [[`${P}{map_name="ct4_global"}`, 0.7]])],
        prometheus: prometheus([], [trend(P, {map_name: 'ct4_global', pod: 'cilium-a'}, 0.7, 0.05)]),
      }),
      expect(f) {
        expect(f[0].severity).to.equal('medium')
        expect(f[0].message).to.contain('full in about 6.0 h')
      },
    },
  ],
  notEvaluated: [
    {
      name: 'metrics present without cilium_bpf_map_pressure',
      snap: () => snapshot({
        agents: [agent('cilium-a', {metrics: metrics([['cilium_endpoint', 12]])})],
        cluster: {config: config({metrics: '-cilium_bpf_map_pressure'})},
      }),
      expect(_f, o) {
        expect(o.reason).to.contain('cilium_bpf_map_pressure').and.contain('prometheus.metrics')
      },
    },
    {name: 'no metrics, no map list', snap: () => snapshot({agents: [agent('cilium-a', {status: status({bpfMaps: bpfMaps()})})]})},
  ],
})
