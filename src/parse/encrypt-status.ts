import type {EncryptStatus, WireguardPeer} from '../snapshot/schema.js'
import {splitLines, src} from './text.js'

/*
 * `cilium-dbg encrypt status` (cilium-dbg/cmd/encrypt_status.go): "Encryption: IPsec", "Decryption
 * interface(s):", "Keys in use: N", "Max Seq. Number: 0x…/0xffffffff" (or N/A), "Errors: N" followed by one
 * tab-indented "XfrmName: N" row per non-zero XFRM counter; 1.10–1.13 printed "Max. sequence number:" and
 * "XfrmName : N". WireGuard prints "Interface: cilium_wg0" blocks with "Public key:" and "Number of peers: N".
 * Also read: the WireGuard section of `cilium-dbg debuginfo` (markdown, cilium-dbg/cmd/debuginfo.go addEncryption):
 * "##### WireGuard", "interface: …", then per peer "peer: <key>", "endpoint:", "latest handshake: <time>"; the
 * JSON forms are src/parse/encrypt-status-json.ts'.
 */

const MODE = /^\s*Encryption:\s+(\S+)/
const KEYS = /^\s*Keys in use:\s+(\d+)/
const SEQ = /^\s*Max(?:\. sequence number| Seq\. Number):\s+(?:0x([0-9a-f]+)\/0x([0-9a-f]+)|N\/A)/i
const ERRORS = /^\s*Errors:\s+(\d+)/
const XFRM = /^\s+(Xfrm\w+)\s*:?\s+(\d+)\s*$/
const WG_HEADING = /^#{3,6}\s*WireGuard\s*$/i
const IFACE = /^\s*Interface:\s+(\S+)\s*$/i
const PEER_COUNT = /^\s*Number of peers:\s+(\d+)/
const PEER = /^\s*peer:\s+(\S+)\s*$/
const ENDPOINT = /^\s+endpoint:\s+(\S+)\s*$/
const HANDSHAKE = /^\s+latest handshake:\s+(\S+)\s*$/
/** Go's zero time.Time as strfmt.DateTime prints it: a peer that never completed a handshake. */
export const NEVER = /^0001-01-01T00:00:00/

type Iface = NonNullable<EncryptStatus['interfaces']>[number]

function readIpsec(out: EncryptStatus, l: string, file: string, n: number): void {
  const k = KEYS.exec(l)
  if (k) out.keysInUse = Number(k[1])
  const s = SEQ.exec(l)
  if (s?.[1]) out.maxSeq = {used: parseInt(s[1], 16), max: parseInt(s[2], 16)}
  const e = ERRORS.exec(l)
  if (e) {
    out.errors = Number(e[1])
    if (out.errors > 0) out.src = src(file, n, l)
  }
  const x = XFRM.exec(l)
  if (x) out.errorRows.push({name: x[1], count: Number(x[2]), src: src(file, n, l)})
}

/** WireGuard lines of either form; `peer` is the debuginfo peer being read, if any. */
function readWireguard(out: EncryptStatus, l: string, file: string, n: number, peer: {cur?: Partial<WireguardPeer>}): void {
  const ifaces = (out.interfaces ??= [])
  const last: Iface | undefined = ifaces[ifaces.length - 1]
  const i = IFACE.exec(l)
  if (i) {
    ifaces.push({name: i[1], src: src(file, n, l)})
    peer.cur = undefined
    return
  }
  const c = PEER_COUNT.exec(l)
  if (c && last) last.peerCount = Number(c[1])
  if (PEER.test(l) && last) {
    peer.cur = {}
    return
  }
  const e = ENDPOINT.exec(l)
  if (e && peer.cur) peer.cur.endpoint = e[1]
  const h = HANDSHAKE.exec(l)
  if (h && peer.cur && last) {
    (last.peers ??= []).push({endpoint: peer.cur.endpoint ?? '?', lastHandshake: h[1], handshake: !NEVER.test(h[1]), src: src(file, n, l)})
    peer.cur = undefined
  }
}

export function parseEncryptStatus(text: string, file: string): EncryptStatus {
  const lines = splitLines(text)
  let out: EncryptStatus | undefined
  const peer: {cur?: Partial<WireguardPeer>} = {}
  lines.forEach((l, i) => {
    const m = MODE.exec(l)
    if (m && !out) {
      out = {mode: m[1], errorRows: [], src: src(file, i + 1, l)}
      return
    }
    if (!out && WG_HEADING.test(l)) {
      out = {mode: 'Wireguard', errorRows: [], src: src(file, i + 1, l)}
      return
    }
    if (!out) return
    if (/ipsec/i.test(out.mode)) readIpsec(out, l, file, i + 1)
    else if (/wireguard/i.test(out.mode)) readWireguard(out, l, file, i + 1, peer)
  })
  if (!out) throw new Error('expected an "Encryption:" line of cilium-dbg encrypt status, or the "##### WireGuard" section of cilium-dbg debuginfo')
  return out
}

export function looksLikeEncryptStatus(head: string): boolean {
  if (head.includes('###') && /^#{3,6}\s*WireGuard\s*$/im.test(head) && /^\s*interface:\s+\S+/m.test(head)) return true
  return head.includes('Encryption:') && /^\s*Encryption:\s+(IPsec|ipsec|Wireguard|WireGuard|Disabled)\s*$/m.test(head) &&
    /^\s*(Keys in use:|Interface:|Decryption interface\(s\):|Max Seq\. Number:|Max\. sequence number:)/m.test(head)
}
