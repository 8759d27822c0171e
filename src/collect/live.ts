import type {Collected, EvidenceFile} from '../ingest/evidence.js'
import type {CollectionError} from '../snapshot/schema.js'
import {addFile, emptyCollected} from '../ingest/evidence.js'
import {checkNamespace, checkNodeName} from './k8s-names.js'
import {InputError} from '../util/errors.js'
import {AGENT_CONTAINER, featureCommands} from './allowlist.js'
import {visitAgent} from './exec.js'
import {mapLimit} from './fanout.js'
import {connectKube, releaseOutputBuffers} from './kube-client.js'
import {agentPods, discoverNamespace, readCiliumConfig, readCluster, type K8sObject} from './kube-cluster.js'
import {RecentOutputs} from './repeat-bytes.js'
import type {LiveOptions} from './types.js'

/** The cilium-agent container as the pod reports it: restarts, and why it cannot run commands now. */
function containerState(pod: K8sObject): {restarts: number, notRunning?: string} {
  const s = (pod.status?.containerStatuses ?? []).find((x: K8sObject) => x.name === AGENT_CONTAINER) as K8sObject | undefined
  const restarts = Number(s?.restartCount ?? 0)
  const waiting = s?.state?.waiting?.reason as string | undefined
  const terminated = s?.state?.terminated ? `terminated: ${s.state.terminated.reason ?? 'exited'}` : undefined
  const phase = pod.status?.phase as string | undefined
  const why = waiting ?? terminated ?? (phase && phase !== 'Running' ? `pod ${phase}` : undefined)
  return {restarts, notRunning: why ? `${why}${restarts > 0 ? `, ${restarts} restarts` : ''}` : undefined}
}

/*
 * Live collection: find Cilium, list its agents, visit them with bounded concurrency while the
 * cluster objects are read, and return everything as raw evidence for buildSnapshot.
 * An agent that cannot be read becomes agentErrors; the collection itself still completes.
 */
/** Where agent evidence goes as each agent finishes (the SnapshotBuilder), so raw outputs are not all held at once. */
export interface EvidenceSink {
  add(file: EvidenceFile): void
  agentError(agent: string, error: CollectionError): void
  skip(path: string, reason: string): void
}

export async function collectLive(opts: LiveOptions, sink?: EvidenceSink): Promise<Collected> {
  if (opts.namespace !== undefined) checkNamespace('--namespace', opts.namespace)
  for (const n of opts.nodes ?? []) checkNodeName('--node', n)
  const deadline = opts.deadlineSeconds === undefined ? undefined : Date.now() + opts.deadlineSeconds * 1000
  const kube = await connectKube({kubeconfig: opts.kubeconfig, context: opts.context, deadline})
  const c: Collected = emptyCollected('live', kube.server)
  if (kube.context) c.origin.context = kube.context
  const timeoutMs = opts.timeoutMs
  const ns = opts.namespace ?? await discoverNamespace(kube, timeoutMs, c) ?? 'kube-system'
  const listed = await agentPods(kube, ns, opts.selector, opts.nodes, timeoutMs)
  if (listed.length === 0) {
    const limits = [opts.nodes?.length ? `on node(s) ${opts.nodes.join(', ')}` : '', opts.selector ? `matching ${opts.selector}` : ''].filter(Boolean).join(' ')
    throw new InputError(`cluster ${kube.server}: no Cilium agent pods (k8s-app=cilium) in namespace ${ns}${limits ? ` ${limits}` : ''}`)
  }
  if (sink) c.sink = sink
  addFile(c, {path: 'pods', text: JSON.stringify({apiVersion: 'v1', kind: 'PodList', items: listed}, null, 1), kind: 'pods'})
  // what the fan-out needs of each pod: the whole objects (kilobytes each) are not held while it runs
  const pods = listed.map((p) => ({name: String(p.metadata?.name), ...containerState(p)}))
  for (const p of listed) {
    const name = String(p.metadata?.name)
    c.agents.push(name)
    if (p.spec?.nodeName) c.agentNodes[name] = String(p.spec.nodeName)
  }
  listed.length = 0

  let done = 0
  let failed = 0
  opts.progress?.(0, pods.length, 0)
  // one GET before the fan-out: encrypt status and bgp peers fail where their feature is off, so only asked where on
  const extra = featureCommands(await readCiliumConfig(kube, c, ns, timeoutMs))
  const cluster = readCluster(kube, c, ns, timeoutMs)
  const serviceLists = new RecentOutputs()
  const visits = await mapLimit(pods, opts.concurrency, async (cs) => {
    const name = cs.name
    const onFile = sink ? (f: EvidenceFile) => sink.add(f) : undefined
    const visit = await visitAgent(kube, ns, name, timeoutMs, {logs: true, previousLog: cs.restarts > 0, notRunning: cs.notRunning, serviceLists, extra, onFile})
    done++
    if (visit.errors.some((e) => e.kind !== 'missing')) failed++
    opts.progress?.(done, pods.length, failed)
    if (sink) {
      for (const f of visit.files) sink.add(f)
      for (const sk of visit.skipped) sink.skip(sk.path, sk.reason)
      for (const e of visit.errors) sink.agentError(name, e)
      return {name, visit: {files: [], skipped: [], errors: []}}
    }
    return {name, visit}
  })
  await cluster
  releaseOutputBuffers()
  delete c.sink // the collection is over: what follows reads `files`
  for (const {name, visit} of visits) {
    c.files.push(...visit.files)
    c.skipped.push(...visit.skipped)
    if (visit.errors.length > 0) c.agentErrors[name] = visit.errors
  }
  return c
}
