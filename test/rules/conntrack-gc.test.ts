import {expect} from 'chai'
import type {AgentLog} from '../../src/snapshot/schema.js'
import rule from '../../rules/conntrack-gc.js'
import {agent, at, config, snapshot, status} from '../helpers/snapshot.js'
import {bpfMaps, metrics, prometheus, trend} from './_builders.js'
import {ruleTester} from './_rule-tester.js'

const I = 'cilium_datapath_conntrack_gc_interval_seconds'
const R = 'cilium_datapath_conntrack_gc_runs_total'
const warnLog = (msg: string): AgentLog => ({file: 'agent.log', previous: false, format: 'logfmt', lines: 50, levels: {warning: 1}, debugLines: 0, truncated: false,
  entries: [{level: 'warning', msg, kind: 'warning', src: at(`level=warning msg="${msg}"`, 7, 'agent.log')}]})

ruleTester(rule, {messagesCarryNumbers: true, 
  valid: [
    {name: 'interval 300 s, all runs completed', snap: () => snapshot({agents: [agent('cilium-a', {metrics: metrics([[`${I}{global="true"}`, 300], [`${R}{family="ipv4",protocol="TCP",status="completed"}`, 3]])})]})},
    {name: 'borderline: 11 s is above the floor; uncompleted counter 0', snap: () => snapshot({agents: [agent('cilium-a', {metrics: metrics([[I, 11], [`${R}{family="ipv4",protocol="TCP",status="uncompleted"}`, 0]])})]})},
    {name: 'logs without GC problems', snap: () => snapshot({agents: [agent('cilium-a', {logs: [warnLog('Unable to contact k8s api-server')]})]})},
  ],
  invalid: [
    {
      name: 'interval at 10 s for the whole 1 h window with CT at 92 % → high with ratio suggestion', messageIds: ['gc-falling-behind'],
      snap: () => snapshot({
        agents: [agent('cilium-a', {status: status({bpfMaps: bpfMaps({'ct-tcp': 301401})})})],
        prometheus: prometheus(metrics([[`${I}{pod="cilium-a"}`, 10], ['cilium_bpf_map_pressure{map_name="ct4_global",pod="cilium-a"}', 0.92]]).samples,
          [trend(I, {pod: 'cilium-a'}, 10, 0, 3600)]),
      }),
      expect(f) {
        expect(f).to.have.length(1)
        expect(f[0].severity).to.equal('high')
        expect(f[0].agents).to.deep.equal(['cilium-a'])
        expect(f[0].message).to.contain('60 min').and.contain('92 %')
        expect(f[0].evidence[0]).to.include({line: 1, text: `${I}{pod="cilium-a"} 10`})
        expect(f[0].helm[0]).to.include({path: 'bpf.mapDynamicSizeRatio', value: 0.0046})
      },
    },
    {
      name: 'uncompleted GC runs without trend → medium, "since agent start"', messageIds: ['gc-falling-behind'],
      snap: () => snapshot({agents: [agent('cilium-a', {metrics: metrics([[`${R}{family="ipv4",protocol="TCP",status="uncompleted"}`, 4]])})]}),
      expect(f) {
        expect(f[0].severity).to.equal('medium')
        expect(f[0].message).to.contain('since agent start')
      },
    },
    {
      name: 'GC failed to finish in the log, fixed interval in config', messageIds: ['gc-falling-behind'],
      snap: () => snapshot({
        agents: [agent('cilium-a', {logs: [warnLog('Garbage collection on ipv4 TCP CT map failed to finish')]})],
        cluster: {config: config({'conntrack-gc-interval': '1m0s'})},
      }),
      expect(f) {
        expect(f[0].severity).to.equal('medium')
        expect(f[0].message).to.contain('fixed conntrack-gc-interval (1m0s)')
        expect(f[0].evidence[0].line).to.equal(7)
      },
    },
  ],
  notEvaluated: [
    {name: 'metrics without CT GC families and no logs', snap: () => snapshot({agents: [agent('cilium-a', {metrics: metrics([['cilium_endpoint', 3]])})]})},
  ],
})
