/*
 * The chart knowledge shipped with ciltune (released charts 1.14 → 1.20): loaded on first use, since only
 * upgrade-check needs it.
 */
import type {VersionCatalog} from './derive.js'
import type {ChartDiff} from './diff.js'
import {minorOf, type RemovedValue} from './diff.js'
import {compareMinor} from './minor.js'
import {decodeCatalog, type CatalogStore, type DiffStore} from './store.js'

export * from './derive.js'
export * from './diff.js'
export {compareMinor} from './minor.js'
export {compactDefault, isVolatilePath} from './catalog-values.js'
export * from './requirements.js'
export {UPGRADE_NOTES, noteFor, type UpgradeNote} from './notes.js'

let stores: Promise<{catalog: CatalogStore, diffs: DiffStore}> | undefined

async function load(): Promise<{catalog: CatalogStore, diffs: DiffStore}> {
  stores ??= (async () => {
    const [catalog, diffs] = await Promise.all([
      import('./catalog.json', {with: {type: 'json'}}),
      import('./diffs.json', {with: {type: 'json'}}),
    ])
    return {catalog: catalog.default as unknown as CatalogStore, diffs: diffs.default as unknown as DiffStore}
  })()
  return stores
}

/** The shipped releases, oldest first (one chart per minor, its newest patch). */
export async function shippedVersions(): Promise<string[]> {
  return (await load()).catalog.versions
}

/** The shipped catalog of the release with the same minor as `version`. */
export async function shippedCatalog(version: string): Promise<VersionCatalog | undefined> {
  const {catalog} = await load()
  const release = catalog.versions.find((v) => minorOf(v) === minorOf(version))
  return release ? decodeCatalog(catalog, release) : undefined
}

export async function shippedDiff(fromVersion: string, toVersion: string): Promise<ChartDiff | undefined> {
  const {diffs} = await load()
  return diffs.diffs.find((d) => minorOf(d.from) === minorOf(fromVersion) && minorOf(d.to) === minorOf(toVersion))
}

export async function shippedSource(version: string): Promise<string | undefined> {
  const {catalog} = await load()
  const release = catalog.versions.find((v) => minorOf(v) === minorOf(version))
  return release ? `${release}: ${catalog.sources[release]}` : undefined
}

/** Values the shipped charts removed up to and including `version`'s minor, each with the release that removed it. */
export async function shippedRemovals(version: string): Promise<Array<RemovedValue & {removedIn: string}>> {
  const {diffs} = await load()
  return diffs.diffs.filter((d) => compareMinor(minorOf(d.to), minorOf(version)) <= 0).flatMap((d) => d.removed.map((r) => ({...r, removedIn: d.to})))
}
