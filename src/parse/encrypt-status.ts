import type {EncryptStatus} from '../snapshot/schema.js'
import {splitLines, src} from './text.js'

/*
 * `cilium-dbg encrypt status` (cilium-dbg/cmd/encrypt_status.go): "Encryption: IPsec", "Decryption
 * interface(s):", "Keys in use: N", "Max Seq. Number: 0x…/0xffffffff" (or N/A), "Errors: N" followed by one
 * tab-indented "XfrmName: N" row per non-zero XFRM counter; 1.10–1.13 printed "Max. sequence number:" and
 * "XfrmName : N". WireGuard prints "Interface:" blocks with "Number of peers:".
 */

const MODE = /^\s*Encryption:\s+(\S+)/
const KEYS = /^\s*Keys in use:\s+(\d+)/
const SEQ = /^\s*Max(?:\. sequence number| Seq\. Number):\s+(?:0x([0-9a-f]+)\/0x([0-9a-f]+)|N\/A)/i
const ERRORS = /^\s*Errors:\s+(\d+)/
const XFRM = /^\s+(Xfrm\w+)\s*:?\s+(\d+)\s*$/

export function parseEncryptStatus(text: string, file: string): EncryptStatus {
  const lines = splitLines(text)
  let out: EncryptStatus | undefined
  lines.forEach((l, i) => {
    const m = MODE.exec(l)
    if (m && !out) {
      out = {mode: m[1], errorRows: [], src: src(file, i + 1, l)}
      return
    }
    if (!out) return
    const k = KEYS.exec(l)
    if (k) out.keysInUse = Number(k[1])
    const s = SEQ.exec(l)
    if (s?.[1]) out.maxSeq = {used: parseInt(s[1], 16), max: parseInt(s[2], 16)}
    const e = ERRORS.exec(l)
    if (e) {
      out.errors = Number(e[1])
      if (out.errors > 0) out.src = src(file, i + 1, l)
    }
    const x = XFRM.exec(l)
    if (x) out.errorRows.push({name: x[1], count: Number(x[2]), src: src(file, i + 1, l)})
  })
  if (!out) throw new Error('expected an "Encryption:" line of cilium-dbg encrypt status')
  return out
}

export function looksLikeEncryptStatus(head: string): boolean {
  return /^\s*Encryption:\s+(IPsec|ipsec|Wireguard|WireGuard|Disabled)\s*$/m.test(head) &&
    /^\s*(Keys in use:|Interface:|Decryption interface\(s\):|Max Seq\. Number:|Max\. sequence number:)/m.test(head)
}
