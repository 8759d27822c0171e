import rule from '../../rules/clustermesh-not-ready.js'
import {agent, at, snapshot, status} from '../helpers/snapshot.js'
import {ruleTester} from './_rule-tester.js'

const cm = (name: string, ready: number, total: number) => agent(name, {status: status({clusterMesh: {ready, total, src: at(`ClusterMesh:   ${ready}/${total} remote clusters ready, 3 global-services`, 20)}})})
const readiness = (name: string, target: string, v: number) => agent(name, {metrics: {format: 'exposition', unrecognized: [], samples: [
  {name: 'cilium_clustermesh_remote_cluster_readiness_status', labels: {source_cluster: 'c1', target_cluster: target}, value: v, src: at(`cilium_clustermesh_remote_cluster_readiness_status{target_cluster="${target}"} ${v}`, 4, `${name}/metrics`)},
]}})

ruleTester(rule, {
  valid: [
    {name: 'all remote clusters ready', snapshot: snapshot({agents: [cm('cilium-a', 2, 2), cm('cilium-b', 2, 2)]})},
    {name: 'no Cluster Mesh at all', snapshot: snapshot({agents: [agent('cilium-a', {status: status({})})]})},
    {name: 'metric ready', snapshot: snapshot({agents: [readiness('cilium-a', 'c2', 1)]})},
  ],
  invalid: [
    {name: '1/2 ready on two agents', messageIds: ['remote-clusters-not-ready'], snapshot: snapshot({agents: [cm('cilium-a', 1, 2), cm('cilium-b', 1, 2)]}),
      expect: {count: 1, severity: 'high', agents: ['cilium-a', 'cilium-b'], message: /1\/2 remote clusters not ready on 2 agents/, evidence: {line: 20}}},
    // field trial (1.12 status): the finding had no fix at all
    {name: '0/1 ready → critical, with a clustermesh-apiserver fix', messageIds: ['remote-clusters-not-ready'], snapshot: snapshot({agents: [cm('cilium-a', 0, 1)]}),
      expect: {count: 1, severity: 'critical', fix: /cilium clustermesh status.*clustermesh-apiserver.*LoadBalancer.*certificates/}},
    {name: 'per-cluster rows left unrecognized are quoted and named', messageIds: ['remote-clusters-not-ready'], snapshot: snapshot({agents: [agent('cilium-a', {status: status({
      clusterMesh: {ready: 1, total: 2, src: at('ClusterMesh:   1/2 clusters ready, 0 global-services', 15)},
      unrecognized: [{line: 16, text: '   east-2: not-ready, 0 nodes, 0 identities, 0 services, 4 failures (last: 1m ago)'}, {line: 18, text: '   west-1: ready, 3 nodes, 40 identities, 9 services, 0 failures (last: never)'}],
    })})]}), expect: {count: 1, severity: 'high', message: /not ready on cilium-a: east-2$/, evidence: {line: 16, text: /east-2: not-ready/}}},
    {name: 'metric not ready has the fix too', messageIds: ['remote-cluster-metric-not-ready'], snapshot: snapshot({agents: [readiness('cilium-a', 'c3', 0)]}), expect: {count: 1, fix: /clustermesh-apiserver/}},
    {name: 'metric says not ready', messageIds: ['remote-cluster-metric-not-ready'], snapshot: snapshot({agents: [readiness('cilium-a', 'c2', 0)]}),
      expect: {count: 1, severity: 'high', message: /Remote cluster c2 not ready/, evidence: {line: 4}}},
  ],
  notEvaluated: [{name: 'status exited early', snapshot: snapshot({agents: [agent('cilium-a', {status: status({earlyExit: true})})]})}],
})
