import {createHash} from 'node:crypto'
import {gzipSync} from 'node:zlib'
import {agentVersion, type K8sObject, type Scenario, type ScenarioAgent} from './scenario.js'

/*
 * The Kubernetes objects the simulator serves, built from a scenario and multiplied to N agents.
 * What a scenario does not hold is synthesized the way a Helm-installed Cilium would look:
 * a `cilium` DaemonSet, one Running pod per agent, a Helm release Secret from helm-values.yaml.
 */

export interface CrdCounts {
  ciliumEndpoints?: number
  ciliumEndpointSlices?: number
  ciliumIdentities?: number
}

export interface World {
  namespace: string
  agents: ScenarioAgent[] // after multiplication, with their final pod and node names
  /** resource → objects; namespaced objects carry metadata.namespace */
  objects: Map<string, K8sObject[]>
  crdCounts?: CrdCounts
  operatorLog?: string // served as the log of every pod labelled io.cilium/app=operator
}

const CREATED = '2026-01-01T00:00:00Z'

function uid(seed: string): string {
  const h = createHash('sha1').update(seed).digest('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`
}

function clone<T>(o: T): T {
  return structuredClone(o)
}

/** Agent i of n: the scenario's agent i mod k, renamed past the first k so names stay unique. */
export function multiplyAgents(base: ScenarioAgent[], n: number): ScenarioAgent[] {
  if (base.length === 0) return []
  const out: ScenarioAgent[] = []
  for (let i = 0; i < n; i++) {
    const b = base[i % base.length]
    const round = Math.floor(i / base.length)
    out.push(round === 0 ? b : {pod: `${b.pod}-${round}`, node: `${b.node}-${round}`, files: b.files})
  }
  return out
}

function baseOf(name: string, base: ScenarioAgent[], key: 'pod' | 'node'): string {
  const m = /^(.*)-(\d+)$/.exec(name)
  if (m && base.some((a) => a[key] === m[1])) return m[1]
  return name
}

function synthPod(a: ScenarioAgent, namespace: string, image: string): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: a.pod, namespace, uid: uid(`pod/${a.pod}`), creationTimestamp: CREATED,
      labels: {'k8s-app': 'cilium', 'app.kubernetes.io/name': 'cilium-agent', 'app.kubernetes.io/part-of': 'cilium'},
      ownerReferences: [{apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'cilium', uid: uid('ds/cilium'), controller: true}],
    },
    spec: {nodeName: a.node, containers: [{name: 'cilium-agent', image}], restartPolicy: 'Always'},
    status: {
      phase: 'Running',
      conditions: [{type: 'Ready', status: 'True'}, {type: 'ContainersReady', status: 'True'}],
      containerStatuses: [{name: 'cilium-agent', ready: true, started: true, restartCount: 0, image, imageID: image, state: {running: {startedAt: CREATED}}}],
    },
  }
}

function synthNode(name: string): K8sObject {
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: {name, uid: uid(`node/${name}`), creationTimestamp: CREATED, labels: {'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux'}},
    spec: {},
    status: {conditions: [{type: 'Ready', status: 'True'}], nodeInfo: {kernelVersion: '6.8.0', osImage: 'Ubuntu 24.04 LTS'}},
  }
}

function renamedPod(p: K8sObject, a: ScenarioAgent): K8sObject {
  const c = clone(p)
  c.metadata = {...c.metadata, name: a.pod, uid: uid(`pod/${a.pod}`)}
  c.metadata.labels = {...c.metadata.labels, 'k8s-app': 'cilium'}
  c.spec = {...c.spec, nodeName: a.node}
  return c
}

function renamedNode(n: K8sObject, name: string): K8sObject {
  const c = clone(n)
  c.metadata = {...c.metadata, name, uid: uid(`node/${name}`), labels: {...c.metadata?.labels, 'kubernetes.io/hostname': name}}
  return c
}

/** Helm's storage: base64(gzip(json(release))) as the Secret value; the API base64-encodes Secret data once more. */
export function helmReleaseSecret(namespace: string, values: Record<string, unknown>, chartVersion: string, revision = 1): K8sObject {
  const release = {
    name: 'cilium', namespace, version: revision,
    info: {status: 'deployed', first_deployed: CREATED, last_deployed: CREATED},
    chart: {metadata: {name: 'cilium', version: chartVersion, appVersion: chartVersion}, values: {}},
    config: values,
    manifest: '',
  }
  const helmValue = gzipSync(Buffer.from(JSON.stringify(release))).toString('base64')
  return {
    apiVersion: 'v1', kind: 'Secret', type: 'helm.sh/release.v1',
    metadata: {
      name: `sh.helm.release.v1.cilium.v${revision}`, namespace, uid: uid(`secret/helm/${revision}`), creationTimestamp: CREATED,
      labels: {owner: 'helm', name: 'cilium', status: 'deployed', version: String(revision)},
    },
    data: {release: Buffer.from(helmValue).toString('base64')},
  }
}

