/*
 * Cilium's dynamic BPF map sizing (pkg/option/config.go getDynamicSizeCalculator /
 * calculateDynamicBPFMapSizes, identical logic 1.16 → 1.20; https://github.com/cilium/cilium/blob/main/pkg/option/config.go).
 * Integer arithmetic exactly as the agent does it, so the result matches `cilium-dbg status` to the entry.
 */

import type {DynamicFamily} from '../cilium/maps.js'
import {defaultSize, DYNAMIC_FAMILIES, floorSize, LIMIT_TABLE_MAX, LIMIT_TABLE_MIN, MAP_FAMILIES, totalDefaultBytes} from '../cilium/maps.js'

// The families, their defaults, floors and element sizes are src/cilium/maps.ts; this file is only the arithmetic.
export {DYNAMIC_FAMILIES, LIMIT_TABLE_MAX, LIMIT_TABLE_MIN, totalDefaultBytes}
export type {DynamicFamily}

/** Helm value, cilium-config key and status label of each family's explicit size. */
export function familyKeys(f: DynamicFamily): {helm?: string, config: string, label: string} {
  const m = MAP_FAMILIES[f]
  return {helm: m.helmPath?.startsWith('extraConfig.') ? undefined : m.helmPath, config: m.configKey!, label: m.statusLabel!}
}

export type Clamp = 'min' | 'max' | 'nat-cap'
export type SizeSource = 'dynamic' | 'override' | 'default'

export interface MapSize {
  family: DynamicFamily
  entries: number
  source: SizeSource
  /** The clamp that decided the size, when one did. */
  clamp?: Clamp
  /** Entries before clamping and CPU rounding (dynamic only), for traceability. */
  unclamped?: number
}

export interface SizingInput {
  memoryBytes: number // node MemTotal
  cpus?: number // num_possible_cpus; only used with distributed LRU
  ratio?: number // bpf-map-dynamic-size-ratio; 0/undefined = dynamic sizing off
  distributedLru?: boolean
  overrides?: Partial<Record<DynamicFamily, number>>
}

export interface SizingResult {
  input: SizingInput
  dynamic: boolean
  /** int(MemTotal × ratio): the bytes the ratio grants the five families. */
  budgetBytes: number
  possibleCpus: number
  sizes: Record<DynamicFamily, MapSize>
  /** Settings the agent would refuse at start. */
  errors: string[]
}

const roundUp = (n: number, m: number) => Math.ceil(n / m) * m
const roundDown = (n: number, m: number) => Math.floor(n / m) * m

/** Go's int(float64 × float64): truncation toward zero. */
function budget(memoryBytes: number, ratio: number): number {
  return Math.trunc(memoryBytes * ratio)
}

/** (default × budget) / totalDefault with integer division; BigInt because the product exceeds 2^53 on big nodes. */
function share(defaultEntries: number, budgetBytes: number): number {
  return Number((BigInt(defaultEntries) * BigInt(budgetBytes)) / BigInt(totalDefaultBytes()))
}

export function isDynamicRatio(ratio: number | undefined): ratio is number {
  return ratio !== undefined && Number.isFinite(ratio) && ratio > 0 && ratio <= 1
}

export function computeMapSizes(input: SizingInput): SizingResult {
  const dynamic = isDynamicRatio(input.ratio)
  const cpus = input.distributedLru && dynamic ? Math.max(1, Math.floor(input.cpus ?? 1)) : 1
  const budgetBytes = dynamic ? budget(input.memoryBytes, input.ratio as number) : 0
  const overrides = input.overrides ?? {}

  const entries = (family: DynamicFamily): MapSize => {
    const o = overrides[family]
    if (o !== undefined) return {family, entries: o, source: 'override'}
    if (!dynamic) return {family, entries: defaultSize(family), source: 'default'}
    const raw = share(defaultSize(family), budgetBytes)
    const e = roundUp(raw, cpus)
    if (e < floorSize(family)) return {family, entries: roundUp(floorSize(family), cpus), source: 'dynamic', clamp: 'min', unclamped: raw}
    if (e > LIMIT_TABLE_MAX) return {family, entries: roundDown(LIMIT_TABLE_MAX, cpus), source: 'dynamic', clamp: 'max', unclamped: raw}
    return {family, entries: e, source: 'dynamic', unclamped: raw}
  }

  const tcp = entries('ct-tcp')
  const any = entries('ct-any')
  let nat = entries('nat')
  const ctTotal = tcp.entries + any.entries
  const errors: string[] = []
  if (nat.entries > ctTotal) {
    if (nat.source === 'override') {
      // An explicit NAT size above the CT total is a configuration error (checkMapSizeLimits).
      errors.push(`bpf-nat-global-max ${nat.entries} > CT TCP + CT any (${tcp.entries} + ${any.entries}): the agent refuses to start`)
    } else {
      // A computed/default NAT size is capped at 2/3 of the CT total (reachable when CT sizes were set by hand).
      nat = {...nat, entries: roundDown(Math.floor((ctTotal * 2) / 3), cpus), clamp: 'nat-cap'}
    }
  }
  const neighOverride = overrides.neigh
  const neigh: MapSize = neighOverride !== undefined
    ? {family: 'neigh', entries: neighOverride, source: 'override'}
    : {family: 'neigh', entries: nat.entries, source: nat.source, clamp: nat.clamp, unclamped: nat.unclamped}
  const sock = entries('sock-revnat')
  return {
    input, dynamic, budgetBytes, possibleCpus: cpus, errors,
    sizes: {'ct-tcp': tcp, 'ct-any': any, nat, neigh, 'sock-revnat': sock},
  }
}
