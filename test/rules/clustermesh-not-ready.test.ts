import rule from '../../rules/clustermesh-not-ready.js'
import {parseClusterMeshStatus} from '../../src/parse/clustermesh-status.js'
import {agent, at, snapshot, status} from '../helpers/snapshot.js'
import {ruleTester} from './_rule-tester.js'

// cilium-cli `cilium clustermesh status`, as printed (cilium-cli/clustermesh/clustermesh.go)
const cli = (...lines: string[]) => snapshot({cluster: {clusterMesh: parseClusterMeshStatus(lines.join('\n') + '\n', 'cm.txt')}})
const HEAD = ['✅ Service "clustermesh-apiserver" of type "LoadBalancer" found', '✅ Cluster access information is available:', '  - 192.0.2.9:2379', '✅ Deployment clustermesh-apiserver is ready']

const cm = (name: string, ready: number, total: number) => agent(name, {status: status({clusterMesh: {ready, total, src: at(`ClusterMesh:   ${ready}/${total} remote clusters ready, 3 global-services`, 20)}})})
const readiness = (name: string, target: string, v: number) => agent(name, {metrics: {format: 'exposition', unrecognized: [], samples: [
  {name: 'cilium_clustermesh_remote_cluster_readiness_status', labels: {source_cluster: 'c1', target_cluster: target}, value: v, src: at(`cilium_clustermesh_remote_cluster_readiness_status{target_cluster="${target}"} ${v}`, 4, `${name}/metrics`)},
]}})

ruleTester(rule, {
  valid: [
    {name: 'all remote clusters ready', snapshot: snapshot({agents: [cm('cilium-a', 2, 2), cm('cilium-b', 2, 2)]})},
    {name: 'no Cluster Mesh at all', snapshot: snapshot({agents: [agent('cilium-a', {status: status({})})]})},
    {name: 'metric ready', snapshot: snapshot({agents: [readiness('cilium-a', 'c2', 1)]})},
    {name: 'cilium clustermesh status: every node and KVStoreMesh replica connected', snapshot: cli(...HEAD, 'ℹ️  KVStoreMesh is enabled', '',
      '✅ All 3 nodes are connected to all clusters [min:1 / avg:1.0 / max:1]', '✅ All 1 KVStoreMesh replicas are connected to all clusters [min:1 / avg:1.0 / max:1]', '',
      '🔌 Cluster Connections:', '  - c2: 3/3 configured, 3/3 connected - KVStoreMesh: 1/1 configured, 1/1 connected')},
    {name: 'cilium clustermesh status before any connect: no cluster, nothing wrong', snapshot: cli(...HEAD, '🔌 No cluster connected', '🔀 Global services: [ min:0 / avg:0.0 / max:0 ]')},
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
    {name: 'cilium clustermesh status: no agent connected, the CLI error names the cause in the fix', messageIds: ['cli-clusters-not-connected'],
      snapshot: cli(...HEAD, '⚠️  2/2 nodes are not connected to all clusters [min:0 / avg:0.0 / max:0]', '🔌 Cluster Connections:', '  - c2: 2/2 configured, 0/2 connected',
        '❌ 2 Errors:', '  ❌ cilium-x1 is not connected to cluster c2: remote cluster configuration required but not found',
        '  ❌ cilium-x2 is not connected to cluster c2: remote cluster configuration required but not found'),
      expect: {count: 1, severity: 'critical', message: /remote cluster c2 \(0\/2 connected\): remote cluster configuration required but not found/, fix: /^The agents reach the remote etcd.*cluster\.name/, evidence: {line: 7}}},
    {name: 'cilium clustermesh status: one of three agents not connected → high', messageIds: ['cli-clusters-not-connected'],
      snapshot: cli(...HEAD, '⚠️  1/3 nodes are not connected to all clusters [min:0 / avg:0.7 / max:1]', '🔌 Cluster Connections:', '  - c2: 3/3 configured, 2/3 connected'),
      expect: {count: 1, severity: 'high', message: /c2 \(2\/3 connected\)$/}},
    {name: 'cilium clustermesh status: the KVStoreMesh replica never connected while the agents are', messageIds: ['cli-kvstoremesh-not-connected'],
      snapshot: cli(...HEAD, 'ℹ️  KVStoreMesh is enabled', '✅ All 2 nodes are connected to all clusters [min:1 / avg:1.0 / max:1]',
        '⚠️  1/1 KVStoreMesh replicas are not connected to all clusters [min:0 / avg:0.0 / max:0]', '🔌 Cluster Connections:',
        '  - c2: 2/2 configured, 2/2 connected - KVStoreMesh: 1/1 configured, 0/1 connected', '❌ 1 Errors:',
        '  ❌ clustermesh-apiserver-5c9d-abcde is not connected to cluster c2: Waiting for initial connection to be established'),
      expect: {count: 1, severity: 'critical', message: /KVStoreMesh not connected to remote cluster c2 \(0\/1 replicas\)/, fix: /never came up/}},
    {name: 'cilium clustermesh status failed: the clustermesh-apiserver Deployment is not ready', messageIds: ['cli-apiserver-not-ready'],
      snapshot: cli(HEAD[0], HEAD[1], HEAD[2], '⌛ Waiting (12s) for deployment clustermesh-apiserver to become ready: only 0 of 1 replicas are available', '',
        'Error: Unable to determine status:  deployment clustermesh-apiserver is not ready: only 0 of 1 replicas are available'),
      expect: {count: 1, severity: 'high', message: /clustermesh-apiserver is not ready \(only 0 of 1 replicas are available\)/, evidence: {line: 4}}},
    {name: 'cilium clustermesh status failed for another reason: said as it is', messageIds: ['cli-status-failed'],
      snapshot: cli('✅ Service "clustermesh-apiserver" of type "LoadBalancer" found', '❌ Service is of type LoadBalancer but has no IPs assigned',
        'Error: Unable to determine status:  No IP available to reach cluster'),
      expect: {count: 1, message: /cilium clustermesh status failed: Unable to determine status:\s+No IP available/}},
    {name: 'status rows parsed by the status reader are named, with their "└" line', messageIds: ['remote-clusters-not-ready'], snapshot: snapshot({agents: [agent('cilium-a', {status: status({
      clusterMesh: {ready: 1, total: 2, src: at('ClusterMesh:   1/2 clusters ready, 3 global-services', 9), clusters: [
        {name: 'edge', ready: false, src: at('edge: not-ready, 1 nodes, 0 identities, 5 services, 1 failures (last: 1h ago)', 10), detail: [at('└  Waiting for initial connection to be established', 11)]},
        {name: 'core', ready: true, src: at('core: ready, 3 nodes, 9 identities, 5 services, 0 failures (last: never)', 12)}]},
    })})]}), expect: {count: 1, severity: 'high', message: /not ready on cilium-a: edge$/, evidence: {line: 11, text: /Waiting for initial connection/}}},
    {name: 'metric says not ready', messageIds: ['remote-cluster-metric-not-ready'], snapshot: snapshot({agents: [readiness('cilium-a', 'c2', 0)]}),
      expect: {count: 1, severity: 'high', message: /Remote cluster c2 not ready/, evidence: {line: 4}}},
  ],
  notEvaluated: [{name: 'status exited early', snapshot: snapshot({agents: [agent('cilium-a', {status: status({earlyExit: true})})]})}],
})
