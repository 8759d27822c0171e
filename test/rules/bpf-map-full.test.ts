import {expect} from 'chai'
import type {AgentLog, ControllerRow} from '../../src/snapshot/schema.js'
import rule from '../../rules/bpf-map-full.js'
import {agent, at, snapshot, status} from '../helpers/snapshot.js'
import {bpfMaps, mapList, metrics, prometheus, trend} from './_builders.js'
import {ruleTester} from './_rule-tester.js'

const FULL_LINE = 'level=error msg="Error while inserting service in LB map" error="failed to update backend cilium_lb4_backends_v2 map with file descriptor 17: the map is full, please consider resizing it. argument list too long" subsys=service'

function log(lines: Array<{msg: string, kind: AgentLog['entries'][number]['kind'], level?: string}>, previous = false): AgentLog {
  return {
    file: 'cilium-agent.log', previous, format: 'logfmt', lines: 100, levels: {error: lines.length}, debugLines: 0, truncated: false,
    entries: lines.map((l, i) => ({level: l.level ?? 'error', msg: l.msg, kind: l.kind, src: at(l.msg, 10 + i, 'cilium-agent.log')})),
  }
}

function controllers(rows: Array<Partial<ControllerRow> & {name: string}>) {
  return {
    healthy: 10, total: 10 + rows.length, src: at('Controller Status:   10/11 healthy', 20),
    rows: rows.map((r, i) => ({lastSuccess: '1m ago', lastError: '5s ago', failureCount: 0, message: 'no error', src: at(`  ${r.name}  ${r.message}`, 21 + i), ...r})),
  }
}

const OPS = 'cilium_bpf_map_ops_total'

