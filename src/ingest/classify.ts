import {looksLikeAgentLog} from '../parse/agent-log.js'
import {looksLikeBgpPeers} from '../parse/bgp-peers.js'
import {looksLikeCiliumHealth} from '../parse/cilium-health.js'
import {looksLikeClusterMeshStatus} from '../parse/clustermesh-status.js'
import {looksLikeConfigMap} from '../parse/configmap.js'
import {looksLikeControllerRows} from '../parse/controller-rows.js'
import {looksLikeEncryptStatus} from '../parse/encrypt-status.js'
import {encryptionObject} from '../parse/encrypt-status-json.js'
import {looksLikeEndpointList} from '../parse/endpoint-list.js'
import {looksLikeCiliumTable} from '../parse/kubectl-cilium-tables.js'
import {looksLikeKubectlNodesTable} from '../parse/kubectl-nodes-table.js'
import {looksLikeDescribePod} from '../parse/pod-describe.js'
import {looksLikeHelmValues} from '../parse/helm-values.js'
import {looksLikeMapList} from '../parse/map-list.js'
import {looksLikeMetrics} from '../parse/metrics.js'
import {looksLikeNodeList} from '../parse/nodes.js'
import {looksLikeNodeListTable} from '../parse/node-list.js'
import {looksLikeKubectlPodsTable} from '../parse/kubectl-pods-table.js'
import {looksLikePodList} from '../parse/pods.js'
import {looksLikeServiceList} from '../parse/service-list.js'
import {dedent} from '../parse/text.js'
import type {EvidenceKind} from './evidence.js'

const HEAD = 16_384
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g

/** cilium-cli `cilium status`: its logo block, workload rows, pod count or per-pod error rows. */
const CLI_STATUS = [
  /^\s*(DaemonSet|Deployment)\s+cilium(-operator)?\s+Desired:/m,
  /^\s*Cluster Pods:\s+\d+\/\d+ managed by Cilium/m,
  /^[\s/¯\\_]*\s(Cilium|Operator):\s+(OK|disabled|\d+ errors?|\d+ warnings?)(, \d+ warnings?)?\s*$/m,
  /^Errors:\s+cilium(-operator|-envoy)?\s{2,}cilium-\S+\s{2,}\S/m,
]

/** A word every CLI_STATUS pattern needs: the patterns, searching 16 KB from every line start, run only then. */
function mayBeCliStatus(head: string): boolean {
  return head.includes('Desired:') || head.includes('managed by Cilium') || head.includes('Cilium:') || head.includes('Operator:') || head.includes('Errors:')
}

/**
 * Status text: "Cilium:" and at least one other of the labels every `cilium status` prints, at line starts.
 * Two searches that stop at their first hit, rather than collecting every label of a 16 KB head.
 */
const CILIUM_LABEL = /^Cilium:\s/m
const OTHER_STATUS_LABEL = /^(KVStore|Kubernetes|KubeProxyReplacement|NodeMonitor|Cilium health daemon|IPAM|Controller Status|Proxy Status|Cluster health|Host Routing|Routing|Masquerading|BPF Maps|Modules Health):\s/m

/**
 * A piece of `cilium status` pasted on its own (`| grep -A5 "Cluster health"`, one section of a ticket):
 * two or more status labels, or a section header that starts the text, or a Modules Health tree.
 */
const FRAGMENT_LABELS = /^\s{0,2}(KVStore|Kubernetes|Kubernetes APIs|KubeProxyReplacement|KubeProxyReplacement Details|Host firewall|CNI Chaining|NodeMonitor|Cilium health daemon|IPAM|ClusterMesh|IPv[46] BIG TCP|BandwidthManager|Host Routing|Routing|Attach Mode|Device Mode|Masquerading|Controller Status|Proxy Status|Global Identity Range|Hubble|BPF Maps|Encryption|Cluster health|Modules Health):\s/gm
const SECTION_START = /^\s*(Cluster health|BPF Maps|Modules Health|Controller Status|KubeProxyReplacement Details|ClusterMesh):/
const TREE_LEAF = /^[\s│]*[├└]── .*\[(OK|DEGRADED|STOPPED)\] /m

