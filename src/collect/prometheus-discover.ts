import type {Kube} from './kube-client.js'

/*
 * When no --prometheus-url is given: look for an in-cluster Prometheus among the Services and
 * offer it (on stderr) through the API server's service proxy. It is only an offer; ciltune
 * never starts querying a server the user did not name.
 */

export interface PrometheusCandidate {
  namespace: string
  name: string
  port: number
  flavour: 'kube-prometheus-stack' | 'kube-prometheus' | 'prometheus-operated' | 'cilium-monitoring' | 'prometheus-chart'
  /** through the API server, with the kubeconfig's credentials */
  proxyUrl: string
  /** the same path behind `kubectl proxy` (default 127.0.0.1:8001), usable as --prometheus-url as is */
  kubectlProxyUrl: string
}

interface ServiceJson {
  metadata?: {name?: string, namespace?: string}
  spec?: {clusterIP?: string, ports?: Array<{name?: string, port?: number}>}
}

// Best first: the stack's ClusterIP service, then the operator's headless one, then the rest.
const RANK: Record<PrometheusCandidate['flavour'], number> = {
  'kube-prometheus-stack': 0, 'kube-prometheus': 1, 'cilium-monitoring': 2, 'prometheus-operated': 3, 'prometheus-chart': 4,
}

function flavourOf(ns: string, name: string): PrometheusCandidate['flavour'] | undefined {
  if (/(alertmanager|node-exporter|operator|pushgateway|adapter|blackbox|thanos)/.test(name)) return undefined
  if (/kube-prometheus(-stack)?-prometheus$|^kube-prometheus-stack-prometheus$/.test(name)) return 'kube-prometheus-stack'
  if (name === 'prometheus-k8s') return 'kube-prometheus'
  if (name === 'prometheus-operated') return 'prometheus-operated'
  if (ns === 'cilium-monitoring' && name === 'prometheus') return 'cilium-monitoring'
  if (name === 'prometheus-server' || name === 'prometheus') return 'prometheus-chart'
  return undefined
}

function portOf(svc: ServiceJson): number | undefined {
  const ports = svc.spec?.ports ?? []
  const named = ports.find((p) => p.name && /^(http-)?web$|^http$/.test(p.name))
  return (named ?? ports.find((p) => p.port === 9090) ?? ports[0])?.port
}

/** Prometheus services in a ServiceList (JSON text or object), best first. Pure. */
export function pickPrometheusServices(list: unknown, server: string): PrometheusCandidate[] {
  const items = ((list && typeof list === 'object' ? list : {}) as {items?: ServiceJson[]}).items ?? []
  const out: PrometheusCandidate[] = []
  for (const svc of items) {
    const name = svc.metadata?.name ?? ''
    const namespace = svc.metadata?.namespace ?? ''
    const flavour = flavourOf(namespace, name)
    const port = portOf(svc)
    if (!flavour || !namespace || port === undefined) continue
    const path = `/api/v1/namespaces/${namespace}/services/${name}:${port}/proxy`
    out.push({namespace, name, port, flavour, proxyUrl: `${server.replace(/\/+$/, '')}${path}`, kubectlProxyUrl: `http://127.0.0.1:8001${path}`})
  }
  return out.sort((a, b) => RANK[a.flavour] - RANK[b.flavour] || a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name))
}

export interface Discovery {
  candidates: PrometheusCandidate[]
  /** why nothing could be looked up (RBAC, unreachable API server); discovery failing is not an error of the run */
  error?: string
}

/** List Services in all namespaces and pick the Prometheus ones. Never throws. */
export async function discoverPrometheus(opts: {kubeconfig?: string, context?: string, timeoutMs?: number, kube?: Kube}): Promise<Discovery> {
  try {
    // lazy: client-node costs half a second of start-up
    const kube = opts.kube ?? await (await import('./kube-client.js')).connectKube(opts)
    const body = await kube.get('/api/v1/services', opts.timeoutMs ?? 10_000)
    return {candidates: pickPrometheusServices(JSON.parse(body), kube.server)}
  } catch (error) {
    return {candidates: [], error: `Prometheus discovery: ${((error as Error)?.message ?? String(error)).split('\n')[0]}`}
  }
}

/** The stderr offer for the best candidate. */
export function discoveryOffer(c: PrometheusCandidate): string {
  return `Found ${c.flavour} Prometheus ${c.namespace}/${c.name}:${c.port}. To add its metrics, run \`kubectl proxy\` and rerun with --prometheus-url ${c.kubectlProxyUrl}`
}
