import {expect} from 'chai'
import rule from '../../rules/datapath-drops.js'
import {agent, snapshot, status} from '../helpers/snapshot.js'
import {bpfMaps, metrics, prometheus, trend} from './_builders.js'
import {ruleTester} from './_rule-tester.js'

const D = 'cilium_drop_count_total'
const CT = 'CT: Map insertion failed'
const a = (name: string, rows: Array<[string, number]>) => agent(name, {
  status: status({bpfMaps: bpfMaps({'ct-tcp': 301401, 'ct-any': 150700})}), metrics: metrics(rows),
})

ruleTester(rule, {messagesCarryNumbers: true, 
  valid: [
    {name: 'policy denies alone are normal', snap: () => snapshot({agents: [a('cilium-a', [[`${D}{direction="INGRESS",reason="Policy denied"}`, 50000]])]})},
    {name: 'stale IP drops are not capacity drops', snap: () => snapshot({agents: [a('cilium-a', [[`${D}{direction="INGRESS",reason="Stale or unroutable IP"}`, 49574]])]})},
    {name: 'a handful of "Service backend not found" is background noise', snap: () => snapshot({agents: [a('cilium-a', [[`${D}{direction="EGRESS",reason="Service backend not found"}`, 12]])]})},
    {name: 'zero-valued CT insertion counter', snap: () => snapshot({agents: [a('cilium-a', [[`${D}{direction="EGRESS",reason="${CT}"}`, 0]])]})},
  ],
  invalid: [
    {
      name: 'CT insertion failures on 2 agents → critical, ratio from the measured CT pressure', messageIds: ['drops'],
      snap: () => snapshot({agents: [
        a('cilium-a', [[`${D}{direction="EGRESS",reason="${CT}"}`, 1200], [`${D}{direction="INGRESS",reason="${CT}"}`, 300], ['cilium_bpf_map_pressure{map_name="ct4_global"}', 0.99]]),
        a('cilium-b', [[`${D}{direction="EGRESS",reason="${CT}"}`, 7]]),
      ]}),
      expect(f) {
        expect(f).to.have.length(1)
        expect(f[0].severity).to.equal('critical')
        expect(f[0].agents).to.deep.equal(['cilium-a', 'cilium-b'])
        expect(f[0].message).to.contain('1,507 packets').and.contain('worst cilium-a 1,500').and.contain('since agent start')
        expect(f[0].evidence[0]).to.include({line: 1, text: `${D}{direction="EGRESS",reason="${CT}"} 1200`})
        // pressure of a map with failed inserts counts as ≥ 1.0: 0.0025 × 1 / 0.5
        expect(f[0].helm[0]).to.include({path: 'bpf.mapDynamicSizeRatio', value: 0.005})
      },
    },
    {
      name: 'NAT failures rising by trend → critical with slope in the message', messageIds: ['drops'],
      snap: () => snapshot({
        agents: [agent('cilium-a', {status: status({bpfMaps: bpfMaps()})})],
        prometheus: prometheus(metrics([[`${D}{direction="EGRESS",reason="No mapping for NAT masquerade",pod="cilium-a"}`, 900]]).samples,
          [trend(D, {direction: 'EGRESS', reason: 'No mapping for NAT masquerade', pod: 'cilium-a'}, 900, 300)]),
      }),
      expect(f) {
        expect(f[0].severity).to.equal('critical')
        expect(f[0].message).to.contain('rising 300/h')
        expect(f[0].helm[0].path).to.equal('bpf.natMax') // NAT at the 131072 floor
      },
    },
    {
      name: 'CT insertion failures with a flat trend → medium (historic)', messageIds: ['drops'],
      snap: () => snapshot({
        agents: [agent('cilium-a', {status: status({bpfMaps: bpfMaps({'ct-tcp': 301401})})})],
        prometheus: prometheus(metrics([[`${D}{direction="EGRESS",reason="${CT}",pod="cilium-a"}`, 40]]).samples,
          [trend(D, {direction: 'EGRESS', reason: CT, pod: 'cilium-a'}, 40, 0)]),
      }),
      expect(f) {
        expect(f[0].severity).to.equal('medium')
        expect(f[0].message).to.contain('historic')
      },
    },
    {
      name: 'Policy denied where the policy map is over 1.0 → high with bpf.policyMapMax', messageIds: ['policy-denied-map-full'],
      snap: () => snapshot({agents: [a('cilium-a', [[`${D}{direction="INGRESS",reason="Policy denied"}`, 800], ['cilium_bpf_map_pressure{map_name="policy_02366"}', 1.3]])]}),
      expect(f) {
        expect(f[0].severity).to.equal('high')
        expect(f[0].message).to.contain('130 %')
        expect(f[0].helm[0]).to.include({path: 'bpf.policyMapMax', value: 65536})
      },
    },
    {
      name: 'sock rev-NAT update failures → high, extraConfig string value', messageIds: ['drops'],
      snap: () => snapshot({agents: [a('cilium-a', [[`${D}{direction="EGRESS",reason="LB, sock cgroup: Reverse entry update failed"}`, 3]])]}),
      expect(f) {
        expect(f[0].severity).to.equal('high')
        expect(f[0].helm[0]).to.include({path: 'extraConfig.bpf-sock-rev-map-max', value: '131072'})
      },
    },
  ],
  notEvaluated: [
    {name: 'no metrics', snap: () => snapshot({agents: [agent('cilium-a', {status: status()})]})},
    {name: 'Prometheus without any cilium series', snap: () => snapshot({agents: [agent('cilium-a')], prometheus: prometheus(metrics([['up{job="node"}', 1]]).samples)})},
  ],
})