export function looksLikeStatusFragment(head: string): boolean {
  const labels = new Set<string>()
  for (const m of head.matchAll(FRAGMENT_LABELS)) {
    labels.add(m[1])
    if (labels.size >= 2) return true
  }
  const first = head.split('\n', 20).filter((l) => l.trim() !== '' && l.trim() !== '...').slice(0, 2)
  return first.some((l) => SECTION_START.test(l)) || (head.includes('── ') && TREE_LEAF.test(head))
}

/** Keys only the agent's StatusResponse has (alphabetical, so a cut-short dump still shows the first ones). */
const STATUS_JSON_KEYS = /^ {2}"(attach-mode|auth-certificate-provider|bandwidth-manager|bpf-maps|cilium|client-id|cluster|cluster-mesh|controllers|datapath-mode|encryption|host-firewall|hubble|identity-range|ipam|ipv4-big-tcp|kube-proxy-replacement|kubernetes|kvstore|masquerading|node-monitor|proxy|routing|stale)": /gm

function looksLikeStatusJson(head: string): boolean {
  const keys = new Set<string>()
  for (const m of head.matchAll(STATUS_JSON_KEYS)) {
    keys.add(m[1])
    if (keys.size >= 3) return true
  }
  return false
}

function jsonKind(text: string): EvidenceKind | undefined {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch {
    return undefined // not (complete) JSON: let the text detectors decide
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return undefined
  const o = doc as Record<string, unknown>
  if (o.schemaVersion === 1 && Array.isArray(o.agents) && typeof o.cluster === 'object') return 'snapshot'
  if (o.ciltuneCollectionErrors === 1 || (typeof o.agents === 'object' && !Array.isArray(o.agents) && Array.isArray(o.cluster))) return 'collection-errors'
  if ('cilium' in o && ('controllers' in o || 'kubernetes' in o || 'ipam' in o || 'kvstore' in o)) return 'status-json'
  if (encryptionObject(o)) return 'encrypt-status' // encrypt status -o json, debuginfo JSON or its "encryption"
  return undefined
}

/**
 * The Kubernetes kind of a kubectl dump, looking through `kind: List` to its items' kind.
 * kubectl prints the top-level kind last (`-o yaml` at column 0, `-o json` as the last key), so scan the whole text.
 */
export function kubeKind(text: string): string | undefined {
  if (!text.includes('kind')) return undefined // every pattern below needs the word: a log is not scanned three times
  const top = /^kind: *"?([A-Za-z]+)"?\s*$/m.exec(text)?.[1] ?? /^ {2}"kind": "([A-Za-z]+)"/m.exec(text)?.[1] ??
    /^\{\s*"kind"\s*:\s*"([A-Za-z]+)"/.exec(text.trimStart())?.[1]
  if (top !== 'List') return top
  const item = /^ {2,6}"?kind"?: *"?([A-Za-z]+)"?,?\s*$/m.exec(text)?.[1]
  return item ? `${item}List` : top
}

function looksLikeStatusText(head: string): boolean {
  return head.includes('Cilium:') && CILIUM_LABEL.test(head) && OTHER_STATUS_LABEL.test(head) && !(head.includes('Cluster Pods:') && /^\s*Cluster Pods:/m.test(head))
}

/**
 * The kinds a file name can suggest (name-hints.ts), each with the test that confirms it from the content,
 * including the kinds that look alike and win over it in classify's order (a pod description quoting status
 * lines, a cilium-health error read as a log line).
 */
const CONFIRM: Partial<Record<EvidenceKind, (head: string) => boolean>> = {
  'status-text': (head) => !looksLikeDescribePod(head) && looksLikeStatusText(head),
  'service-list': looksLikeServiceList,
  'map-list': looksLikeMapList,
  'metrics': looksLikeMetrics,
  'agent-log': (head) => !looksLikeCiliumHealth(head) && looksLikeAgentLog(head),
  'encrypt-status': looksLikeEncryptStatus,
  'bgp-peers': looksLikeBgpPeers,
}

function headOf(text: string): string {
  const cut = text.slice(0, HEAD)
  return dedent(cut.includes('\x1b') ? cut.replace(ANSI, '') : cut)
}

function confirmsHead(head: string, expected: EvidenceKind): boolean {
  const confirm = CONFIRM[expected]
  return confirm !== undefined && !head.trimStart().startsWith('{') && confirm(head)
}

/**
 * Whether classify(text, expected) answers `expected` by its first test, read from the first bytes of
 * the text alone: then a file need not be decoded whole to be recognized. False means: classify the
 * whole text (it may still be that kind).
 */
export function confirmedByHead(bytes: Buffer, expected: EvidenceKind): boolean {
  const n = Math.min(bytes.length, HEAD)
  let head = bytes.toString('utf8', 0, n)
  // not HEAD characters ending on a whole one: HEAD characters take at most 4 bytes each, and a character cut at
  // the end decodes beyond HEAD and is sliced off (most heads are ASCII: decoding 64 KiB of a status each time is not)
  if (n < bytes.length && (head.length < HEAD || bytes[n - 1] >= 0x80)) head = bytes.toString('utf8', 0, Math.min(bytes.length, HEAD * 4))
  return confirmsHead(headOf(head), expected)
}

/**
 * What a file holds, judged by its content and never by its name: a status dump saved as `x.out` is still a
 * status dump. `expected`, the kind a file's name suggests (`service-list.txt` as collect writes it), is only
 * tried first: the content must confirm it, or every kind is tried in order as for any file. Confirming it
 * first spares the twenty detectors ahead of it (most of classifying a 1000-agent capture).
 */
export function classify(text: string, expected?: EvidenceKind): EvidenceKind | undefined {
  const head = headOf(text)
  const trimmed = head.trimStart()
  if (expected && confirmsHead(head, expected)) return expected
  // a Kubernetes object (kubectl writes apiVersion first) is none of the JSON kinds: a 30 MB list is not parsed here
  if (trimmed.startsWith('{') && !/^\{\s*"apiVersion"\s*:/.test(trimmed)) {
    const k = jsonKind(text)
    if (k) return k
  }
  // before status: a probe's status output inside an event message has status labels at line starts
  if (looksLikeDescribePod(head)) return 'pod-describe'
  if (looksLikeStatusText(head)) return 'status-text'
  if (mayBeCliStatus(head) && CLI_STATUS.some((re) => re.test(head))) return 'cli-status'
  if (looksLikeClusterMeshStatus(head)) return 'clustermesh-status'
  if (trimmed.startsWith('{') && looksLikeStatusJson(head)) return 'status-json' // cut short: not valid JSON
  if (looksLikeEncryptStatus(head)) return 'encrypt-status'
  if (looksLikeStatusFragment(head)) return 'status-text'
  if (looksLikeEndpointList(head)) return 'endpoint-list'
  if (looksLikeBgpPeers(head)) return 'bgp-peers'
  if (looksLikeNodeListTable(head)) return 'node-list'
  if (looksLikeCiliumTable(head)) return 'cilium-tables'
  if (looksLikeKubectlNodesTable(head)) return 'nodes-table'
  if (looksLikeServiceList(head)) return 'service-list'
  if (looksLikeMapList(head)) return 'map-list'
  if (looksLikeMetrics(head)) return 'metrics'
  if (looksLikeKubectlPodsTable(head)) return 'pods-table'
  if (looksLikeCiliumHealth(head)) return 'cilium-health'
  const kind = kubeKind(text)
  if (kind === 'Secret' && /sh\.helm\.release\.v1/.test(head)) return 'helm-release'
  if (kind === 'Deployment' && /cilium-operator/.test(head)) return 'operator'
  if (kind && /^Cilium[A-Za-z]+List$/.test(kind)) return 'cilium-resources'
  if (looksLikeConfigMap(head)) return 'configmap'
  if (looksLikeNodeList(head)) return 'nodes'
  if (looksLikePodList(head)) return 'pods'
  if (looksLikeHelmValues(head)) return 'helm-values'
  if (looksLikeAgentLog(head)) return 'agent-log'
  if (looksLikeControllerRows(head)) return 'controller-rows'
  return undefined
}

/** Kinds that describe one agent; the rest describe the cluster. */
export const AGENT_KINDS: ReadonlySet<EvidenceKind> = new Set([
  'status-text', 'status-json', 'service-list', 'map-list', 'metrics', 'agent-log', 'cilium-health',
  'endpoint-list', 'encrypt-status', 'controller-rows', 'bgp-peers', 'node-list',
])
