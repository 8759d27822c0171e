import rule from '../../rules/netkit-not-effective.js'
import type {AgentLog, Node} from '../../src/snapshot/schema.js'
import {agent, at, config, snapshot, status} from '../helpers/snapshot.js'
import {ruleTester} from './_rule-tester.js'

const node = (name: string, kernel: string, line: number): Node =>
  ({name, kernel, podCIDRs: [], labels: {}, src: at(`kernelVersion: ${kernel}`, line, 'k8s-nodes.yaml')})

const dev = (name: string, mode: string, configured?: string) => agent(name, {node: `node-${name.slice(-1)}`, status: status({
  deviceMode: {value: mode, ...(configured ? {configured} : {}), src: at(`Device Mode:   ${mode}${configured ? ` [Configured: ${configured}]` : ''}`, 32)},
  routing: {network: 'Native', host: 'BPF', src: at('Routing:   Network: Native   Host: BPF', 30)},
})})

const fatalLog = (file: string): AgentLog => ({
  file, previous: true, format: 'logfmt', lines: 40, levels: {fatal: 1, info: 39}, debugLines: 0, truncated: false,
  entries: [{level: 'fatal', kind: 'netkit-kernel', msg: 'netkit devices need kernel 6.7.0 or newer and CONFIG_NETKIT', subsys: 'daemon',
    src: at('level=fatal msg="netkit devices need kernel 6.7.0 or newer and CONFIG_NETKIT" subsys=daemon', 40, file)}],
})

ruleTester(rule, {
  valid: [
    {name: 'netkit configured and running', snapshot: snapshot({agents: [dev('cilium-a', 'netkit')], cluster: {config: config({'datapath-mode': 'netkit'}), nodes: [node('node-a', '6.8.0', 1)]}})},
    {name: 'veth configured and running', snapshot: snapshot({agents: [dev('cilium-a', 'veth')], cluster: {config: config({'datapath-mode': 'veth'}), nodes: [node('node-a', '5.15.0', 1)]}})},
  ],
  invalid: [
    {
      name: 'configured netkit, agent crash-looping with the fatal, node on 6.1 → critical, node named', messageIds: ['not-effective'],
      snapshot: snapshot({
        agents: [agent('cilium-a', {node: 'node-a', logs: [fatalLog('logs-cilium-a-prev.log')],
          pod: {name: 'cilium-a', node: 'node-a', restarts: 7, ready: false, src: at('restartCount: 7', 80, 'k8s-pods.yaml')}})],
        cluster: {config: config({'datapath-mode': 'netkit'}), nodes: [node('node-a', '6.1.0-28-amd64', 12), node('node-b', '6.8.0', 22)]},
      }),
      expect: {count: 1, severity: 'critical', agents: ['cilium-a'], message: /logged "netkit devices need kernel 6\.7\.0.*1 node\(s\) run kernel < 6\.8: node-a \(6\.1\.0-28-amd64\); the agent refuses/,
        evidence: {line: 40, text: /netkit devices need kernel/}, helm: {path: 'bpf.datapathMode', value: 'veth'}, fix: /upgrade the named nodes/},
    },
    {
      name: 'configured netkit but Device Mode veth (agents not restarted) → high', messageIds: ['not-effective'],
      snapshot: snapshot({agents: [dev('cilium-a', 'veth'), dev('cilium-b', 'veth')], cluster: {config: config({'datapath-mode': 'netkit'})}}),
      expect: {count: 1, severity: 'high', agents: ['cilium-a', 'cilium-b'], message: /Device Mode is veth on 2 agent\(s\).*netkit is configured/, evidence: {text: 'datapath-mode: netkit'}},
    },
    {
      name: '1.19 "[Configured: netkit]" without config evidence', messageIds: ['not-effective'],
      snapshot: snapshot({agents: [dev('cilium-a', 'veth', 'netkit')]}),
      expect: {count: 1, severity: 'high', message: /Device Mode is veth/},
    },
    {
      name: 'Helm says netkit, node on 6.7 → high prediction', messageIds: ['not-effective'],
      snapshot: snapshot({cluster: {helm: {source: 'helm get values', values: {bpf: {datapathMode: 'netkit'}}}, nodes: [node('node-a', '6.7.5', 3)]}}),
      expect: {count: 1, severity: 'high', message: /node-a \(6\.7\.5\)$/},
    },
  ],
  notEvaluated: [
    {name: 'no config, helm, logs or status', snapshot: snapshot({cluster: {nodes: [node('node-a', '6.1.0', 1)]}})},
  ],
})
