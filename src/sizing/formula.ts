/*
 * Cilium's dynamic BPF map sizing (pkg/option/config.go getDynamicSizeCalculator /
 * calculateDynamicBPFMapSizes, identical logic 1.16 → 1.20; see knowledge/map-sizing.md §2).
 * Integer arithmetic exactly as the agent does it, so the result matches `cilium-dbg status` to the entry.
 */

export const DYNAMIC_FAMILIES = ['ct-tcp', 'ct-any', 'nat', 'neigh', 'sock-revnat'] as const
export type DynamicFamily = typeof DYNAMIC_FAMILIES[number]

/** Agent defaults when not dynamically sized, and the formula's reference sizes. */
export const DEFAULT_ENTRIES: Record<DynamicFamily, number> = {
  'ct-tcp': 524288, 'ct-any': 262144, nat: 524288, neigh: 524288, 'sock-revnat': 262144,
}
export const MIN_ENTRIES: Record<DynamicFamily, number> = {
  'ct-tcp': 131072, 'ct-any': 65536, nat: 131072, neigh: 131072, 'sock-revnat': 65536,
}
export const LIMIT_TABLE_MAX = 16777216
export const LIMIT_TABLE_MIN = 1024

/** Bytes per entry the daemon registers (IPv6 key + value, Go unsafe.Sizeof). */
export const ELEMENT_BYTES: Record<DynamicFamily, number> = {
  'ct-tcp': 94, 'ct-any': 94, nat: 94, neigh: 24, 'sock-revnat': 52,
}

/** The byte budget of the default sizes: 149,422,080. Neighbor is weighted with the NAT default, as in the agent. */
export const TOTAL_DEFAULT_BYTES =
  DEFAULT_ENTRIES['ct-tcp'] * ELEMENT_BYTES['ct-tcp'] +
  DEFAULT_ENTRIES['ct-any'] * ELEMENT_BYTES['ct-any'] +
  DEFAULT_ENTRIES.nat * ELEMENT_BYTES.nat +
  DEFAULT_ENTRIES.nat * ELEMENT_BYTES.neigh +
  DEFAULT_ENTRIES['sock-revnat'] * ELEMENT_BYTES['sock-revnat']

/** Helm value and cilium-config key of each family's explicit size. */
export const FAMILY_KEYS: Record<DynamicFamily, {helm?: string, config: string, label: string}> = {
  'ct-tcp': {helm: 'bpf.ctTcpMax', config: 'bpf-ct-global-tcp-max', label: 'TCP connection tracking'},
  'ct-any': {helm: 'bpf.ctAnyMax', config: 'bpf-ct-global-any-max', label: 'Non-TCP connection tracking'},
  nat: {helm: 'bpf.natMax', config: 'bpf-nat-global-max', label: 'NAT'},
  neigh: {helm: 'bpf.neighMax', config: 'bpf-neigh-global-max', label: 'Neighbor table'},
  'sock-revnat': {config: 'bpf-sock-rev-map-max', label: 'Sock reverse NAT'},
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
  return Number((BigInt(defaultEntries) * BigInt(budgetBytes)) / BigInt(TOTAL_DEFAULT_BYTES))
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
    if (!dynamic) return {family, entries: DEFAULT_ENTRIES[family], source: 'default'}
    const raw = share(DEFAULT_ENTRIES[family], budgetBytes)
    const e = roundUp(raw, cpus)
    if (e < MIN_ENTRIES[family]) return {family, entries: roundUp(MIN_ENTRIES[family], cpus), source: 'dynamic', clamp: 'min', unclamped: raw}
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
