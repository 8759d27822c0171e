import {createHmac} from 'node:crypto'
import {isIPv4, isIPv6} from 'node:net'

/*
 * Prefix-preserving address pseudonyms (the scheme of Xu et al., "Crypto-PAn"): bit i of the
 * pseudonym is bit i of the address flipped by a keyed function of the bits before it. Two
 * addresses that share a k-bit prefix get pseudonyms that share a k-bit prefix, so a pod IP stays
 * inside its node's pod CIDR and a CIDR keeps its prefix length, while the real network is hidden.
 */

/** Addresses that name no one (loopback, unspecified, broadcast, link-local): kept, they help reading. */
function wellKnown(addr: string): boolean {
  return /^(127\.|0\.0\.0\.0$|255\.255\.255\.255$|169\.254\.)/.test(addr) || /^(::1?|fe80:.*)$/i.test(addr)
}

function v4Bits(addr: string): number[] {
  return addr.split('.').flatMap((o) => Array.from({length: 8}, (_, i) => (Number(o) >> (7 - i)) & 1))
}

function v4Text(bits: number[]): string {
  return Array.from({length: 4}, (_, o) => bits.slice(o * 8, o * 8 + 8).reduce((n, b) => n * 2 + b, 0)).join('.')
}

/** The 8 groups of an IPv6 address, `::` expanded (an embedded IPv4 tail becomes two groups). */
function v6Groups(addr: string): number[] {
  let a = addr
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(a)
  if (v4) {
    const o = v4[1].split('.').map(Number)
    a = a.slice(0, -v4[1].length) + `${((o[0] << 8) | o[1]).toString(16)}:${((o[2] << 8) | o[3]).toString(16)}`
  }
  const [head, tail] = a.includes('::') ? a.split('::') : [a, undefined]
  const h = head ? head.split(':') : []
  const t = tail ? tail.split(':') : []
  const fill = tail === undefined ? [] : Array.from({length: 8 - h.length - t.length}, () => '0')
  return [...h, ...fill, ...t].map((g) => Number.parseInt(g, 16))
}

function v6Bits(addr: string): number[] {
  return v6Groups(addr).flatMap((g) => Array.from({length: 16}, (_, i) => (g >> (15 - i)) & 1))
}

/** Shortest form (RFC 5952): lower case, the longest run of zero groups as `::`. */
function v6Text(bits: number[]): string {
  const groups = Array.from({length: 8}, (_, g) => bits.slice(g * 16, g * 16 + 16).reduce((n, b) => n * 2 + b, 0))
  let best = {at: -1, len: 1}
  for (let i = 0; i < 8; i++) {
    let j = i
    while (j < 8 && groups[j] === 0) j++
    if (j - i > best.len) best = {at: i, len: j - i}
  }
  const hex = groups.map((g) => g.toString(16))
  if (best.at < 0) return hex.join(':')
  return `${hex.slice(0, best.at).join(':')}::${hex.slice(best.at + best.len).join(':')}`
}

export class AddressPseudonyms {
  private readonly flips = new Map<string, number>()
  private readonly done = new Map<string, string>()

  constructor(private readonly key: Buffer) {}

  private flip(family: string, prefix: number[], i: number): number {
    const id = `${family}:${prefix.slice(0, i).join('')}`
    let bit = this.flips.get(id)
    if (bit === undefined) {
      bit = createHmac('sha256', this.key).update(id).digest()[0] & 1
      this.flips.set(id, bit)
    }
    return bit
  }

  private map(family: 'v4' | 'v6', bits: number[], hostZeroFrom?: number): number[] {
    const out = bits.map((b, i) => b ^ this.flip(family, bits, i))
    // a network address stays a network address: its host bits stay zero
    if (hostZeroFrom !== undefined && bits.slice(hostZeroFrom).every((b) => b === 0)) out.fill(0, hostZeroFrom)
    return out
  }

  /** `10.244.1.7`, `10.244.0.0/16`, `fd00::1`, `2001:db8::/32` → pseudonym; undefined when not an address. */
  address(text: string): string | undefined {
    const cached = this.done.get(text)
    if (cached) return cached
    const [addr, len] = text.split('/')
    const prefix = len === undefined ? undefined : Number(len)
    let out: string | undefined
    if (isIPv4(addr) && (prefix === undefined || prefix <= 32)) {
      out = wellKnown(addr) ? addr : v4Text(this.map('v4', v4Bits(addr), prefix))
    } else if (isIPv6(addr) && (prefix === undefined || prefix <= 128)) {
      out = wellKnown(addr.toLowerCase()) ? addr : v6Text(this.map('v6', v6Bits(addr), prefix))
    }
    if (out === undefined) return undefined
    const full = prefix === undefined ? out : `${out}/${prefix}`
    this.done.set(text, full)
    return full
  }
}
