import {agentsWith, capEvidence, ev, agentPhrase, distinctEvidence, groupBy} from '../src/rules/helpers.js'
import type {CheckResult} from '../src/rules/types.js'
import {defineRule} from '../src/rules/types.js'

// "   mesh-1: not-ready, 0 nodes, 0 identities, 0 services, 1 failures (last: 2m52s ago)" (status --verbose)
const CLUSTER_ROW = /^\s*([\w.-]+):\s+(?:not-ready|ready),\s+\d+ nodes/

const FIX = 'Run cilium clustermesh status (and cilium-dbg status --verbose on an agent for the per-cluster lines with the last error); ' +
  'check that the remote clustermesh-apiserver is reachable from this cluster\'s nodes (its Service: LoadBalancer address or NodePort, ' +
  'firewall on port 2379), that its pods are Ready, and that the certificates (clustermesh-apiserver-remote-cert, the shared CA) are valid and ' +
  'from the same CA in both clusters; cluster names and IDs must be unique.'

export default defineRule({
  meta: {
    id: 'clustermesh-not-ready',
    title: 'Cluster Mesh remote clusters not ready',
    severity: 'high',
    versions: '*',
    needs: [['status'], ['metrics']],
    messages: {'remote-clusters-not-ready': 'remote clusters not ready (status)', 'remote-cluster-metric-not-ready': 'a remote cluster not ready (metric)'},
    description: '"ClusterMesh: X/Y remote clusters ready" with X < Y, and cilium_clustermesh_remote_cluster_readiness_status == 0 per target cluster. Clusters without Cluster Mesh (no line, no metric) pass.',
    why: 'A not-ready remote cluster stops syncing nodes, identities, services and endpoints: global services lose the remote backends and cross-cluster policy uses stale identities.',
    fix: 'Check the clustermesh-apiserver pods and their certificates (clustermesh-certificates), the per-cluster lines under ClusterMesh in cilium-dbg status --verbose, and that clustermesh.maxConnectedClusters matches in all clusters.',
    sources: [
      'https://github.com/cilium/cilium/blob/main/pkg/client/client.go',
      'https://docs.cilium.io/en/stable/observability/metrics/',
      'https://docs.cilium.io/en/stable/network/clustermesh/clustermesh/',
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
      const rows = list.flatMap((a) => a.status.unrecognized.filter((u) => CLUSTER_ROW.test(u.text))
        .map((u) => ({source: a.status.clusterMesh!.src.file, line: u.line, text: u.text})))
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
    const samples = [
      ...s.agents.flatMap((a) => (a.metrics?.samples ?? []).map((m) => ({agent: a.name, m}))),
      ...(s.prometheus?.samples ?? []).map((m) => ({agent: m.labels.pod ?? m.labels.source_node_name ?? 'cluster', m})),
    ].filter((x) => x.m.name === 'cilium_clustermesh_remote_cluster_readiness_status')
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
    if (withCm.length === 0 && samples.length === 0) {
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
