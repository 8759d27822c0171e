/*
 * Which chart releases have a Helm value, for rules: removed, not yet added, or called deprecated by the
 * chart's own values.yaml. Rules do no I/O and run synchronously, so this module reads the shipped catalog
 * (catalog.json, diffs.json: one source, written by scripts/chart-catalog.mjs) through static JSON imports; it is
 * reached only through the rule registry, which the engine itself loads on first use.
 */
import catalogJson from './catalog.json' with {type: 'json'}
import diffsJson from './diffs.json' with {type: 'json'}
import {compactDefault, isVolatilePath} from './catalog-values.js'
import type {Scalar, VersionCatalog} from './derive.js'
import {minorOf, type RemovedValue} from './diff.js'
import {decodeCatalog, type CatalogStore, type DiffStore} from './store.js'

const store = catalogJson as unknown as CatalogStore
const diffs = (diffsJson as unknown as DiffStore).diffs

/** The releases ciltune ships chart facts for, oldest first (one per minor, its newest patch). */
export const CHART_RELEASES: readonly string[] = store.versions

interface Indexed {catalog: VersionCatalog, keys: Set<string>, parents: Set<string>, commented: Set<string>}

const decoded = new Map<string, Indexed>()
/** A release's catalog with its paths indexed: rules ask about every key of a values file in every release. */
function indexed(release: string): Indexed {
  let c = decoded.get(release)
  if (!c) {
    const catalog = decodeCatalog(store, release)!
    const parents = new Set<string>()
    for (const k of Object.keys(catalog.keys)) {
      const parts = k.split('.')
      for (let i = 1; i < parts.length; i++) parents.add(parts.slice(0, i).join('.'))
    }
    c = {catalog, keys: new Set(Object.keys(catalog.keys)), parents, commented: new Set(catalog.commented)}
    decoded.set(release, c)
  }
  return c
}
const catalog = (release: string): VersionCatalog => indexed(release).catalog

/** As diff.ts's knows(), from the index: a value, under a free-form value, or a map of values. */
function where(path: string, release: string): 'key' | 'under-leaf' | 'parent' | undefined {
  const c = indexed(release)
  if (c.keys.has(path)) return 'key'
  const parts = path.split('.')
  for (let i = parts.length - 1; i > 0; i--) if (c.keys.has(parts.slice(0, i).join('.'))) return 'under-leaf'
  return c.parents.has(path) ? 'parent' : undefined
}

/** The shipped release of `version`'s minor, or undefined when ciltune has no chart facts for it. */
export function releaseOf(version: string | undefined): string | undefined {
  if (!version) return undefined
  return CHART_RELEASES.find((r) => minorOf(r) === minorOf(version))
}

/** Whether the release's chart reads `path`: a value, inside a free-form map, a map of values, or documented commented out. */
function inChart(path: string, release: string): boolean {
  return where(path, release) !== undefined || indexed(release).commented.has(path)
}

/** The deprecation the release's values.yaml states for `path` or one of its ancestors. */
function deprecationAt(path: string, release: string): {path: string, successor?: string, noop?: true} | undefined {
  const dep = catalog(release).deprecated
  const parts = path.split('.')
  for (let i = parts.length; i > 0; i--) {
    const p = parts.slice(0, i).join('.')
    if (dep[p]) return {path: p, ...dep[p]}
  }
  return undefined
}

export type KeyVerdict =
  | {kind: 'removed', path: string, removedIn: string, lastIn: string, removal?: RemovedValue}
  | {kind: 'newer', path: string, since: string}
  | {kind: 'deprecated', path: string, release: string, successor?: string, noop?: true}

/** Where `path` stands in one release; undefined when the chart has it and does not call it deprecated (or no release ever had it). */
export function keyAt(path: string, release: string): KeyVerdict | undefined {
  const i = CHART_RELEASES.indexOf(release)
  if (i < 0) return undefined
  if (inChart(path, release)) {
    const d = deprecationAt(path, release)
    return d ? {kind: 'deprecated', path, release, ...(d.successor ? {successor: d.successor} : {}), ...(d.noop ? {noop: true as const} : {})} : undefined
  }
  const before = CHART_RELEASES.slice(0, i).findLastIndex((r) => inChart(path, r))
  if (before >= 0) {
    const removedIn = CHART_RELEASES.slice(before + 1).find((r) => !inChart(path, r))!
    const removal = diffs.find((d) => d.to === removedIn)?.removed.find((r) => r.path === path)
    return {kind: 'removed', path, removedIn, lastIn: CHART_RELEASES[before], ...(removal ? {removal} : {})}
  }
  const since = CHART_RELEASES.slice(i + 1).find((r) => inChart(path, r))
  return since ? {kind: 'newer', path, since} : undefined
}

/** Every release's verdict on `path` that is not "fine", for when the chart version is unknown. */
export function keyAcrossReleases(path: string): KeyVerdict[] {
  return CHART_RELEASES.map((r) => keyAt(path, r)).filter((v) => v !== undefined)
}

/** The chart default of `path` in `release` (undefined when it has none, e.g. images). */
export function chartDefault(path: string, release: string): Scalar | undefined {
  return catalog(release).keys[path]?.default
}

/** A value as the catalog stores defaults: scalars as they are, short lists and maps as JSON. */
export function asCatalogValue(v: unknown): Scalar {
  return compactDefault(v)
}

/** The leaf paths a values object sets, stopping at values the charts know as one value (free-form maps, lists). */
export function setPaths(values: Record<string, unknown>, isLeaf: (path: string) => boolean): Array<{path: string, value: unknown}> {
  const out: Array<{path: string, value: unknown}> = []
  const walk = (obj: Record<string, unknown>, prefix: string) => {
    for (const [k, v] of Object.entries(obj)) {
      const path = prefix ? `${prefix}.${k}` : k
      if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0 && !isLeaf(path)) walk(v as Record<string, unknown>, path)
      else out.push({path, value: v})
    }
  }
  walk(values, '')
  return out
}

const leaves = new Map<string, boolean>()
/** Whether any shipped release has `path` as one value (or as a free-form map holding it). */
export function isChartLeaf(path: string): boolean {
  let leaf = leaves.get(path)
  if (leaf === undefined) {
    leaf = CHART_RELEASES.some((r) => {
      const w = where(path, r)
      return w === 'key' || w === 'under-leaf'
    })
    leaves.set(path, leaf)
  }
  return leaf
}

export {isVolatilePath}
