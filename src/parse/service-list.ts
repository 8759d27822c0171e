import type {ServiceList, Service, Unrecognized} from '../snapshot/schema.js'
import {get, isRecord, readK8sDoc, str} from './k8s-object.js'
import {headLines, intern, internLine, splitLines, src} from './text.js'

/*
 * `cilium-dbg service list` / `service get` (same printer since 1.14), text or `-o json`.
 * Text grammar (FORMAT-NOTES §9): tabwriter rows `ID  Frontend  Type  N => backend (state)`;
 * further backends on continuation lines; current main drops the ID column; 1.18+ adds `/TCP`.
 */

const HEADER = /^\s*(?:ID\s+)?Frontend\s+Service Type\s+Backend\s*$/
// Frontend: IPv4:port, [IPv6]:port, bare IPv6:port; optional /PROTO and /i (internal scope) suffixes
const ADDR = /^(\[[0-9a-fA-F:.]+\]|[0-9a-fA-F:.]+):(\d{1,5})(?:\/([A-Za-z]+))?(?:\/i)?$/
const SERVICE_ROW = /^(?:(\d{1,10})\s+)?(\S+:\d+\S*)\s+(.*)$/
const BACKEND = /(\d{1,10}) => (\S+)((?:\s+\([^)]*\))*)/
const CONTINUATION = /^\s+(\d+ => .*)$/
const NOTE = /\(([^)]*)\)/g
const REMOTE = /\s*\(Remote\)/
const BACKEND_START = /\d+ => /

export interface ParsedAddr {ip: string, port: number, proto?: string}

export function parseAddr(addr: string): ParsedAddr | undefined {
  const m = ADDR.exec(addr)
  if (!m) return undefined
  // frontends and backends repeat on every agent of a cluster: one shared copy of each
  return {ip: intern(m[1].charCodeAt(0) === 0x5b ? m[1].slice(1, -1) : m[1]), port: Number(m[2]), proto: m[3]}
}

export function parseServiceList(text: string, file: string): ServiceList {
  const trimmed = text.trimStart()
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    const json = parseServiceJson(text, file)
    if (json) return json
  }
  return parseServiceText(text, file)
}

function parseServiceText(text: string, file: string): ServiceList {
  const services: Service[] = []
  const unrecognized: Unrecognized[] = []
  const lines = splitLines(text)
  let current: Service | undefined
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]
    const n = i + 1
    // splitLines trims line ends, so a blank line is empty
    if (raw === '' || HEADER.test(raw)) continue
    const cont = CONTINUATION.exec(raw)
    if (cont && current) {
      const b = parseBackend(cont[1], src(file, n, internLine(raw.trim())))
      if (b) {
        current.backends.push(b)
        continue
      }
    }
    const row = /^\s/.test(raw) ? null : SERVICE_ROW.exec(raw)
    const addr = row ? parseAddr(row[2]) : undefined
    if (!row || !addr) {
      unrecognized.push({line: n, text: raw})
      current = undefined
      continue
    }
    const rest = row[3]
    const bIdx = rest.search(BACKEND_START)
    const typeText = (bIdx >= 0 ? rest.slice(0, bIdx) : rest).trim()
    const remote = typeText.includes('(Remote)')
    // one SourceRef for the row and its first backend: they quote the same line
    const at = src(file, n, internLine(raw.trim()))
    let first: Service['backends'][number] | undefined
    if (bIdx >= 0) {
      first = parseBackend(rest.slice(bIdx), at)
      if (!first) unrecognized.push({line: n, text: raw})
    }
    // optional keys are added, never deleted: `delete` turns an object into a slow dictionary
    const svc: Service = {
      frontend: intern(row[2]),
      ip: addr.ip,
      port: addr.port,
      type: intern(remote ? typeText.replace(REMOTE, '').trim() : typeText),
      remote,
      backends: first ? [first] : [],
      src: at,
    }
    if (row[1] !== undefined) svc.id = Number(row[1])
    if (addr.proto !== undefined) svc.proto = intern(addr.proto)
    services.push(svc)
    current = svc
  }
  return {format: 'text', services, unrecognized}
}

function parseBackend(cell: string, at: Service['src']): Service['backends'][number] | undefined {
  const m = BACKEND.exec(cell.trim())
  if (!m) return undefined
  const addr = parseAddr(m[2]) ?? parseAddrLoose(m[2])
  if (!addr) return undefined
  let preferred = false
  let state: string | undefined
  NOTE.lastIndex = 0
  for (let x = NOTE.exec(m[3]); x !== null; x = NOTE.exec(m[3])) {
    if (x[1] === 'preferred') preferred = true
    else state ??= x[1]
  }
  // Before 1.12 (PR #18814) backends had no state suffix; every listed backend was in service.
  // A 1.18+ address (with /PROTO) always has a state, so a missing one there means a cut-off line.
  state ??= addr.proto ? 'unknown' : 'active'
  const b: Service['backends'][number] = {index: Number(m[1]), address: intern(m[2]), ip: addr.ip, port: addr.port, state: intern(state), preferred, src: at}
  if (addr.proto !== undefined) b.proto = intern(addr.proto)
  return b
}

