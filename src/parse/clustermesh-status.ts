import type {ClusterMeshStatus} from '../snapshot/schema.js'
import {splitLines, src} from './text.js'

/*
 * cilium-cli `cilium clustermesh status` (cilium-cli/clustermesh/clustermesh.go): emoji-led log lines.
 * - ✅ Service "clustermesh-apiserver" of type "LoadBalancer" found / ✅ Cluster access information is available: + "  - IP:port"
 * - ✅ Deployment clustermesh-apiserver is ready; ℹ️  KVStoreMesh is enabled|disabled (2024+); ✅ Cilium is configured with an external kvstore
 * - ✅ All N nodes are connected to all clusters [min:a / avg:b / max:c], or ⚠️  X/Y nodes are not connected …; the same for
 *   "KVStoreMesh replicas"
 * - 🔌 Cluster Connections: then "  - c2: 3/3 configured, 3/3 connected[ - KVStoreMesh: 1/1 configured, 1/1 connected]"
 *   (0.x printed "- c2: …" at column 0), or 🔌 No cluster connected; 0.x added 🔀 Global services: [ min / avg / max ]
 * - ❌ N Errors: then "  ❌ POD is not connected to cluster C: MSG" and "     💡 …" hints
 * - ⌛ Waiting (12s) for deployment clustermesh-apiserver to become ready: only 0 of 1 replicas are available (--wait)
 * - on failure, stderr: "Error: Unable to determine status:  deployment clustermesh-apiserver is not ready: …"
 */

const SERVICE = /Service "clustermesh-apiserver" of type "(\w+)" found/
const DEPLOY_READY = /Deployment clustermesh-apiserver is ready/
const KVSTOREMESH = /KVStoreMesh is (enabled|disabled)/
const EXTERNAL = /Cilium is configured with an external kvstore/
const ALL = /All (\d+) (nodes|KVStoreMesh replicas) are connected to all clusters/
const SOME = /(\d+)\/(\d+) (nodes|KVStoreMesh replicas) are not connected to all clusters/
const CLUSTER = /^\s*- ([\w.-]+): (\d+)\/(\d+) configured, (\d+)\/\d+ connected(?: - KVStoreMesh: (?:(\d+)\/(\d+) configured, (\d+)\/\d+ connected|status not available))?\s*$/
const NONE = /No cluster connected/
const ERROR = /❌ (\S+) is not connected to cluster ([\w.-]+): (.*)$/
const WAITING = /⌛ (Waiting .*)$/
const FAILURE = /^(?:Error: )?(Unable to determine status:\s+.*)$/

export function parseClusterMeshStatus(text: string, file: string): ClusterMeshStatus {
  const lines = splitLines(text)
  const first = lines.findIndex((l) => l.trim() !== '')
  const out: ClusterMeshStatus = {clusters: [], errors: [], waiting: [], src: src(file, first + 1, lines[first] ?? '')}
  lines.forEach((l, i) => {
    const at = () => src(file, i + 1, l)
    const t = l.trim()
    let m: RegExpExecArray | null
    if ((m = SERVICE.exec(t))) out.serviceType = m[1]
    else if (DEPLOY_READY.test(t)) out.apiserverReady = true
    else if ((m = KVSTOREMESH.exec(t))) out.kvstoremesh = m[1] as 'enabled' | 'disabled'
    else if (EXTERNAL.test(t)) out.externalKvstore = true
    else if ((m = ALL.exec(t))) readiness(out, m[2], {notConnected: 0, total: Number(m[1]), src: at()})
    else if ((m = SOME.exec(t))) readiness(out, m[3], {notConnected: Number(m[1]), total: Number(m[2]), src: at()})
    else if ((m = CLUSTER.exec(l))) {
      out.clusters.push({
        name: m[1], configured: Number(m[2]), total: Number(m[3]), connected: Number(m[4]),
        ...(m[5] ? {kvstoremesh: {configured: Number(m[5]), total: Number(m[6]), connected: Number(m[7])}} : {}),
        src: at(),
      })
    } else if (NONE.test(t)) out.noClusterConnected = at()
    else if ((m = ERROR.exec(t))) out.errors.push({pod: m[1], cluster: m[2], message: m[3], src: at()})
    else if ((m = WAITING.exec(t))) out.waiting.push({text: m[1], src: at()})
    else if ((m = FAILURE.exec(t))) out.failure ??= {text: m[1], src: at()}
  })
  return out
}

function readiness(out: ClusterMeshStatus, what: string, r: NonNullable<ClusterMeshStatus['nodes']>): void {
  if (what === 'nodes') out.nodes = r
  else out.kvstoremeshReplicas = r
}

/** Two of the lines only `cilium clustermesh status` prints. */
/**
 * Marks of `cilium clustermesh status`, each with words it cannot match without: every captured file is
 * asked, and the patterns (one searching from every line start) are run only on a head holding their words.
 */
const MARKS: Array<[string, RegExp]> = [
  ['clustermesh-apiserver" of type "', /Service "clustermesh-apiserver" of type "\w+" found/],
  ['Deployment clustermesh-apiserver is ready', /Deployment clustermesh-apiserver is ready/],
  ['Cluster access information is available:', /Cluster access information is available:/],
  ['connected to all clusters [min:', /(nodes|KVStoreMesh replicas) are (not )?connected to all clusters \[min:/],
  ['🔌 ', /🔌 (Cluster Connections:|No cluster connected)/],
  [' configured, ', /^\s*- [\w.-]+: \d+\/\d+ configured, \d+\/\d+ connected/m],
  ['Unable to determine status:', /Unable to determine status:\s+.*clustermesh/],
  ['for deployment clustermesh-apiserver to become ready', /for deployment clustermesh-apiserver to become ready/],
  ['KVStoreMesh is ', /KVStoreMesh is (enabled|disabled)/],
]

export function looksLikeClusterMeshStatus(head: string): boolean {
  let marks = 0
  for (const [words, re] of MARKS) if (head.includes(words) && re.test(head) && ++marks >= 2) return true
  return false
}
