import type {BgpPeer} from '../snapshot/schema.js'
import {columnsOf} from './kubectl-table.js'
import {splitLines, src} from './text.js'

/*
 * `cilium bgp peers` (cilium-cli, a Node column first, "Session State") and `cilium-dbg bgp peers` in an agent
 * (no Node column; "Session State" up to 1.16, "Session" after), tabwriter tables of one row per peer and one
 * continuation row per further address family (Family, Received, Advertised only). Shapes:
 * https://github.com/cilium/cilium/pull/30506 (docs, cilium-cli), https://github.com/cilium/cilium/issues/39861
 * (1.17/1.18 agent), https://github.com/cilium/cilium-cli/pull/1500 and https://github.com/cilium/cilium/pull/24612.
 * Session states are gobgp's: idle, connect, active, opensent, openconfirm, established.
 */

const HEADER = /^\s*(Node\s{2,})?Local AS\s{2,}Peer AS\s{2,}Peer Address\s{2,}Session( State)?\s{2,}Uptime\b/

export function looksLikeBgpPeers(head: string): boolean {
  return head.split('\n', 40).some((l) => HEADER.test(l))
}

function peerOf(c: Record<string, string>, node: string | undefined, at: BgpPeer['src']): BgpPeer | undefined {
  const localAsn = Number(c['Local AS'])
  const peerAsn = Number(c['Peer AS'])
  const state = (c['Session State'] ?? c.Session)?.toLowerCase()
  if (!Number.isSafeInteger(localAsn) || !Number.isSafeInteger(peerAsn) || !c['Peer Address'] || !state) return undefined
  return {...(node ? {node} : {}), localAsn, peerAsn, peerAddress: c['Peer Address'], state, uptime: c.Uptime ?? '', src: at}
}

/** Cells by position in the row: every value is one word, so words map to the header's columns in order (a pasted
 * table whose columns drifted by a space still reads). */
function byWords(words: string[], names: string[]): Record<string, string> {
  return Object.fromEntries(names.map((n, i) => [n, words[i] ?? '']))
}

/** Every peer row; rows that are neither a peer nor a family continuation are returned as `unrecognized` lines. */
export function parseBgpPeers(text: string, file: string): {peers: BgpPeer[], unrecognized: number[]} {
  const peers: BgpPeer[] = []
  const unrecognized: number[] = []
  let names: string[] | undefined
  let node: string | undefined
  splitLines(text).forEach((l, i) => {
    if (HEADER.test(l)) {
      names = columnsOf(l).map((c) => c.name)
      return
    }
    if (!names || l.trim() === '') return
    const words = l.trim().split(/\s+/)
    // a continuation row: another family of the peer above (Family, Received, Advertised)
    if (words.length === 3 && /^[a-z0-9]+\/[a-z0-9-]+$/.test(words[0])) return
    const hasNode = names[0] === 'Node'
    // cilium-cli may print a node's name only on its first peer
    if (hasNode && words.length === names.length - 1) words.unshift(node ?? '')
    const c = words.length === names.length ? byWords(words, names) : {}
    if (hasNode && c.Node) node = c.Node
    const p = peerOf(c, hasNode ? node : undefined, src(file, i + 1, l))
    if (p) peers.push(p)
    else unrecognized.push(i + 1)
  })
  return {peers, unrecognized}
}