ruleTester(rule, {messagesCarryNumbers: true, 
  valid: [
    {name: 'only successful map ops', snap: () => snapshot({agents: [agent('cilium-a', {metrics: metrics([[`${OPS}{map_name="lb4_services_v2",operation="update",outcome="success"}`, 16]])})]})},
    {name: 'failed deletes are not capacity problems', snap: () => snapshot({agents: [agent('cilium-a', {metrics: metrics([[`${OPS}{map_name="ct4_global",operation="delete",outcome="fail"}`, 3]])})]})},
    {name: 'sync-lb-maps failing because Kubernetes is slow is not a full map (failing-controllers reports it)', snap: () => snapshot({agents: [agent('cilium-a', {
      status: status({controllers: controllers([{name: 'sync-lb-maps-with-k8s-services', failureCount: 14, message: 'timed out waiting for Kubernetes services and endpoints to be synchronized'}])}),
    })]})},
    {name: 'unrelated error log and healthy sync controller', snap: () => snapshot({agents: [agent('cilium-a', {
      logs: [log([{msg: 'Unable to contact k8s api-server', kind: 'error'}])],
      status: status({controllers: controllers([{name: 'bpf-map-sync-cilium_lxc', failureCount: 0}])}),
      maps: mapList([['cilium_lb4_services_v2', 45, 0]]),
    })]})},
  ],
  invalid: [
    {
      name: 'agent log "the map is full" on two agents → one critical finding for lb4_backends_v2', messageIds: ['insertions-failing'],
      snap: () => snapshot({agents: ['cilium-a', 'cilium-b'].map((n) => agent(n, {
        status: status({bpfMaps: bpfMaps({'lb4-backends': 65536})}),
        logs: [log([{msg: FULL_LINE, kind: 'map-full'}])],
      }))}),
      expect(f) {
        expect(f).to.have.length(1)
        expect(f[0].severity).to.equal('critical')
        expect(f[0].agents).to.deep.equal(['cilium-a', 'cilium-b'])
        expect(f[0].message).to.contain('lb4_backends_v2').and.contain('65536')
        expect(f[0].evidence[0]).to.include({line: 10, text: FULL_LINE})
        expect(f[0].helm[0]).to.include({path: 'bpf.lbMapMax', value: 131072})
      },
    },
    {
      name: 'previous-container log only → high', messageIds: ['insertions-failing'],
      snap: () => snapshot({agents: [agent('cilium-a', {logs: [log([{msg: FULL_LINE, kind: 'map-full'}], true)]})]}),
      expect(f) {
        expect(f[0].severity).to.equal('high')
        expect(f[0].message).to.contain('previous container')
      },
    },
    {
      name: '1.9 "Error while inserting service in LB map" with only a file descriptor → LB maps', messageIds: ['insertions-failing'],
      snap: () => snapshot({agents: [agent('cilium-a', {logs: [log([{msg: 'Error while inserting service in LB map: Unable to update element for map with file descriptor 15: argument list too long', kind: 'map-full'}])]})]}),
      expect(f) {
        expect(f[0].message).to.contain('LB maps')
        expect(f[0].helm[0]).to.include({path: 'bpf.lbMapMax'})
      },
    },
    {
      name: 'old "Failed to add PolicyMap key" E2BIG → the policy map, sized with bpf.policyMapMax', messageIds: ['insertions-failing'],
      snap: () => snapshot({agents: [agent('cilium-a', {logs: [log([{msg: 'Failed to add PolicyMap key Egress: 95078 0 0 0: argument list too long', kind: 'map-full'}])]})]}),
      expect(f) {
        expect(f[0].message).to.not.contain('unknown map')
        expect(f[0].helm[0]).to.include({path: 'bpf.policyMapMax'})
      },
    },
    {
      name: 'LB map full without a map name (--bpf-lb-map-max hint)', messageIds: ['insertions-failing'],
      snap: () => snapshot({agents: [agent('cilium-a', {logs: [log([{msg: 'Unable to update element for LB bpf map: You can resize it with the flag "--bpf-lb-map-max"', kind: 'map-full'}])]})]}),
      expect(f) {
        expect(f[0].message).to.contain('LB maps')
        expect(f[0].helm[0]).to.include({path: 'bpf.lbMapMax', value: 131072})
      },
    },
    {
      name: 'failed updates counter rising by trend → critical; per-map ops grouped', messageIds: ['insertions-failing'],
      snap: () => snapshot({
        agents: [agent('cilium-a', {status: status({bpfMaps: bpfMaps()})})],
        prometheus: prometheus(metrics([[`${OPS}{map_name="lb4_services_v2",operation="update",outcome="fail",pod="cilium-a"}`, 240]]).samples,
          [trend(OPS, {map_name: 'lb4_services_v2', operation: 'update', outcome: 'fail', pod: 'cilium-a'}, 240, 60)]),
      }),
      expect(f) {
        expect(f[0].severity).to.equal('critical')
        expect(f[0].message).to.contain('rising 60/h')
        expect(f[0].evidence[0].line).to.equal(1)
      },
    },
    {
      name: 'failed updates counter without trend → high, "since agent start"', messageIds: ['insertions-failing'],
      snap: () => snapshot({agents: [agent('cilium-a', {metrics: metrics([[`${OPS}{map_name="policy_01061",operation="update",outcome="fail"}`, 5]])})]}),
      expect(f) {
        expect(f[0].severity).to.equal('high')
        expect(f[0].message).to.contain('since agent start')
        expect(f[0].helm[0]).to.include({path: 'bpf.policyMapMax', value: 32768})
      },
    },
    {
      name: 'failing bpf-map-sync controller whose error says full, plus map list error count', messageIds: ['insertions-failing'],
      snap: () => snapshot({agents: [agent('cilium-a', {
        status: status({controllers: controllers([{name: 'bpf-map-sync-cilium_lb4_backends_v3', failureCount: 12, message: 'update failed: argument list too long'}])}),
        maps: mapList([['cilium_lb4_backends_v3', 14052, 2782]]),
      })]}),
      expect(f) {
        expect(f).to.have.length(1)
        expect(f[0].severity).to.equal('critical')
        expect(f[0].message).to.contain('2,782')
        expect(f[0].evidence.map((e) => e.line)).to.include.members([21, 2])
      },
    },
    {
      name: 'DEGRADED module says map is full', messageIds: ['insertions-failing'],
      snap: () => snapshot({agents: [agent('cilium-a', {status: status({modulesHealth: {src: at('Modules Health: Degraded(1)', 30), modules: [{
        path: 'agent.controlplane.loadbalancer.reconciler', name: 'reconciler', level: 'DEGRADED', age: '1m', count: 3,
        message: 'cilium_lb4_services_v2: update: the map is full', src: at('[DEGRADED] cilium_lb4_services_v2: update: the map is full', 31),
      }]}})})]}),
      expect(f) {
        expect(f[0].severity).to.equal('critical')
        expect(f[0].evidence[0].line).to.equal(31)
      },
    },
    {
      name: 'per-map sync controller failing without a "full" error → medium, unconfirmed', messageIds: ['insertions-failing'],
      snap: () => snapshot({agents: [agent('cilium-a', {status: status({controllers: controllers([{name: 'bpf-map-sync-cilium_lxc', failureCount: 3, message: 'update failed: invalid argument'}])})})]}),
      expect(f) {
        expect(f[0].severity).to.equal('medium')
        expect(f[0].message).to.contain('unconfirmed').and.contain('lxc')
      },
    },
    {
      name: 'measured pressure above 1 sizes the suggestion (369 of 256 → 1024)', messageIds: ['insertions-failing'],
      snap: () => snapshot({agents: [agent('cilium-a', {
        status: status({bpfMaps: bpfMaps({'lb4-services': 256})}),
        logs: [log([{msg: 'update map cilium_lb4_services_v2: the map is full, please consider resizing it', kind: 'map-full'}])],
        metrics: metrics([['cilium_bpf_map_pressure{map_name="lb4_services_v2"}', 1.44140625]]),
      })]}),
      expect(f) {
        expect(f[0].message).to.contain('map-full log lines ×1').and.contain('configured size 256')
        expect(f[0].helm[0]).to.include({path: 'bpf.lbMapMax', value: 1024})
      },
    },
  ],
  notEvaluated: [
    {name: 'no logs, status, maps or metrics', snap: () => snapshot({agents: [agent('cilium-a')]})},
  ],
})
