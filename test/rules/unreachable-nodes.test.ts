import {expect} from 'chai'
import {runRule} from '../../src/rules/engine.js'
import {requireReference} from '../helpers/reference.js'
import rule from '../../rules/unreachable-nodes.js'
import type {AgentStatus} from '../../src/snapshot/schema.js'
import {agent, at, snapshot, status} from '../helpers/snapshot.js'
import {referenceAgent, ruleTester} from './_rule-tester.js'

type Health = NonNullable<AgentStatus['clusterHealth']>
type Row = Health['nodes'][number]

function row(name: string, hostOk: boolean, endpointsOk: boolean, line: number, localhost = false): Row {
  const host = hostOk ? '1/1' : '0/1'
  const eps = endpointsOk ? '1/1' : '0/1'
  return {name, localhost, ips: ['10.0.0.1'], host, endpoints: eps, hostOk, endpointsOk, src: at(`  ${name}   10.0.0.1   ${host}   ${eps}`, line)}
}

function health(reachable: number | undefined, total: number | undefined, nodes: Row[] = [], text?: string): Health {
  const t = text ?? `${reachable}/${total} reachable   (2026-04-13T11:45:41Z)`
  return {reachable, total, text: t, nodes, src: at(`Cluster health:   ${t}`, 25)}
}

const daemonOk = {state: 'Ok', message: '', src: at('Cilium health daemon:   Ok', 7)}
const withHealth = (name: string, h: Health, healthDaemon = daemonOk) => agent(name, {status: status({clusterHealth: h, healthDaemon})})
const metrics = (name: string, nodes: number, eps: number) => agent(name, {metrics: {format: 'exposition', unrecognized: [], samples: [
  {name: 'cilium_unreachable_nodes', labels: {}, value: nodes, src: at(`cilium_unreachable_nodes ${nodes}`, 3, `${name}/metrics`)},
  {name: 'cilium_unreachable_health_endpoints', labels: {}, value: eps, src: at(`cilium_unreachable_health_endpoints ${eps}`, 4, `${name}/metrics`)},
]}})

