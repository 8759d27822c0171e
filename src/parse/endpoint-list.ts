import type {EndpointRow} from '../snapshot/schema.js'
import {splitLines, src} from './text.js'

/*
 * `cilium-dbg endpoint list` (and `cilium endpoint list` before 1.15): a two-line header
 * "ENDPOINT   POLICY (ingress)   POLICY (egress)   IDENTITY   LABELS (source:key[=value])   IPv6   IPv4   STATUS"
 * / "ENFORCEMENT   ENFORCEMENT", one row per endpoint with its first label, and continuation lines holding
 * only further labels. IPv6/IPv4 cells are blank when the family is off, so cells are told apart by shape,
 * not by position.
 */

const HEADER = /^\s*ENDPOINT\s+POLICY \(ingress\)\s+POLICY \(egress\)\s+IDENTITY\s+LABELS/
const ROW = /^\s*(\d+)\s+(Enabled|Disabled|Audit|Enabled \(Audit\)|Disabled \(Audit\))\s+(Enabled|Disabled|Audit|Enabled \(Audit\)|Disabled \(Audit\))\s+(\d+)\s+(.*)$/
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/
const IPV6 = /^[0-9a-f]*:[0-9a-f:]*$/i
const STATE = /^[a-z]+(?:-[a-z]+)*$/

export function parseEndpointList(text: string, file: string): EndpointRow[] {
  const out: EndpointRow[] = []
  let inTable = false
  splitLines(text).forEach((l, i) => {
    if (HEADER.test(l)) {
      inTable = true
      return
    }
    if (!inTable) return
    const m = ROW.exec(l)
    if (m) {
      const cells = m[5].trim().split(/\s{2,}/)
      const state = cells.length > 1 && STATE.test(cells[cells.length - 1]) ? cells.pop()! : 'unknown'
      const row: EndpointRow = {id: m[1], identity: Number(m[4]), labels: [], state, src: src(file, i + 1, l)}
      for (const c of cells) {
        if (IPV4.test(c)) row.ipv4 = c
        else if (!IPV6.test(c)) row.labels.push(c)
      }
      out.push(row)
      return
    }
    const label = l.trim()
    // a continuation line: one more label of the row above
    if (out.length > 0 && /^[a-z0-9-]+:\S/i.test(label) && !/\s{2,}/.test(label)) out[out.length - 1].labels.push(label)
  })
  return out
}

export function looksLikeEndpointList(head: string): boolean {
  return head.split('\n', 40).some((l) => HEADER.test(l))
}
