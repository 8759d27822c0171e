import type {EncryptStatus} from '../snapshot/schema.js'
import {NEVER} from './encrypt-status.js'
import {parseJsonWithLines, type JsonWithLines} from './json-lines.js'
import {splitLines, src} from './text.js'

/*
 * models.EncryptionStatus as JSON (api/v1/openapi.yaml: mode, ipsec{decrypt-interfaces, keys-in-use,
 * max-seq-number, error-count, xfrm-errors}, wireguard{node-encryption, interfaces[{name, listen-port, peer-count,
 * public-key, peers[{endpoint, allowed-ips, last-handshake-time, transfer-rx, transfer-tx, public-key}]}]}), in the
 * three places it is printed: `cilium-dbg encrypt status -o json`, the "encryption" key of
 * `cilium-dbg debuginfo --output json` (the only one with per-peer handshakes: the agent fills peers for debuginfo,
 * pkg/wireguard/agent Status(withPeers)), and that key alone (`… | jq .encryption`, the WireGuard docs' form).
 * Keys and allowed IPs are not kept. omitempty: "keys-in-use" and "peer-count" are absent when 0.
 */

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

/** The EncryptionStatus object inside a parsed document and its JSON path, or undefined. */
export function encryptionObject(doc: unknown): {value: Obj, path: string[]} | undefined {
  if (!isObj(doc)) return undefined
  if (isObj(doc.encryption) && ('cilium-version' in doc || 'cilium-status' in doc || 'kernel-version' in doc)) return {value: doc.encryption, path: ['encryption']}
  const keys = Object.keys(doc)
  if (keys.length > 0 && keys.every((k) => ['mode', 'msg', 'ipsec', 'wireguard'].includes(k)) && (isObj(doc.wireguard) || isObj(doc.ipsec))) return {value: doc, path: []}
  return undefined
}

/** The document with the lines its values came from: evidence quotes the line as printed. */
interface Doc {j: JsonWithLines, lines: string[], file: string}

function line(d: Doc, path: Array<string | number>) {
  const n = Math.max(d.j.lineOf(path), 1)
  return src(d.file, n, (d.lines[n - 1] ?? '').trim())
}

function wireguard(out: EncryptStatus, wg: Obj, d: Doc, base: Array<string | number>): void {
  if (typeof wg['node-encryption'] === 'string') out.nodeEncryption = wg['node-encryption']
  const ifaces = Array.isArray(wg.interfaces) ? wg.interfaces : []
  out.interfaces = ifaces.filter(isObj).map((i, n) => {
    const at = [...base, 'interfaces', n]
    const name = typeof i.name === 'string' ? i.name : '?'
    const peers = (Array.isArray(i.peers) ? i.peers : []).filter(isObj).map((p, k) => {
      const time = typeof p['last-handshake-time'] === 'string' ? p['last-handshake-time'] : ''
      return {
        endpoint: typeof p.endpoint === 'string' ? p.endpoint : '?',
        lastHandshake: time,
        handshake: time !== '' && !NEVER.test(time),
        src: line(d, [...at, 'peers', k, 'last-handshake-time']),
      }
    })
    const count = typeof i['peer-count'] === 'number' ? i['peer-count'] : Array.isArray(i.peers) ? 0 : undefined
    return {name, ...(count !== undefined ? {peerCount: count} : {}), ...(Array.isArray(i.peers) ? {peers} : {}), src: line(d, [...at, 'name'])}
  })
}

function ipsec(out: EncryptStatus, ip: Obj, d: Doc, base: Array<string | number>): void {
  out.keysInUse = typeof ip['keys-in-use'] === 'number' ? ip['keys-in-use'] : 0
  const seq = typeof ip['max-seq-number'] === 'string' ? /^0x([0-9a-f]+)\/0x([0-9a-f]+)$/i.exec(ip['max-seq-number']) : null
  if (seq) out.maxSeq = {used: parseInt(seq[1], 16), max: parseInt(seq[2], 16)}
  out.errors = typeof ip['error-count'] === 'number' ? ip['error-count'] : 0
  const xfrm = isObj(ip['xfrm-errors']) ? ip['xfrm-errors'] : {}
  for (const [name, count] of Object.entries(xfrm)) {
    if (typeof count === 'number' && count > 0) out.errorRows.push({name, count, src: line(d, [...base, 'xfrm-errors', name])})
  }
}

export function parseEncryptStatusJson(text: string, file: string): EncryptStatus {
  const j = parseJsonWithLines(text)
  const d: Doc = {j, lines: splitLines(text), file}
  const found = encryptionObject(j.value)
  if (!found) throw new Error('expected a JSON encryption status (cilium-dbg encrypt status -o json, or debuginfo\'s "encryption")')
  const {value: e, path} = found
  const mode = typeof e.mode === 'string' && e.mode !== '' ? e.mode : isObj(e.wireguard) ? 'Wireguard' : isObj(e.ipsec) ? 'IPsec' : 'Disabled'
  const modePath = typeof e.mode === 'string' ? [...path, 'mode'] : [...path, isObj(e.wireguard) ? 'wireguard' : 'ipsec']
  const out: EncryptStatus = {mode, errorRows: [], src: line(d, modePath)}
  if (isObj(e.wireguard)) wireguard(out, e.wireguard, d, [...path, 'wireguard'])
  if (isObj(e.ipsec)) ipsec(out, e.ipsec, d, [...path, 'ipsec'])
  return out
}

/** Two readings of one agent's encryption (encrypt status and debuginfo): keep every fact, the detailed peers first. */
export function mergeEncryptStatus(a: EncryptStatus | undefined, b: EncryptStatus): EncryptStatus {
  if (!a) return b
  const withPeers = (x: EncryptStatus) => x.interfaces?.some((i) => i.peers)
  const [rich, poor] = withPeers(b) && !withPeers(a) ? [b, a] : [a, b]
  return {...poor, ...rich, errorRows: rich.errorRows.length > 0 ? rich.errorRows : poor.errorRows,
    interfaces: rich.interfaces ?? poor.interfaces, nodeEncryption: rich.nodeEncryption ?? poor.nodeEncryption}
}
