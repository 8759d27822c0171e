import {existsSync, readdirSync, readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {parse as parseYaml} from 'yaml'

/*
 * A scenario directory (fixtures/synthetic-*, layout in fixtures/README.md) read into the objects
 * the simulated API server serves. Cluster files are optional; one directory per agent pod holds
 * what its exec commands print. What a scenario lacks is synthesized in objects.ts.
 */

export type K8sObject = Record<string, any>  

export interface AgentFiles {
  status?: string
  serviceList?: string
  mapList?: string
  metricsProm?: string // Prometheus exposition (metrics.prom)
  metricsList?: string // `metrics list` output as saved (metrics-list.txt), served verbatim
  encryptStatus?: string // `cilium-dbg encrypt status` (encrypt-status.txt)
  bgpPeers?: string // `cilium-dbg bgp peers` (bgp-peers.txt)
  log?: string
  previousLog?: string // log of the previous container (a restarted agent)
}

export interface ScenarioAgent {
  pod: string
  node: string
  files: AgentFiles
}

export interface Scenario {
  name: string
  namespace: string
  configMap?: K8sObject
  helmValues?: Record<string, unknown>
  chartVersion?: string
  nodes: K8sObject[]
  pods: K8sObject[] // pods.yaml items, as given
  operator?: K8sObject
  /** cilium-operator.log: what every operator pod's cilium-operator container prints */
  operatorLog?: string
  /** Cilium objects served whole, by resource (ciliumnodes.yaml …); a resource absent here is a CRD not installed */
  ciliumObjects?: Record<string, K8sObject[]>
  agents: ScenarioAgent[]
}

/** Cilium objects a scenario may hold, one file each (kubectl get <resource> -A -o yaml). */
export const CILIUM_OBJECT_FILES: Record<string, string> = {
  ciliumnodes: 'ciliumnodes.yaml',
  ciliumlocalredirectpolicies: 'ciliumlocalredirectpolicies.yaml',
  ciliumnodeconfigs: 'ciliumnodeconfigs.yaml',
}

const AGENT_FILES: Record<string, keyof AgentFiles> = {
  'status.txt': 'status',
  'service-list.txt': 'serviceList',
  'map-list.txt': 'mapList',
  'metrics.prom': 'metricsProm',
  'metrics-list.txt': 'metricsList',
  'encrypt-status.txt': 'encryptStatus',
  'bgp-peers.txt': 'bgpPeers',
  'cilium-agent.log': 'log',
  'cilium-agent-previous.log': 'previousLog',
}

function readOpt(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined
}

function yamlOpt(path: string): unknown {
  const text = readOpt(path)
  return text === undefined ? undefined : parseYaml(text, {maxAliasCount: -1})
}

/** Items of a List / NodeList / PodList, a bare array, or a single object. */
export function itemsOf(doc: unknown): K8sObject[] {
  if (!doc || typeof doc !== 'object') return []
  if (Array.isArray(doc)) return doc.filter((x) => x && typeof x === 'object') as K8sObject[]
  const o = doc as K8sObject
  if (Array.isArray(o.items)) return o.items as K8sObject[]
  return typeof o.kind === 'string' ? [o] : []
}

function toConfigMap(doc: unknown, namespace: string): K8sObject | undefined {
  if (!doc || typeof doc !== 'object') return undefined
  const o = doc as K8sObject
  if (o.kind === 'ConfigMap') return o
  // a bare map of keys: wrap it as kubectl would print the ConfigMap
  const data: Record<string, string> = {}
  for (const [k, v] of Object.entries(o)) data[k] = typeof v === 'string' ? v : JSON.stringify(v)
  return {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'cilium-config', namespace}, data}
}

function isAgentDir(dir: string): boolean {
  return Object.keys(AGENT_FILES).some((f) => existsSync(join(dir, f)))
}

export function loadScenario(dir: string): Scenario {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`scenario ${dir}: not a directory`)
  const cmDoc = yamlOpt(join(dir, 'cilium-config.yaml'))
  const pods = itemsOf(yamlOpt(join(dir, 'pods.yaml')))
  const namespace = String((cmDoc as K8sObject | undefined)?.metadata?.namespace ?? pods.find((p) => p.metadata?.namespace)?.metadata?.namespace ?? 'kube-system')
  const nodes = itemsOf(yamlOpt(join(dir, 'nodes.yaml'))).filter((n) => n.kind === undefined || n.kind === 'Node')
  const operatorDoc = yamlOpt(join(dir, 'operator.yaml')) as K8sObject | undefined
  // `helm get values` prints a "USER-SUPPLIED VALUES:" header line before the YAML
  const helmText = readOpt(join(dir, 'helm-values.yaml'))?.replace(/^USER-SUPPLIED VALUES:[^\n]*\n/, '')
  const helmDoc = helmText === undefined ? undefined : parseYaml(helmText, {maxAliasCount: -1})
  const agentDirs = readdirSync(dir).filter((d) => statSync(join(dir, d)).isDirectory() && isAgentDir(join(dir, d))).sort()
  const agents = agentDirs.map((pod, i): ScenarioAgent => {
    const files: AgentFiles = {}
    for (const [file, key] of Object.entries(AGENT_FILES)) {
      const text = readOpt(join(dir, pod, file))
      if (text !== undefined) files[key] = text
    }
    const fromPods = pods.find((p) => p.metadata?.name === pod)?.spec?.nodeName as string | undefined
    // one agent per node, as a DaemonSet runs: agents beyond the listed nodes get nodes of their own
    const node = fromPods ?? nodes[i]?.metadata?.name ?? `node-${i}`
    return {pod, node, files}
  })
  const name = dir.replace(/\/+$/, '').split('/').pop() ?? dir
  const ciliumObjects: Record<string, K8sObject[]> = {}
  for (const [resource, file] of Object.entries(CILIUM_OBJECT_FILES)) {
    const doc = yamlOpt(join(dir, file))
    if (doc !== undefined) ciliumObjects[resource] = itemsOf(doc)
  }
  return {
    name,
    namespace,
    configMap: toConfigMap(cmDoc, namespace),
    helmValues: helmDoc && typeof helmDoc === 'object' && !Array.isArray(helmDoc) ? helmDoc as Record<string, unknown> : undefined,
    nodes,
    pods,
    operator: operatorDoc?.kind === 'Deployment' ? operatorDoc : undefined,
    operatorLog: readOpt(join(dir, 'cilium-operator.log')),
    ciliumObjects,
    agents,
  }
}

/** The Cilium version an agent reports in its status ("Cilium: Ok 1.18.7 (v1.18.7-abc)"). */
export function agentVersion(files: AgentFiles): string | undefined {
  return /^Cilium:\s+\S+\s+v?(\d+\.\d+\.\d+[^\s(]*)/m.exec(files.status ?? '')?.[1]
}
