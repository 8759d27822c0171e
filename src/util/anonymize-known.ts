import {basename} from 'node:path'
import type {Snapshot} from '../snapshot/schema.js'
import {Anonymizer, stringsIn} from './anonymize.js'

/*
 * Which names a run knows, from the evidence itself: the node list, the pod list, every agent and
 * its node, the cluster name, the kubeconfig context, the API server and Prometheus hosts. Every
 * string of the evidence is also scanned, so an address or a `k8sPodName=ns/pod` in a log line
 * gets its pseudonym before anything is printed.
 */

export function hostOf(url: string | undefined): string[] {
  if (!url) return []
  try {
    return [new URL(url).hostname.replace(/^\[|\]$/g, '')]
  } catch {
    return []
  }
}

export function str(v: unknown): string[] {
  return typeof v === 'string' && v !== '' ? [v] : []
}

export function anonymizerForSnapshot(s: Snapshot): Anonymizer {
  const c = s.cluster
  const values = c.helm?.values ?? {}
  const clusterValue = (values.cluster as {name?: unknown} | undefined)?.name
  const healthNodes = s.agents.flatMap((a) => a.status?.clusterHealth?.nodes.map((n) => n.name) ?? [])
  // cilium-dbg node list and cilium clustermesh status name nodes, remote clusters and their pods too
  const known = s.agents.flatMap((a) => a.knownNodes ?? [])
  const meshClusters = [...(c.clusterMesh?.clusters ?? []).map((x) => x.name), ...s.agents.flatMap((a) => a.status?.clusterMesh?.clusters?.map((x) => x.name) ?? [])]
  return new Anonymizer({
    node: [...(c.nodes ?? []).flatMap((n) => [n.name, ...str(n.labels['kubernetes.io/hostname'])]), ...s.agents.flatMap((a) => str(a.node)),
      ...(c.pods ?? []).flatMap((p) => str(p.node)), ...healthNodes.map((n) => n.split('/').pop() ?? n), ...known.map((n) => n.node)],
    pod: [...s.agents.map((a) => a.name), ...(c.pods ?? []).map((p) => p.name), ...(c.clusterMesh?.errors ?? []).map((e) => e.pod)],
    namespace: [...(c.pods ?? []).flatMap((p) => str(p.namespace)), ...str(c.config?.namespace)],
    cluster: [...str(c.config?.data['cluster-name']?.value), ...str(clusterValue), ...healthNodes.filter((n) => n.includes('/')).map((n) => n.split('/')[0]),
      ...known.flatMap((n) => str(n.cluster)), ...meshClusters],
    context: str(s.origin.context),
    // evidence lines name files under the directory's own name
    paths: [...str(s.origin.path), ...str(s.origin.path).map((p) => basename(p.replace(/\/+$/, '')))],
    host: [...str(values.k8sServiceHost), ...hostOf(s.prometheus?.url)],
    texts: stringsIn(s),
  })
}
