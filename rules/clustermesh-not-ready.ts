import {agentsWith, capEvidence, ev, agentPhrase, distinctEvidence, groupBy} from '../src/rules/helpers.js'
import type {ClusterMeshStatus} from '../src/snapshot/schema.js'
import type {CheckResult} from '../src/rules/types.js'
import {defineRule} from '../src/rules/types.js'

// "   mesh-1: not-ready, 0 nodes, 0 identities, 0 services, 1 failures (last: 2m52s ago)" (status --verbose)
const CLUSTER_ROW = /^\s*([\w.-]+):\s+(?:not-ready|ready),\s+\d+ nodes/

const FIX = 'Run cilium clustermesh status (and cilium-dbg status --verbose on an agent for the per-cluster lines with the last error); ' +
  'check that the remote clustermesh-apiserver is reachable from this cluster\'s nodes (its Service: LoadBalancer address or NodePort, ' +
  'firewall on port 2379), that its pods are Ready, and that the certificates (clustermesh-apiserver-remote-cert, the shared CA) are valid and ' +
  'from the same CA in both clusters; cluster names and IDs must be unique.'

/** What the cilium-cli error says is wrong, first: the message names the cause, the generic fix follows. */
const CAUSES: Array<[RegExp, string]> = [
  [/remote cluster configuration required but not found/, 'The agents reach the remote etcd but find no cluster configuration under the expected name: check that the name in clustermesh.config.clusters matches the remote cluster.name exactly, and with KVStoreMesh that the kvstoremesh container is connected to that cluster. '],
  [/Waiting for initial connection to be established|context deadline exceeded|connection refused|i\/o timeout|no route to host/, 'The connection to the remote clustermesh-apiserver never came up: check that its address (LoadBalancer IP or NodePort on a node IP) is reachable on the etcd port from this cluster\'s nodes (or from the clustermesh-apiserver pod with KVStoreMesh), and that both clusters trust the same CA. '],
  [/unknown status/, 'The agents do not have the remote cluster in their configuration: check the cilium-clustermesh Secret (or cilium-kvstoremesh with KVStoreMesh) and that the agents were restarted after `cilium clustermesh connect`. '],
  [/synchronization in progress/, 'The connection is up and the initial synchronization is still running; recheck in a minute before acting. '],
]

function causeOf(messages: string[]): string {
  return CAUSES.find(([re]) => messages.some((m) => re.test(m)))?.[1] ?? ''
}

type Cluster = ClusterMeshStatus['clusters'][number]

/** `cilium clustermesh status` pasted: remote clusters the agents or the KVStoreMesh replicas are not connected to. */
function cliConnections(cm: ClusterMeshStatus): CheckResult[] {
  const out: CheckResult[] = []
  const errorsFor = (c: Cluster, kvstoremesh: boolean) => cm.errors.filter((e) => e.cluster === c.name && /^clustermesh-apiserver/.test(e.pod) === kvstoremesh)
  const agentsBad = cm.clusters.filter((c) => c.connected < c.total)
  if (agentsBad.length > 0) {
    const errs = agentsBad.flatMap((c) => errorsFor(c, false))
    out.push({
      severity: agentsBad.some((c) => c.connected === 0) ? 'critical' : 'high',
      messageId: 'cli-clusters-not-connected',
      message: `Agents not connected to remote cluster${agentsBad.length > 1 ? 's' : ''} ${agentsBad.map((c) => `${c.name} (${c.connected}/${c.total} connected)`).join(', ')}` +
        (errs[0] ? `: ${errs[0].message}` : ''),
      agents: [], // the pods named are the cluster's agents, not agents read here
      evidence: capEvidence(distinctEvidence([...agentsBad.map((c) => ev(c.src)), ...(cm.nodes ? [ev(cm.nodes.src)] : []), ...errs.map((e) => ev(e.src))])),
      helm: [],
      fix: causeOf(errs.map((e) => e.message)) + FIX,
    })
  }
  const kvBad = cm.clusters.filter((c) => c.kvstoremesh && c.kvstoremesh.connected < c.kvstoremesh.total)
  if (kvBad.length > 0) {
    const errs = kvBad.flatMap((c) => errorsFor(c, true))
    out.push({
      // with KVStoreMesh the agents read remote state from the local cache it fills: none connected means none flows
      severity: kvBad.some((c) => c.kvstoremesh!.connected === 0) ? 'critical' : 'high',
      messageId: 'cli-kvstoremesh-not-connected',
      message: `KVStoreMesh not connected to remote cluster${kvBad.length > 1 ? 's' : ''} ${kvBad.map((c) => `${c.name} (${c.kvstoremesh!.connected}/${c.kvstoremesh!.total} replicas)`).join(', ')}: ` +
        'the agents\' own connections are to the local cache, which then holds no state from there' + (errs[0] ? ` (${errs[0].message})` : ''),
      agents: [],
      evidence: capEvidence(distinctEvidence([...kvBad.map((c) => ev(c.src)), ...(cm.kvstoremeshReplicas ? [ev(cm.kvstoremeshReplicas.src)] : []), ...errs.map((e) => ev(e.src))])),
      helm: [],
      fix: causeOf(errs.map((e) => e.message)) + FIX,
    })
  }
  return out
}

