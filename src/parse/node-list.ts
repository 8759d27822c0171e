import type {KnownNode} from '../snapshot/schema.js'
import {splitLines, src} from './text.js'

/*
 * `cilium-dbg node list` (cilium-dbg/cmd/node_list.go): a tabwriter table, sorted by name, with the header
 * "Name  IPv4 Address  Endpoint CIDR  IPv6 Address  Endpoint CIDR", plus "Source" from 1.15 (PR #29196:
 * local, custom-resource, kvstore, clustermesh). Empty cells are blanks, so the header's column starts place
 * each value; agents before 1.6 or so printed "<nil>" for an absent address. Under Cluster Mesh names carry
 * their cluster ("cluster-1/node-a").
 */

const HEADER = /^Name\s+IPv4 Address\s+Endpoint CIDR\s+IPv6 Address\s+Endpoint CIDR(\s+Source)?\s*$/
const COLUMNS = ['Name', 'IPv4 Address', 'Endpoint CIDR', 'IPv6 Address', 'Endpoint CIDR', 'Source'] as const

function columnStarts(header: string): number[] {
  const starts: number[] = []
  let from = 0
  for (const c of COLUMNS) {
    const at = header.indexOf(c, from)
    if (at < 0) break
    starts.push(at)
    from = at + c.length
  }
  return starts
}

function cell(line: string, starts: number[], i: number): string | undefined {
  const v = line.slice(starts[i], i + 1 < starts.length ? starts[i + 1] : undefined).trim()
  return v === '' || v === '<nil>' ? undefined : v
}

export function parseNodeList(text: string, file: string): KnownNode[] {
  const lines = splitLines(text)
  const h = lines.findIndex((l) => HEADER.test(l.trim()))
  if (h < 0) throw new Error('expected the "Name   IPv4 Address   Endpoint CIDR …" header of cilium-dbg node list')
  const indent = lines[h].length - lines[h].trimStart().length
  const starts = columnStarts(lines[h].slice(indent))
  const out: KnownNode[] = []
  for (let i = h + 1; i < lines.length; i++) {
    const raw = lines[i].slice(indent).replace(/\t/g, ' ')
    if (raw.trim() === '' || /^\s/.test(raw)) continue
    // a row whose cells do not line up with the header (a re-flowed paste) is split on runs of spaces instead
    const aligned = starts.every((s, k) => k === 0 || raw[s - 1] === undefined || raw[s - 1] === ' ')
    const cells = aligned ? starts.map((_, k) => cell(raw, starts, k)) : raw.trim().split(/\s{2,}/).map((v) => (v === '<nil>' ? undefined : v))
    const name = cells[0] ?? raw.trim().split(/\s+/)[0]
    const slash = name.indexOf('/')
    out.push({
      name, node: slash < 0 ? name : name.slice(slash + 1),
      ...(slash > 0 ? {cluster: name.slice(0, slash)} : {}),
      ...(cells[1] ? {ipv4: cells[1]} : {}), ...(cells[2] ? {ipv4Cidr: cells[2]} : {}),
      ...(cells[3] ? {ipv6: cells[3]} : {}), ...(cells[4] ? {ipv6Cidr: cells[4]} : {}),
      ...(starts.length > 5 && cells[5] ? {source: cells[5]} : {}),
      src: src(file, i + 1, lines[i]),
    })
  }
  return out
}

export function looksLikeNodeListTable(head: string): boolean {
  return head.split('\n', 40).some((l) => HEADER.test(l.trim()))
}
