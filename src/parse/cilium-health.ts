import type {AgentStatus, SourceRef} from '../snapshot/schema.js'
import {splitLines, src} from './text.js'

/*
 * `cilium-health status` (and `--probe`, `--verbose`): a tree of nodes, each with "Host connectivity to IP:"
 * and "Endpoint connectivity to IP:" blocks whose probe lines read "ICMP to stack:   OK, RTT=…" or an error
 * ("Connection timed out"). It is read into the same cluster-health shape as `cilium-dbg status`, so the
 * unreachable-nodes rule judges both.
 */

const PROBE_TIME = /^Probe time:\s+(\S+)/
// pasted trees lose a leading space now and then (a markdown quote): a node at indent 1-2, blocks and probes deeper
const NODE = /^ {1,2}(\S+?)( \(localhost\))?:\s*$/
// `--verbose` lists secondary addresses under the host or endpoint block they belong to
const BLOCK = /^ {3,6}(Host|Endpoint|Secondary) connectivity to (\S+?):\s*$/
// 1.0-era trees print "ICMP:" and "HTTP via L3:"; later ones "ICMP to stack:" and "HTTP to agent:"
const PROBE = /^ {5,}(ICMP to stack|HTTP to agent|HTTP to endpoint|ICMP|HTTP via L3):\s+(.*)$/
// `cilium-health status [--probe]` when the health daemon does not answer: the one line it prints
const CLIENT_ERROR = /^(?:Error: )?(Cannot get status(?:\/probe)?: .*)$/

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
  let failure: {text: string, src: SourceRef} | undefined
  lines.forEach((l, i) => {
    if (PROBE_TIME.test(l)) header ??= src(file, i + 1, l)
    const e = CLIENT_ERROR.exec(l.trim())
    if (e) failure ??= {text: e[1], src: src(file, i + 1, l)}
    const n = NODE.exec(l)
    if (n) {
      nodes.push({name: n[1], localhost: Boolean(n[2]), ips: [], host: [], endpoint: [], src: src(file, i + 1, l)})
      block = undefined
      return
    }
    const cur = nodes[nodes.length - 1]
    const b = BLOCK.exec(l)
    if (b && cur) {
      if (b[1] === 'Secondary' && !block) return
      if (b[1] !== 'Secondary') block = b[1] as 'Host' | 'Endpoint'
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
  // the daemon did not answer: nothing was probed, which the health rule reports as a daemon that is not Ok
  if (failure && nodes.length === 0) {
    return {format: 'text', verbose: true, earlyExit: false, unrecognized: [],
      clusterHealth: {text: failure.text, src: failure.src, nodes: []}}
  }
  return toStatus(nodes, header ?? src(file, 1, lines[0] ?? ''))
}

export function looksLikeCiliumHealth(head: string): boolean {
  if (head.includes('Probe time:') && /^Probe time:\s+\S+/m.test(head) && /^Nodes:\s*$/m.test(head)) return true
  // the client's error alone, maybe after kubectl's "Defaulted container" and "command terminated" lines:
  // at most four non-empty lines, so a longer head is not split whole to find that out
  const lines: string[] = []
  for (let from = 0; from <= head.length;) {
    const nl = head.indexOf('\n', from)
    const end = nl < 0 ? head.length : nl
    const l = head.slice(from, end).trim()
    if (l !== '') {
      if (lines.length === 4) return false
      lines.push(l)
    }
    from = end + 1
  }
  return lines.some((l) => CLIENT_ERROR.test(l) && /health\.sock|status\/probe|v1beta\/status/.test(l))
}