/** A cut-off capture can end inside the protocol (`10.244.1.67:80/TC`); keep what is readable. */
function parseAddrLoose(addr: string): ParsedAddr | undefined {
  const m = /^(\[[0-9a-fA-F:.]+\]|[0-9a-fA-F:.]+):(\d{1,5})(?:\/(\w*))?/.exec(addr)
  if (!m) return undefined
  return {ip: m[1].replace(/^\[|\]$/g, ''), port: Number(m[2]), proto: m[3] || undefined}
}

function parseServiceJson(text: string, file: string): ServiceList | undefined {
  const doc = readK8sDoc(text)
  if (!doc) return undefined
  const list = Array.isArray(doc.value) ? doc.value : isRecord(doc.value) ? [doc.value] : undefined
  if (!list) return undefined
  const services: Service[] = []
  const unrecognized: Unrecognized[] = []
  const lineText = (line: number) => doc.lineText(line)
  list.forEach((svc, i) => {
    // `status.realized` is what the datapath has; `spec` what was requested. Prefer the realized view.
    const base = get(svc, 'status', 'realized') !== undefined ? ['status', 'realized'] : ['spec']
    const fe = get(svc, ...base, 'frontend-address') ?? get(svc, 'spec', 'frontend-address')
    const feIp = str(get(fe, 'ip'))
    const fePort = Number(get(fe, 'port') ?? 0)
    const feLine = doc.lineOf([i, ...base, 'frontend-address']) || doc.lineOf([i])
    if (!isRecord(svc) || feIp === undefined || !isPort(fePort)) {
      unrecognized.push({line: doc.lineOf([i]), text: lineText(doc.lineOf([i])).trim()})
      return
    }
    const proto = str(get(fe, 'protocol'))
    const flags = get(svc, 'spec', 'flags')
    const cluster = str(get(flags, 'cluster'))
    const id = get(svc, 'spec', 'id')
    const s: Service = {
      frontend: `${feIp.includes(':') ? `[${feIp}]` : feIp}:${fePort}${proto && proto !== 'ANY' ? `/${proto}` : ''}`,
      ip: feIp,
      port: fePort,
      type: str(get(flags, 'type')) ?? 'unknown',
      remote: cluster !== undefined && cluster !== '',
      backends: [],
      src: src(file, feLine, lineText(feLine)),
    }
    if (typeof id === 'number' && Number.isSafeInteger(id)) s.id = id
    if (proto && proto !== 'ANY') s.proto = proto
    const bes = get(svc, ...base, 'backend-addresses') ?? get(svc, 'spec', 'backend-addresses')
    if (Array.isArray(bes)) {
      bes.forEach((be, j) => {
        const ip = str(get(be, 'ip'))
        const port = Number(get(be, 'port') ?? 0)
        if (ip === undefined || !isPort(port)) return
        const bproto = str(get(be, 'protocol'))
        const line = doc.lineOf([i, ...base, 'backend-addresses', j]) || feLine
        const b: Service['backends'][number] = {
          index: j + 1,
          address: `${ip.includes(':') ? `[${ip}]` : ip}:${port}${bproto && bproto !== 'ANY' ? `/${bproto}` : ''}`,
          ip,
          port,
          state: str(get(be, 'state')) ?? 'active',
          preferred: get(be, 'preferred') === true,
          src: src(file, line, lineText(line)),
        }
        if (bproto && bproto !== 'ANY') b.proto = bproto
        s.backends.push(b)
      })
    }
    services.push(s)
  })
  return {format: 'json', services, unrecognized}
}

function isPort(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= 65535
}

/** Content check for the file classifier: a service-list header, a service row, or the JSON model. */
export function looksLikeServiceList(text: string): boolean {
  const head = text.slice(0, 4096)
  if (/^\s*\[/.test(head)) return /"frontend-address"\s*:/.test(head)
  const lines = headLines(head).slice(0, 10)
  if (lines.some((l) => HEADER.test(l))) return true
  // a header-less fragment: the first line must be a service row with its first backend
  return lines.length > 0 && /^(?:\d+\s+)?\S+:\d+\S*\s+[A-Za-z][\w ()]*?\s+\d+ => \S+:\d+/.test(lines[0])
}