/** The command failed, most often because the local clustermesh-apiserver Deployment is not ready. */
function cliFailure(cm: ClusterMeshStatus): CheckResult[] {
  if (!cm.failure) return []
  const deploy = /clustermesh-apiserver is not ready/.test(cm.failure.text)
  return [{
    messageId: deploy ? 'cli-apiserver-not-ready' : 'cli-status-failed',
    message: deploy
      ? `The local clustermesh-apiserver is not ready (${cm.failure.text.replace(/^.*is not ready:\s*/, '')}): remote clusters cannot read this cluster's nodes, identities and services, and with KVStoreMesh the agents here get no remote state`
      : `cilium clustermesh status failed: ${cm.failure.text}`,
    agents: [],
    evidence: capEvidence(distinctEvidence([...cm.waiting.map((w) => ev(w.src)), ev(cm.failure.src)])),
    helm: [],
    fix: deploy
      ? 'Check the clustermesh-apiserver pod: kubectl -n kube-system describe pod -l k8s-app=clustermesh-apiserver (scheduling, image pull, the etcd and apiserver containers\' logs, the clustermesh-apiserver-server-cert Secret). ' + FIX
      : FIX,
  }]
}

const READINESS = 'cilium_clustermesh_remote_cluster_readiness_status'

export default defineRule({
  meta: {
    id: 'clustermesh-not-ready',
    title: 'Cluster Mesh remote clusters not ready',
    severity: 'high',
    versions: '*',
    needs: [['status'], ['metrics'], ['clustermesh']],
    messages: {
      'remote-clusters-not-ready': 'remote clusters not ready (status)', 'remote-cluster-metric-not-ready': 'a remote cluster not ready (metric)',
      'cli-clusters-not-connected': 'agents not connected to a remote cluster (cilium clustermesh status)',
      'cli-kvstoremesh-not-connected': 'KVStoreMesh not connected to a remote cluster (cilium clustermesh status)',
      'cli-apiserver-not-ready': 'the clustermesh-apiserver Deployment is not ready (cilium clustermesh status)',
      'cli-status-failed': 'cilium clustermesh status failed',
    },
    description: '"ClusterMesh: X/Y remote clusters ready" with X < Y, and cilium_clustermesh_remote_cluster_readiness_status == 0 per target cluster. ' +
      'From a pasted `cilium clustermesh status`: a remote cluster with fewer agents (or KVStoreMesh replicas) connected than configured, with the error the CLI printed, and a clustermesh-apiserver Deployment that is not ready. ' +
      'Clusters without Cluster Mesh (no line, no metric) pass.',
    why: 'A not-ready remote cluster stops syncing nodes, identities, services and endpoints: global services lose the remote backends and cross-cluster policy uses stale identities.',
    fix: 'Check the clustermesh-apiserver pods and their certificates (clustermesh-certificates), the per-cluster lines under ClusterMesh in cilium-dbg status --verbose, and that clustermesh.maxConnectedClusters matches in all clusters.',
    sources: [
      'https://github.com/cilium/cilium/blob/main/pkg/client/client.go',
      'https://docs.cilium.io/en/stable/observability/metrics/',
      'https://docs.cilium.io/en/stable/network/clustermesh/clustermesh/',
      'https://github.com/cilium/cilium/blob/main/cilium-cli/clustermesh/clustermesh.go',
      'https://docs.cilium.io/en/stable/operations/troubleshooting_clustermesh/',
    ],
  },
  check(ctx) {
    const s = ctx.snapshot
    const out: CheckResult[] = []
    const withCm = agentsWith(s, 'status').filter((a) => a.status.clusterMesh)
    const bad = withCm.filter((a) => a.status.clusterMesh!.ready < a.status.clusterMesh!.total)
    for (const list of groupBy(bad, (a) => `${a.status.clusterMesh!.ready}/${a.status.clusterMesh!.total}`).values()) {
      const cm = list[0].status.clusterMesh!
      // AgentStatus keeps only the summary line; per-cluster rows ("mesh-1: not-ready, 0 nodes, …") are quoted
      // when a status source left them among the unrecognized lines.
      const rows = list.flatMap((a) => [
        ...a.status.unrecognized.filter((u) => CLUSTER_ROW.test(u.text)).map((u) => ({source: a.status.clusterMesh!.src.file, line: u.line, text: u.text})),
        ...(a.status.clusterMesh!.clusters ?? []).filter((c) => !c.ready).flatMap((c) => [c.src, ...(c.detail ?? [])].map(ev)),
      ])
      const notReady = rows.filter((r) => /not-ready/.test(r.text)).map((r) => CLUSTER_ROW.exec(r.text)![1])
      out.push({
        severity: cm.ready === 0 ? 'critical' : 'high',
        messageId: 'remote-clusters-not-ready',
        message: `${cm.total - cm.ready}/${cm.total} remote clusters not ready on ${agentPhrase(list.map((a) => a.name))}` +
          (notReady.length > 0 ? `: ${[...new Set(notReady)].join(', ')}` : ''),
        agents: list.map((a) => a.name),
        evidence: capEvidence(distinctEvidence([...list.map((a) => ev(a.status.clusterMesh!.src)), ...rows])),
        helm: [],
        fix: FIX,
      })
    }
    const covered = new Set(withCm.map((a) => a.name))
    // filtered before they are paired with their agent: 5000 agents hold hundreds of thousands of other samples
    const samples = [
      ...s.agents.flatMap((a) => (a.metrics?.samples ?? []).filter((m) => m.name === READINESS).map((m) => ({agent: a.name, m}))),
      ...(s.prometheus?.samples ?? []).filter((m) => m.name === READINESS).map((m) => ({agent: m.labels.pod ?? m.labels.source_node_name ?? 'cluster', m})),
    ]
    const notReady = samples.filter((x) => x.m.value === 0 && !covered.has(x.agent))
    for (const [target, list] of groupBy(notReady, (x) => x.m.labels.target_cluster ?? 'unknown')) {
      const names = [...new Set(list.map((x) => x.agent))]
      out.push({
        messageId: 'remote-cluster-metric-not-ready',
        message: `Remote cluster ${target} not ready (cilium_clustermesh_remote_cluster_readiness_status 0) on ${agentPhrase(names)}`,
        agents: names.filter((n) => n !== 'cluster'),
        evidence: capEvidence(distinctEvidence(list.map((x) => ev(x.m.src)))),
        helm: [],
        fix: FIX,
      })
    }
    const cli = s.cluster.clusterMesh
    if (cli) out.push(...cliConnections(cli), ...cliFailure(cli))
    if (withCm.length === 0 && samples.length === 0 && !cli) {
      const any = s.agents.some((a) => a.status && !a.status.earlyExit)
      if (!any) {
        ctx.notEvaluated(s.agents.some((a) => a.status)
          ? 'status exited early (no ClusterMesh section) and there is no Cluster Mesh metric'
          : 'no status output and no cilium_clustermesh_* metric, so Cluster Mesh state is unknown')
      }
    }
    return out
  },
})
