import type {AgentStatus, SourceRef} from '../snapshot/schema.js'
import {splitLines, src} from './text.js'

/*
 * `cilium-health status` (and `--probe`, `--verbose`): a tree of nodes, each with "Host connectivity to IP:"
 * and "Endpoint connectivity to IP:" blocks whose probe lines read "ICMP to stack:   OK, RTT=…" or an error
 * ("Connection timed out"). It is read into the same cluster-health shape as `cilium-dbg status`, so the
 * unreachable-nodes rule judges both.
 */

const PROBE_TIME = /^Probe time:\s+(\S+)/
const NODE = /^ {2}(\S+?)( \(localhost\))?:\s*$/
const BLOCK = /^ {4}(Host|Endpoint) connectivity to (\S+?):\s*$/
const PROBE = /^ {6}(ICMP to stack|HTTP to agent|HTTP to endpoint):\s+(.*)$/

interface NodeAcc {name: string, localhost: boolean, ips: string[], host: boolean[], endpoint: boolean[], src: SourceRef}

function summary(oks: boolean[]): string {
  return `${oks.filter(Boolean).length}/${oks.length}`
}

function toStatus(nodes: NodeAcc[], header: SourceRef): AgentStatus {
  const rows = nodes.map((n) => ({
    name: n.name,
    localhost: n.localhost,
    ips: n.ips,
    host: summary(n.host),
    endpoints: summary(n.endpoint),
    // a node with no probe line of a kind was not probed that way: not counted as a failure
    hostOk: n.host.every(Boolean),
    endpointsOk: n.endpoint.every(Boolean),
    src: n.src,
  }))
  const reachable = rows.filter((r) => r.hostOk && r.endpointsOk).length
  return {
    format: 'text', verbose: true, earlyExit: false, unrecognized: [],
    clusterHealth: {reachable, total: rows.length, text: `${reachable}/${rows.length} reachable (cilium-health status)`, src: header, nodes: rows},
  }
}

export function parseCiliumHealth(text: string, file: string): AgentStatus {
  const lines = splitLines(text)
  const nodes: NodeAcc[] = []
  let header: SourceRef | undefined
  let block: 'Host' | 'Endpoint' | undefined
  lines.forEach((l, i) => {
    if (PROBE_TIME.test(l)) header ??= src(file, i + 1, l)
    const n = NODE.exec(l)
    if (n) {
      nodes.push({name: n[1], localhost: Boolean(n[2]), ips: [], host: [], endpoint: [], src: src(file, i + 1, l)})
      block = undefined
      return
    }
    const cur = nodes[nodes.length - 1]
    const b = BLOCK.exec(l)
    if (b && cur) {
      block = b[1] as 'Host' | 'Endpoint'
      if (!cur.ips.includes(b[2])) cur.ips.push(b[2])
      return
    }
    const p = PROBE.exec(l)
    if (p && cur && block) {
      const ok = /^OK\b/.test(p[2])
      ;(block === 'Host' ? cur.host : cur.endpoint).push(ok)
      // the failing probe line is the evidence that matters
      if (!ok) cur.src = src(file, i + 1, l)
    }
  })
  return toStatus(nodes, header ?? src(file, 1, lines[0] ?? ''))
}

export function looksLikeCiliumHealth(head: string): boolean {
  return /^Probe time:\s+\S+/m.test(head) && /^Nodes:\s*$/m.test(head)
}
