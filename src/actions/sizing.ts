import Table from 'cli-table3'
import type {Io} from './doctor-options.js'
import type {DynamicFamily, SizingResult} from '../sizing/formula.js'
import {computeMapSizes, DYNAMIC_FAMILIES, familyKeys, isDynamicRatio, LIMIT_TABLE_MAX, LIMIT_TABLE_MIN} from '../sizing/formula.js'
import {estimateMemory, formatBytes, type MemoryEstimate} from '../sizing/memory.js'
import {parseQuantity} from '../parse/quantity.js'
import {InputError} from '../util/errors.js'

export interface SizingOptions {
  memory: string // Kubernetes quantity or bytes: "16Gi", "5035968Ki"
  cpus?: number
  ratio?: number | string // as typed on the command line
  distributedLru: boolean
  overrides: Partial<Record<DynamicFamily, number>>
  ipv6: boolean
  output: 'table' | 'json'
}

export interface SizingReport {
  memoryBytes: number
  ratio?: number
  distributedLru: boolean
  possibleCpus: number
  dynamic: boolean
  budgetBytes: number
  maps: Array<{family: DynamicFamily, status: string, helm?: string, config: string, entries: number, source: string, clamp?: string, unclamped?: number, kernelBytes: number}>
  kernelTotalBytes: number
  ciliumBudgetBytes: number
  ipFamilies: string
  errors: string[] // settings the agent would refuse at start
}

export function sizingReport(result: SizingResult, mem: MemoryEstimate, ipv6: boolean): SizingReport {
  return {
    memoryBytes: result.input.memoryBytes,
    ratio: result.input.ratio,
    distributedLru: Boolean(result.input.distributedLru),
    possibleCpus: result.possibleCpus,
    dynamic: result.dynamic,
    budgetBytes: result.budgetBytes,
    maps: DYNAMIC_FAMILIES.map((f) => {
      const s = result.sizes[f]
      return {
        family: f, status: familyKeys(f).label, helm: familyKeys(f).helm, config: familyKeys(f).config,
        entries: s.entries, source: s.source, clamp: s.clamp, unclamped: s.unclamped, kernelBytes: mem.kernel[f],
      }
    }),
    kernelTotalBytes: mem.kernelTotal,
    ciliumBudgetBytes: mem.budgetBytes,
    ipFamilies: ipv6 ? 'IPv4 + IPv6' : 'IPv4',
    errors: result.errors,
  }
}

export function renderSizingTable(r: SizingReport): string {
  const head = r.dynamic
    ? `dynamic sizing: ratio ${r.ratio} of ${formatBytes(r.memoryBytes)} = ${r.budgetBytes} B for map entries` +
      (r.distributedLru ? `, sizes rounded up to a multiple of ${r.possibleCpus} CPUs (distributed LRU)` : '')
    : 'dynamic sizing: off (agent defaults)'
  const t = new Table({head: ['Status row', 'Entries', 'How', 'Kernel memory', 'Helm value'], style: {head: [], border: [], compact: true}})
  for (const m of r.maps) {
    const how = m.source === 'dynamic' ? (m.clamp ? `${m.clamp} clamp (formula ${m.unclamped})` : `formula ${m.unclamped}${m.unclamped !== m.entries ? ' → rounded' : ''}`) : m.source
    t.push([m.status, String(m.entries), how, formatBytes(m.kernelBytes), m.helm ?? `extraConfig ${m.config}`])
  }
  const errors = r.errors.map((e) => `error: ${e}\n`).join('')
  return `${head}\n${t.toString()}\n${errors}kernel memory of these maps per node (${r.ipFamilies}, preallocated LRU hash): ${formatBytes(r.kernelTotalBytes)}\n`
}

const positiveInt = (name: string, v: number) => {
  if (!Number.isInteger(v) || v < LIMIT_TABLE_MIN || v > LIMIT_TABLE_MAX) throw new InputError(`${name} ${v}: expected an integer in [${LIMIT_TABLE_MIN}, ${LIMIT_TABLE_MAX}]`)
}

export function runSizing(opts: SizingOptions, io: Io): number {
  const memoryBytes = parseQuantity(opts.memory)
  if (memoryBytes === undefined || memoryBytes <= 0) throw new InputError(`--memory ${opts.memory}: expected a memory quantity such as 16Gi or 5035968Ki`)
  const ratio = opts.ratio === undefined ? undefined : Number(opts.ratio)
  if (ratio !== undefined && !isDynamicRatio(ratio)) throw new InputError(`--ratio ${opts.ratio}: expected a number in (0, 1]`)
  if (opts.distributedLru && opts.ratio === undefined) throw new InputError('--distributed-lru needs --ratio (the agent refuses distributed LRU without a dynamic size ratio)')
  if (opts.distributedLru && opts.cpus === undefined) throw new InputError('--distributed-lru needs --cpus (sizes are rounded to a multiple of the possible CPUs)')
  for (const [f, v] of Object.entries(opts.overrides)) if (v !== undefined) positiveInt(familyKeys(f as DynamicFamily).config, v)
  const result = computeMapSizes({memoryBytes, cpus: opts.cpus, ratio, distributedLru: opts.distributedLru, overrides: opts.overrides})
  const mem = estimateMemory(result, {ipv4: true, ipv6: opts.ipv6})
  const report = sizingReport(result, mem, opts.ipv6)
  void io.stdout(opts.output === 'json' ? JSON.stringify(report, null, 2) + '\n' : renderSizingTable(report))
  // Sizes the agent would refuse are a failed check, not a table to copy.
  return report.errors.length > 0 ? 1 : 0
}
