/*
 * Which chart releases have a Helm value, for rules: removed, not yet added, or called deprecated by the
 * chart's own values.yaml. Rules do no I/O and run synchronously, so this module reads the shipped catalog
 * (catalog.json, diffs.json: one source, written by scripts/chart-catalog.mjs) through static JSON imports; it is
 * reached only through the rule registry, which the engine itself loads on first use.
 */
import catalogJson from './catalog.json' with {type: 'json'}
import diffsJson from './diffs.json' with {type: 'json'}
import {compactDefault, isVolatilePath} from './catalog-values.js'
import type {Scalar} from './derive.js'
import {minorOf, type RemovedValue} from './diff.js'
import {at, type CatalogStore, type DiffStore} from './store.js'

const store = catalogJson as unknown as CatalogStore
const diffs = (diffsJson as unknown as DiffStore).diffs

/** The releases ciltune ships chart facts for, oldest first (one per minor, its newest patch). */
export const CHART_RELEASES: readonly string[] = store.versions

const RELEASE_INDEX = new Map(store.versions.map((v, i) => [v, i]))

/*
 * Questions about one key in one release, answered from the store's entries for that key: decoding whole
 * catalogs (a thousand keys each, every release, to ask about the few keys a values file sets) was 40–50 ms of
 * every doctor run.
 */

/** Whether the release's chart has `path` as a value. */
function hasKey(path: string, release: string): boolean {
  const entries = Object.hasOwn(store.keys, path) ? store.keys[path] : undefined
  const e = entries && at(entries, RELEASE_INDEX.get(release)!)
  return e !== undefined && e.length > 1
}

let descendants: Map<string, string[]> | undefined
/** Every key path below `path` in any release: a map of values has one of them in its release. */
function below(path: string): readonly string[] {
  if (!descendants) {
    descendants = new Map()
    for (const k of Object.keys(store.keys)) {
      const parts = k.split('.')
      for (let i = 1; i < parts.length; i++) {
        const p = parts.slice(0, i).join('.')
        let list = descendants.get(p)
        if (!list) descendants.set(p, list = [])
        list.push(k)
      }
    }
  }
  return descendants.get(path) ?? []
}

const commentedSets = new Map<string, Set<string>>()
function commented(release: string): Set<string> {
  let c = commentedSets.get(release)
  if (!c) commentedSets.set(release, c = new Set(store.commented[release] ?? []))
  return c
}

/** As diff.ts's knows(): a value, under a free-form value, or a map of values. */
function where(path: string, release: string): 'key' | 'under-leaf' | 'parent' | undefined {
  if (hasKey(path, release)) return 'key'
  const parts = path.split('.')
  for (let i = parts.length - 1; i > 0; i--) if (hasKey(parts.slice(0, i).join('.'), release)) return 'under-leaf'
  return below(path).some((k) => hasKey(k, release)) ? 'parent' : undefined
}

/** The shipped release of `version`'s minor, or undefined when ciltune has no chart facts for it. */
export function releaseOf(version: string | undefined): string | undefined {
  if (!version) return undefined
  return CHART_RELEASES.find((r) => minorOf(r) === minorOf(version))
}

/** Whether the release's chart reads `path`: a value, inside a free-form map, a map of values, or documented commented out. */
function inChart(path: string, release: string): boolean {
  return where(path, release) !== undefined || commented(release).has(path)
}

/** The deprecation the release's values.yaml states for `path` or one of its ancestors. */
function deprecationAt(path: string, release: string): {path: string, successor?: string, noop?: true} | undefined {
  const index = RELEASE_INDEX.get(release)!
  const parts = path.split('.')
  for (let i = parts.length; i > 0; i--) {
    const p = parts.slice(0, i).join('.')
    const e = Object.hasOwn(store.deprecated, p) ? at(store.deprecated[p], index) : undefined
    if (e && e.length === 2) return {path: p, ...e[1]}
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
  const entries = Object.hasOwn(store.keys, path) ? store.keys[path] : undefined
  const e = entries && at(entries, RELEASE_INDEX.get(release)!)
  return e?.length === 3 ? e[2] : undefined
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
