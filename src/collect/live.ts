import type {Collected} from '../ingest/evidence.js'
import {emptyCollected} from '../ingest/evidence.js'
import {InputError} from '../util/errors.js'
import {visitAgent} from './exec.js'
import {mapLimit} from './fanout.js'
import {connectKube} from './kube-client.js'
import {agentPods, discoverNamespace, readCluster} from './kube-cluster.js'
import type {LiveOptions} from './types.js'

/*
 * Live collection: find Cilium, list its agents, visit them with bounded concurrency while the
 * cluster objects are read, and return everything as raw evidence for buildSnapshot.
 * An agent that cannot be read becomes agentErrors; the collection itself still completes.
 */
export async function collectLive(opts: LiveOptions): Promise<Collected> {
  const kube = await connectKube({kubeconfig: opts.kubeconfig, context: opts.context})
  const c: Collected = emptyCollected('live', kube.server)
  if (kube.context) c.origin.context = kube.context
  const timeoutMs = opts.timeoutMs
  const ns = opts.namespace ?? await discoverNamespace(kube, timeoutMs, c) ?? 'kube-system'
  const pods = await agentPods(kube, ns, opts.selector, opts.nodes, timeoutMs)
  if (pods.length === 0) {
    const limits = [opts.nodes?.length ? `on node(s) ${opts.nodes.join(', ')}` : '', opts.selector ? `matching ${opts.selector}` : ''].filter(Boolean).join(' ')
    throw new InputError(`cluster ${kube.server}: no Cilium agent pods (k8s-app=cilium) in namespace ${ns}${limits ? ` ${limits}` : ''}`)
  }
  c.files.push({path: 'pods', text: JSON.stringify({apiVersion: 'v1', kind: 'PodList', items: pods}, null, 1), kind: 'pods'})
  for (const p of pods) {
    const name = String(p.metadata?.name)
    c.agents.push(name)
    if (p.spec?.nodeName) c.agentNodes[name] = String(p.spec.nodeName)
  }

  let done = 0
  let failed = 0
  opts.progress?.(0, pods.length, 0)
  const cluster = readCluster(kube, c, ns, timeoutMs)
  const visits = await mapLimit(pods, opts.concurrency, async (p) => {
    const name = String(p.metadata?.name)
    const restarted = (p.status?.containerStatuses ?? []).some((s: {name?: string, restartCount?: number}) => s.name === 'cilium-agent' && (s.restartCount ?? 0) > 0)
    const visit = await visitAgent(kube, ns, name, timeoutMs, {logs: true, previousLog: restarted})
    done++
    if (visit.errors.some((e) => e.kind !== 'missing')) failed++
    opts.progress?.(done, pods.length, failed)
    return {name, visit}
  })
  await cluster
  for (const {name, visit} of visits) {
    c.files.push(...visit.files)
    if (visit.errors.length > 0) c.agentErrors[name] = visit.errors
  }
  return c
}
