import type {Agent, BpfMapId, Snapshot} from '../../snapshot/schema.js'
import type {FamilyId} from '../../cilium/maps.js'
import {MAP_FAMILIES, familyOf, statusIdOf} from '../../cilium/maps.js'
import {configValue} from './core.js'

/* How big a map is on one agent, and the dynamic ratio in effect; the families themselves are src/cilium/maps.ts. */

type StatusMapRow = NonNullable<NonNullable<Agent['status']>['bpfMaps']>['maps'][number]
// each agent's status rows by id, built once per table instead of a linear find per map per agent
const rowsById = new WeakMap<StatusMapRow[], Map<BpfMapId, StatusMapRow>>()

function statusRow(agent: Agent | undefined, id: BpfMapId): StatusMapRow | undefined {
  const rows = agent?.status?.bpfMaps?.maps
  if (!rows) return undefined
  let index = rowsById.get(rows)
  if (!index) {
    index = new Map()
    for (const r of rows) if (!index.has(r.id)) index.set(r.id, r) // first row wins, as find() did
    rowsById.set(rows, index)
  }
  return index.get(id)
}

// explicit sizes come from the cluster config: read once per snapshot and family
const explicitBySnapshot = new WeakMap<Snapshot, Map<FamilyId, number | undefined>>()

function explicitSizeOnce(snapshot: Snapshot, fam: FamilyId): number | undefined {
  let perFam = explicitBySnapshot.get(snapshot)
  if (!perFam) explicitBySnapshot.set(snapshot, (perFam = new Map<FamilyId, number | undefined>()))
  if (!perFam.has(fam)) perFam.set(fam, explicitSize(snapshot, fam))
  return perFam.get(fam)
}

/** Configured size of a map on one agent: status row first, else an explicit ConfigMap key. */
export function configuredSize(snapshot: Snapshot, agent: Agent | undefined, mapName: string):
  {size: number, from: 'status' | 'config' | 'default'} | undefined {
  const id = statusIdOf(mapName)
  const row = id ? statusRow(agent, id) : undefined
  if (row && row.size > 0) return {size: row.size, from: 'status'}
  const fam = MAP_FAMILIES[familyOf(mapName)]
  const explicit = explicitSizeOnce(snapshot, fam.id)
  if (explicit !== undefined) return {size: explicit, from: 'config'}
  if (!fam.dynamic && fam.defaultSize) return {size: fam.defaultSize, from: 'default'}
  return undefined
}

/** An explicit size key in cilium-config for the family (it overrides dynamic sizing for that map). */
export function explicitSize(snapshot: Snapshot, fam: FamilyId): number | undefined {
  const key = MAP_FAMILIES[fam].configKey
  if (!key) return undefined
  const v = configValue(snapshot, key)?.value.trim()
  const n = v === undefined ? Number.NaN : Number(v)
  return Number.isFinite(n) && n > 0 ? n : undefined
}

/** The dynamic size ratio in effect: agent status first, then cilium-config; undefined = off/unknown. */
export function currentRatio(snapshot: Snapshot): {ratio: number, from: string} | undefined {
  for (const a of snapshot.agents) {
    const b = a.status?.bpfMaps
    if (b?.dynamicSizing && b.ratio && b.ratio > 0) return {ratio: b.ratio, from: `status of ${a.name}`}
  }
  const cm = Number(configValue(snapshot, 'bpf-map-dynamic-size-ratio')?.value)
  if (Number.isFinite(cm) && cm > 0 && cm <= 1) return {ratio: cm, from: 'cilium-config bpf-map-dynamic-size-ratio'}
  return undefined
}

export function dynamicSizingOff(snapshot: Snapshot): boolean {
  const withMaps = snapshot.agents.filter((a) => a.status?.bpfMaps)
  return withMaps.length > 0 && withMaps.every((a) => !a.status!.bpfMaps!.dynamicSizing)
}

// ---------- rounding ----------

/** Round up to 4 significant digits (0.00514 → 0.00514, 0.012345 → 0.01235). */
export function ceil4(x: number): number {
  if (x <= 0) return x
  const mag = Math.floor(Math.log10(x)) - 3
  const f = 10 ** mag
  return Number((Math.ceil(x / f - 1e-9) * f).toPrecision(4))
}

export function mib(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(2)} GiB`
  return `${Math.round(bytes / 1024 ** 2)} MiB`
}