export function buildWorld(s: Scenario, n?: number, crdCounts?: CrdCounts): World {
  const ns = s.namespace
  const agents = n === undefined ? s.agents : multiplyAgents(s.agents, n)
  const version = s.agents.map((a) => agentVersion(a.files)).find(Boolean) ?? '1.18.0'
  const image = `quay.io/cilium/cilium:v${version}`

  const pods: K8sObject[] = []
  const scenarioPods = new Map(s.pods.map((p) => [String(p.metadata?.name), p]))
  for (const a of agents) {
    const given = scenarioPods.get(baseOf(a.pod, s.agents, 'pod'))
    pods.push(given ? (given.metadata?.name === a.pod ? withAgentLabel(given) : renamedPod(given, a)) : synthPod(a, ns, image))
  }
  const agentPods = new Set(s.agents.map((a) => a.pod))
  for (const p of s.pods) if (!agentPods.has(String(p.metadata?.name))) pods.push(p)
  for (const p of pods) p.metadata = {namespace: ns, ...p.metadata}

  const scenarioNodes = new Map(s.nodes.map((x) => [String(x.metadata?.name), x]))
  const nodes: K8sObject[] = []
  const seen = new Set<string>()
  for (const a of agents) {
    if (seen.has(a.node)) continue
    seen.add(a.node)
    const given = scenarioNodes.get(a.node) ?? scenarioNodes.get(baseOf(a.node, s.agents, 'node'))
    nodes.push(given ? (given.metadata?.name === a.node ? given : renamedNode(given, a.node)) : synthNode(a.node))
  }
  if (n === undefined) for (const x of s.nodes) if (!seen.has(String(x.metadata?.name))) nodes.push(x)

  const ds: K8sObject = {
    apiVersion: 'apps/v1', kind: 'DaemonSet',
    metadata: {name: 'cilium', namespace: ns, uid: uid('ds/cilium'), creationTimestamp: CREATED, labels: {'k8s-app': 'cilium'}},
    spec: {selector: {matchLabels: {'k8s-app': 'cilium'}}, template: {metadata: {labels: {'k8s-app': 'cilium'}}, spec: {containers: [{name: 'cilium-agent', image}]}}},
    status: {desiredNumberScheduled: agents.length, currentNumberScheduled: agents.length, numberReady: agents.length, numberAvailable: agents.length},
  }
  const objects = new Map<string, K8sObject[]>([
    ['pods', pods],
    ['nodes', nodes],
    ['daemonsets', [ds]],
    ['configmaps', s.configMap ? [{...s.configMap, metadata: {namespace: ns, ...s.configMap.metadata, name: 'cilium-config'}}] : []],
    ['secrets', s.helmValues ? [helmReleaseSecret(ns, s.helmValues, s.chartVersion ?? version)] : []],
    ['deployments', s.operator ? [{...s.operator, metadata: {namespace: ns, ...s.operator.metadata}}] : []],
    ['namespaces', [{apiVersion: 'v1', kind: 'Namespace', metadata: {name: ns}}]],
  ])
  // served as given (not multiplied with --nodes): only what the scenario holds, so a missing file is a CRD not installed
  for (const [resource, items] of Object.entries(s.ciliumObjects ?? {})) objects.set(resource, items)
  return {namespace: ns, agents, objects, crdCounts, operatorLog: s.operatorLog}
}

function withAgentLabel(p: K8sObject): K8sObject {
  if (p.metadata?.labels?.['k8s-app'] === 'cilium') return p
  const c = clone(p)
  c.metadata.labels = {...c.metadata.labels, 'k8s-app': 'cilium'}
  return c
}

/** Cilium CRDs served whole from scenario files: resource → [group/version, kind], cluster-scoped or not. */
export const CILIUM_OBJECTS: Record<string, {gv: string, kind: string, namespaced: boolean}> = {
  ciliumnodes: {gv: 'cilium.io/v2', kind: 'CiliumNode', namespaced: false},
  ciliumlocalredirectpolicies: {gv: 'cilium.io/v2', kind: 'CiliumLocalRedirectPolicy', namespaced: true},
  ciliumnodeconfigs: {gv: 'cilium.io/v2', kind: 'CiliumNodeConfig', namespaced: true},
}

/** The CRD kinds served for counts: resource → [group/version, kind]. */
export const CRDS: Record<string, {gv: string, kind: string, count: keyof CrdCounts}> = {
  ciliumendpoints: {gv: 'cilium.io/v2', kind: 'CiliumEndpoint', count: 'ciliumEndpoints'},
  ciliumidentities: {gv: 'cilium.io/v2', kind: 'CiliumIdentity', count: 'ciliumIdentities'},
  ciliumendpointslices: {gv: 'cilium.io/v2alpha1', kind: 'CiliumEndpointSlice', count: 'ciliumEndpointSlices'},
}

/** The first `limit` objects of a synthesized CRD list (items are only generated when asked for). */
export function crdItems(resource: string, total: number, from: number, limit: number, namespace: string): K8sObject[] {
  const crd = CRDS[resource]
  const out: K8sObject[] = []
  for (let i = from; i < Math.min(total, from + limit); i++) {
    const meta: K8sObject = {name: `${resource.replace(/s$/, '')}-${i}`, uid: uid(`${resource}/${i}`)}
    if (resource === 'ciliumendpoints') meta.namespace = 'default'
    out.push({apiVersion: crd.gv, kind: crd.kind, metadata: meta})
  }
  void namespace
  return out
}
