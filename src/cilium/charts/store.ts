/*
 * The shipped catalog, compact: every key once, with an entry only for the release where it appears or its
 * type/default changes, and an empty entry where it is removed. About 1 000 keys per release across seven
 * releases fit in a fraction of one values.yaml. catalog.json and diffs.json are written by
 * scripts/chart-catalog.mjs; never edit them by hand.
 */
import type {Deprecation, Gate, KeyInfo, Scalar, VersionCatalog} from './derive.js'
import type {ChartDiff} from './diff.js'

/** [release index, type, default] (no default for image references), or [release index] = removed there. */
type KeyEntry = [number] | [number, string] | [number, string, Scalar]

export interface CatalogStore {
  generatedBy: string
  /** Per release: where its chart came from. */
  sources: Record<string, string>
  versions: string[]
  keys: Record<string, KeyEntry[]>
  deprecated: Record<string, Array<[number] | [number, Deprecation]>>
  gates: Record<string, Gate[]>
  commented: Record<string, string[]>
}

export interface DiffStore {
  generatedBy: string
  diffs: ChartDiff[]
}

function sameInfo(a: KeyInfo | undefined, b: KeyInfo | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}

export function encodeCatalogs(catalogs: VersionCatalog[], sources: Record<string, string>, generatedBy: string): CatalogStore {
  const store: CatalogStore = {generatedBy, sources, versions: catalogs.map((c) => c.version), keys: {}, deprecated: {}, gates: {}, commented: {}}
  const all = [...new Set(catalogs.flatMap((c) => Object.keys(c.keys)))].sort()
  for (const path of all) {
    const entries: KeyEntry[] = []
    let prev: KeyInfo | undefined
    catalogs.forEach((c, i) => {
      const info = c.keys[path]
      if (sameInfo(info, prev)) return
      if (!info) entries.push([i])
      else entries.push('default' in info ? [i, info.type, info.default ?? null] : [i, info.type])
      prev = info
    })
    store.keys[path] = entries
  }
  const deprecatedPaths = [...new Set(catalogs.flatMap((c) => Object.keys(c.deprecated)))].sort()
  for (const path of deprecatedPaths) {
    const entries: Array<[number] | [number, Deprecation]> = []
    let prev: Deprecation | undefined
    catalogs.forEach((c, i) => {
      const d = c.deprecated[path]
      if (JSON.stringify(d) === JSON.stringify(prev)) return
      entries.push(d ? [i, d] : [i])
      prev = d
    })
    store.deprecated[path] = entries
  }
  for (const c of catalogs) {
    store.gates[c.version] = c.gates
    store.commented[c.version] = c.commented
  }
  return store
}

/** The value in force at release `index`: the last entry at or before it. */
export function at<E extends [number, ...unknown[]]>(entries: E[], index: number): E | undefined {
  let found: E | undefined
  for (const e of entries) if (e[0] <= index) found = e
  return found
}

export function decodeCatalog(store: CatalogStore, version: string): VersionCatalog | undefined {
  const index = store.versions.indexOf(version)
  if (index < 0) return undefined
  const keys: Record<string, KeyInfo> = {}
  for (const [path, entries] of Object.entries(store.keys)) {
    const e = at(entries, index)
    if (!e || e.length === 1) continue
    keys[path] = e.length === 3 ? {type: e[1], default: e[2]} : {type: e[1]}
  }
  const deprecated: Record<string, Deprecation> = {}
  for (const [path, entries] of Object.entries(store.deprecated)) {
    const e = at(entries, index)
    if (e && e.length === 2) deprecated[path] = e[1]
  }
  return {version, keys, deprecated, gates: store.gates[version] ?? [], commented: store.commented[version] ?? []}
}
