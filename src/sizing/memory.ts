/*
 * Kernel memory the five LRU-hash families really take (map-sizing.md §4.2): LRU hash maps are always
 * preallocated, so max_entries decide the allocation at map creation. Per element:
 * sizeof(struct htab_elem) (48 with the LRU node) + round_up(key, 8) + round_up(value, 8),
 * plus a bucket array of roundup_pow_of_two(max_entries) × 16 bytes.
 */
import type {DynamicFamily, SizingResult} from './formula.js'
import {DYNAMIC_FAMILIES, elementBytes} from '../cilium/maps.js'

const HTAB_ELEM = 48
const BUCKET_BYTES = 16
const r8 = (n: number) => Math.ceil(n / 8) * 8

/** [key, value] bytes of the IPv4 and IPv6 map of each family (kernel struct sizes). */
const KEY_VALUE: Record<DynamicFamily, {v4: [number, number], v6: [number, number]}> = {
  'ct-tcp': {v4: [14, 56], v6: [38, 56]},
  'ct-any': {v4: [14, 56], v6: [38, 56]},
  nat: {v4: [14, 40], v6: [38, 56]},
  neigh: {v4: [4, 8], v6: [16, 8]},
  'sock-revnat': {v4: [16, 8], v6: [32, 20]},
}

export function bytesPerEntry(family: DynamicFamily, ip: 'v4' | 'v6'): number {
  const [k, v] = KEY_VALUE[family][ip]
  return HTAB_ELEM + r8(k) + r8(v)
}

function pow2AtLeast(n: number): number {
  let p = 1
  while (p < n) p *= 2
  return p
}

/** Bytes the kernel allocates for one map of `entries` max entries. */
export function mapKernelBytes(family: DynamicFamily, entries: number, ip: 'v4' | 'v6'): number {
  return entries * bytesPerEntry(family, ip) + pow2AtLeast(entries) * BUCKET_BYTES
}

export interface MemoryEstimate {
  /** Cilium's own accounting: entries × (IPv6 key + value), what the ratio budgets. */
  budgetBytes: number
  /** Kernel allocation, per family and in total, for the IP families enabled. */
  kernel: Record<DynamicFamily, number>
  kernelTotal: number
}

export function estimateMemory(sizing: SizingResult, families: {ipv4: boolean, ipv6: boolean} = {ipv4: true, ipv6: false}): MemoryEstimate {
  const kernel = {} as Record<DynamicFamily, number>
  let kernelTotal = 0
  let budgetBytes = 0
  for (const f of DYNAMIC_FAMILIES) {
    const n = sizing.sizes[f].entries
    budgetBytes += n * elementBytes(f)
    let b = 0
    if (families.ipv4) b += mapKernelBytes(f, n, 'v4')
    if (families.ipv6) b += mapKernelBytes(f, n, 'v6')
    kernel[f] = b
    kernelTotal += b
  }
  return {budgetBytes, kernel, kernelTotal}
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let v = n
  let i = 0
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return i === 0 ? `${v} B` : `${v.toFixed(v >= 100 ? 0 : 1)} ${units[i]}`
}