ruleTester(rule, {
  valid: [
    {name: 'Cluster health 3/3 with the 1.17+ empty header', snapshot: snapshot({agents: [withHealth('cilium-a', health(3, 3)), withHealth('cilium-b', health(3, 3))]})},
    {name: '≤1.16 verbose rows that are all reachable', snapshot: snapshot({agents: [withHealth('cilium-a', health(2, 2, [row('node-a', true, true, 27, true), row('node-b', true, true, 28)]))]})},
    {name: 'metrics at zero', snapshot: snapshot({agents: [metrics('cilium-a', 0, 0)]})},
  ],
  invalid: [
    {
      name: 'EKS 1/3 reachable with two 0/1 rows → critical, names both nodes', messageIds: ['nodes-unreachable'],
      snapshot: snapshot({agents: [withHealth('cilium-abcde', health(1, 3, [row('node-b', false, false, 27), row('node-c', false, false, 28)]))]}),
      expect: {count: 1, severity: 'critical', agents: ['cilium-abcde'], message: /^2\/3 nodes unreachable from cilium-abcde: node-b \(host and health endpoint\), node-c/, evidence: {line: 27, text: /node-b/}, fix: /TCP 4240/},
    },
    {
      name: '7/8 reachable with the endpoint path down → critical (>10 %), endpoint fix', messageIds: ['nodes-unreachable'],
      snapshot: snapshot({agents: [withHealth('cilium-a', health(7, 8, [row('juju-1-lxd-3', true, false, 4)]))]}),
      expect: {count: 1, severity: 'critical', message: /1\/8 nodes unreachable from cilium-a: juju-1-lxd-3 \(health endpoint\)/, fix: /VXLAN 8472/},
    },
    {
      name: '99/100 from several agents → high, most-reported node first', messageIds: ['nodes-unreachable'],
      snapshot: snapshot({agents: [
        withHealth('cilium-a', health(99, 100, [row('node-x', false, true, 30)])),
        withHealth('cilium-b', health(99, 100, [row('node-x', false, true, 30)])),
        withHealth('cilium-c', health(100, 100)),
      ]}),
      expect: {count: 1, severity: 'high', agents: ['cilium-a', 'cilium-b'], message: /2 agents see unreachable nodes .*node-x \(host, from 2 agents\)/},
    },
    {
      name: 'health daemon unreachable', messageIds: ['health-daemon-not-ok'],
      snapshot: snapshot({agents: [withHealth('cilium-a', health(undefined, undefined, [], 'Warning   cilium-health daemon unreachable'),
        {state: 'Warning', message: 'cilium-health daemon unreachable', src: at('Cilium health daemon:   Warning   cilium-health daemon unreachable', 7)})]}),
      expect: {count: 1, severity: 'high', message: /cilium-health daemon not Ok on cilium-a: Warning/, evidence: {line: 7}},
    },
    {
      // field trial (1.7 status): "0/1 reachable" with the localhost row `true false` was reported as nodes
      // unreachable with a tunnel-port fix; it is the node's own health endpoint
      name: 'only the localhost row fails, host reachable, endpoint not → local health endpoint, high', messageIds: ['local-health-endpoint'],
      snapshot: snapshot({agents: [withHealth('cilium-a', health(0, 1, [row('node-a', true, false, 14, true)]))]}),
      expect: {count: 1, severity: 'high', agents: ['cilium-a'], message: /^the local cilium-health endpoint is unreachable on cilium-a \(node-a \(localhost\): host reachable/,
        evidence: {line: 14}, fix: /health endpoint on that node/},
    },
    {
      name: 'localhost endpoint and a remote node fail → still the node-reachability finding', messageIds: ['nodes-unreachable'],
      snapshot: snapshot({agents: [withHealth('cilium-a', health(0, 2, [row('node-a', true, false, 14, true), row('node-b', false, false, 15)]))]}),
      expect: {count: 1, severity: 'critical', message: /^2\/2 nodes unreachable/},
    },
    {
      // whole-folder run: another agent's failing rows must not turn this agent's local-endpoint problem into a tunnel one
      name: 'one agent with only its local endpoint down, another with a remote node down → two findings', messageIds: ['nodes-unreachable', 'local-health-endpoint'],
      snapshot: snapshot({agents: [
        withHealth('cilium-a', health(0, 1, [row('node-a', true, false, 14, true)])),
        withHealth('cilium-b', health(1, 2, [row('node-c', false, false, 15)])),
      ]}),
      expect: [
        {count: 2, severity: 'high', agents: ['cilium-a'], message: /^the local cilium-health endpoint is unreachable on cilium-a/},
        {severity: 'critical', agents: ['cilium-b'], message: /^1\/2 nodes unreachable from cilium-b: node-c/},
      ],
    },
    {
      name: 'metrics only', messageIds: ['metric-unreachable'],
      snapshot: snapshot({agents: [metrics('cilium-m', 2, 1)]}),
      expect: {count: 1, severity: 'high', agents: ['cilium-m'], message: /unreachable peers on cilium-m: up to 2 node\(s\) and 1 health endpoint\(s\)/, evidence: {line: 3}},
    },
    {
      name: '1.17+ connectivity-status metric only', messageIds: ['metric-unreachable'],
      snapshot: snapshot({agents: [agent('cilium-c', {metrics: {format: 'exposition', unrecognized: [], samples: [
        {name: 'cilium_node_health_connectivity_status', labels: {source_cluster: 'default', source_node_name: 'n1', type: 'node', status: 'unreachable'}, value: 3, src: at('cilium_node_health_connectivity_status{status="unreachable",type="node"} 3', 8)},
        {name: 'cilium_node_health_connectivity_status', labels: {source_cluster: 'default', source_node_name: 'n1', type: 'node', status: 'reachable'}, value: 97, src: at('cilium_node_health_connectivity_status{status="reachable",type="node"} 97', 9)},
      ]}})]}),
      expect: {count: 1, severity: 'high', agents: ['cilium-c'], message: /up to 3 node\(s\) and 0 health endpoint/, evidence: {line: 8}},
    },
  ],
  notEvaluated: [
    {name: 'Probe disabled everywhere', snapshot: snapshot({agents: [withHealth('cilium-a', health(undefined, undefined, [], 'Probe disabled'))]})},
    // field trial: truncated pastes that stop after "Cilium health daemon: Ok" were reported as passed
    {name: 'health daemon Ok but no Cluster health line and no metrics', snapshot: snapshot({agents: [agent('cilium-a', {status: status({healthDaemon: daemonOk})})]})},
    {name: 'early exit: no health lines', snapshot: snapshot({agents: [agent('cilium-a', {status: status({earlyExit: true})})]})},
  ],
})

describe('unreachable-nodes on real samples', () => {
  before(function () { requireReference(this) })
  it('EKS 1.18.7 "1/3 reachable": critical, both 0/1 nodes named with their line numbers', async () => {
    const a = await referenceAgent('cilium-eks', {status: 'status_1.18.7_health-1of3-masq-disabled-eks.txt'})
    const r = runRule(rule, snapshot({agents: [a]}))
    expect(r.findings).to.have.length(1)
    expect(r.findings[0].severity).to.equal('critical')
    expect(r.findings[0].message).to.match(/^2\/3 nodes unreachable from cilium-eks: ip-10-0-10-244\.ap-southeast-1\.compute\.internal \(host and health endpoint\), ip-10-0-10-72/)
    expect(r.findings[0].evidence.map((e) => e.line)).to.include.members([25, 27, 28])
  })
  it('1.16 "7/8 reachable" with a word row: the endpoint path only', async () => {
    const a = await referenceAgent('cilium-snap', {status: 'status_1.16_k8s-snap1495-health-endpoint-unreachable-FRAGMENT.txt'})
    const r = runRule(rule, snapshot({agents: [a]}))
    expect(r.findings[0].message).to.match(/1\/8 nodes unreachable from cilium-snap: juju-8966e0-1-lxd-3 \(health endpoint\)/)
  })
  it('1.10 baseline "1/1 reachable" passes', async () => {
    const a = await referenceAgent('cilium-mk', {status: 'status-verbose_1.10.0_baseline-minikube.txt'})
    expect(runRule(rule, snapshot({agents: [a]})).outcome.result).to.equal('passed')
  })
})

describe('unreachable-nodes at 1000 agents', () => {
  it('one finding naming the node every agent misses, evidence capped', () => {
    const agents = Array.from({length: 1000}, (_, i) => withHealth(`cilium-${String(i).padStart(5, '0')}`,
      health(999, 1000, [row('node-dead', false, false, 30)])))
    const r = runRule(rule, snapshot({agents}))
    expect(r.findings).to.have.length(1)
    expect(r.findings[0].agents).to.have.length(1000)
    expect(r.findings[0].severity).to.equal('high')
    expect(r.findings[0].message).to.match(/^1000 agents see unreachable nodes .*node-dead \(host and health endpoint, from 1000 agents\)/)
    expect(r.findings[0].message.length).to.be.lessThan(300)
    expect(r.findings[0].evidence.length).to.be.at.most(9)
  })
})
