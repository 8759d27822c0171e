import type {EndpointRow, SourceRef} from '../snapshot/schema.js'
import {cells, columnsOf, K8S_NAME, type Column} from './kubectl-table.js'
import {splitLines, src} from './text.js'

/*
 * `kubectl get ciliumendpoints` (cep: printer columns NAME ENDPOINT ID IDENTITY ID INGRESS ENFORCEMENT
 * EGRESS ENFORCEMENT VISIBILITY POLICY ENDPOINT STATE IPV4 IPV6, NAMESPACE first with -A) and
 * `kubectl get ciliumnodes` (NAME CILIUMINTERNALIP INTERNALIP AGE since 1.13, cilium#21258).
 */

const CEP_HEADER = /^(NAMESPACE\s{2,})?NAME\s{2,}ENDPOINT ID\s{2,}IDENTITY ID\s{2,}/
const CN_HEADER = /^NAME\s{2,}CILIUMINTERNALIP\s{2,}INTERNALIP\s{2,}AGE\b/

export interface CiliumTables {
  endpoints?: EndpointRow[]
  ciliumNodes?: {count: number, src: SourceRef}
}

function rowsUnder(text: string, header: RegExp, each: (c: Record<string, string>, line: number, text: string) => void): void {
  let cols: Column[] | undefined
  splitLines(text).forEach((l, i) => {
    if (header.test(l)) {
      cols = columnsOf(l)
      return
    }
    if (l.trim() === '') cols = undefined
    if (cols) each(cells(l, cols), i + 1, l)
  })
}

export function parseCiliumTables(text: string, file: string): CiliumTables {
  const out: CiliumTables = {}
  rowsUnder(text, CEP_HEADER, (c, line, l) => {
    if (!K8S_NAME.test(c.NAME ?? '')) return
    const row: EndpointRow = {id: c.NAMESPACE ? `${c.NAMESPACE}/${c.NAME}` : c.NAME, labels: [], state: c['ENDPOINT STATE'] || 'unknown', src: src(file, line, l)}
    const identity = Number(c['IDENTITY ID'])
    if (Number.isSafeInteger(identity) && c['IDENTITY ID'] !== '') row.identity = identity
    if (c.IPV4) row.ipv4 = c.IPV4
    ;(out.endpoints ??= []).push(row)
  })
  let count = 0
  let first: SourceRef | undefined
  rowsUnder(text, CN_HEADER, (c, line, l) => {
    if (!K8S_NAME.test(c.NAME ?? '')) return
    count++
    first ??= src(file, line, l)
  })
  if (first) out.ciliumNodes = {count, src: first}
  return out
}

export function looksLikeCiliumTable(head: string): boolean {
  return head.split('\n', 40).some((l) => CEP_HEADER.test(l.trimStart()) || CN_HEADER.test(l.trimStart()))
}
