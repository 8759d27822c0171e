/*
 * What changes between two charts' values: keys removed (with the successor and the basis for it), keys
 * whose type no longer accepts the old values, defaults that changed, and upgradeCompatibility gates that
 * the upgrade crosses. Pure; the same function makes the shipped diffs and the diff against a --chart.
 */
import type {Deprecation, Gate, KeyInfo, Scalar, VersionCatalog} from './derive.js'
import {compareMinor} from './minor.js'
import {noteFor} from './notes.js'

export interface RemovedValue {
  path: string
  successor?: string
  /** Where the successor comes from: an upgrade note's URL, the older chart's own comment, or the key moving. */
  basis?: string
  /** The older chart already ignored it (its comment says no-op). */
  noop?: true
  manual?: true
}

export interface RetypedValue {
  path: string
  from: string
  to: string
}

export interface ChangedDefault {
  path: string
  from: Scalar
  to: Scalar
}

export interface ChartDiff {
  from: string
  to: string
  removed: RemovedValue[]
  retyped: RetypedValue[]
  defaults: ChangedDefault[]
  /** Gates newer than `from`: their defaults change unless upgradeCompatibility is set to `from`'s minor. */
  gates: Gate[]
}

export function minorOf(version: string): string {
  const m = /(\d+)\.(\d+)/.exec(version)
  return m ? `${m[1]}.${m[2]}` : version
}

/** Whether `path` is a key of the catalog, or lies under one (a free-form map), or has keys under it. */
export function knows(keys: Record<string, KeyInfo>, path: string): 'key' | 'under-leaf' | 'parent' | undefined {
  if (path in keys) return 'key'
  const parts = path.split('.')
  for (let i = parts.length - 1; i > 0; i--) if (parts.slice(0, i).join('.') in keys) return 'under-leaf'
  const prefix = `${path}.`
  return Object.keys(keys).some((k) => k.startsWith(prefix)) ? 'parent' : undefined
}

function nonNull(type: string): string[] {
  return type.split('|').filter((t) => t !== 'null')
}

/** A value of type `from` is still accepted where the chart now says `to` (integer fits number). */
export function typeAccepts(to: string, from: string): boolean {
  const target = nonNull(to)
  const source = nonNull(from)
  if (target.length === 0 || source.length === 0) return true
  return source.every((t) => target.includes(t) || (t === 'integer' && target.includes('number')))
}

/** The deprecation that covers `path`: its own, or an ancestor's (whose successor may carry the rest of the path). */
function deprecationOf(dep: Record<string, Deprecation>, path: string): {noop?: true, successors: string[]} | undefined {
  if (dep[path]) return {noop: dep[path].noop, successors: dep[path].successor ? [dep[path].successor] : []}
  const parts = path.split('.')
  for (let i = parts.length - 1; i > 0; i--) {
    const d = dep[parts.slice(0, i).join('.')]
    if (d) return {noop: d.noop, successors: d.successor ? [[d.successor, ...parts.slice(i)].join('.'), d.successor] : []}
  }
  return undefined
}

/** A key that moved one level (a segment inserted or dropped) with its default unchanged. */
function movedTo(path: string, from: VersionCatalog, to: VersionCatalog, added: string[]): string | undefined {
  const p = path.split('.')
  return added.find((a) => {
    const q = a.split('.')
    if (Math.abs(q.length - p.length) !== 1 || q[q.length - 1] !== p[p.length - 1]) return false
    const [long, short] = q.length > p.length ? [q, p] : [p, q]
    const fits = long.some((_, i) => long.filter((__, j) => j !== i).join('.') === short.join('.'))
    return fits && JSON.stringify(to.keys[a].default) === JSON.stringify(from.keys[path].default)
  })
}

function removedValue(path: string, from: VersionCatalog, to: VersionCatalog, added: string[]): RemovedValue {
  const out: RemovedValue = {path}
  const note = noteFor(path, minorOf(to.version))
  const dep = deprecationOf(from.deprecated, path)
  if (dep?.noop) out.noop = true
  const candidates: Array<[string | undefined, string]> = [
    [note?.successor, note?.url ?? ''],
    ...(dep?.successors ?? []).map((s): [string, string] => [s, `values.yaml of ${from.version} calls it deprecated in favour of ${s}`]),
    [movedTo(path, from, to, added), `moved in ${to.version} with the same default`],
    [/^enable[A-Z]/.test(path) ? `${path[6].toLowerCase()}${path.slice(7)}.enabled` : undefined, `renamed in ${to.version}`],
  ]
  // a successor must be a value of the new chart, or a map of them; not a path under a scalar
  const found = candidates.find(([s]) => s !== undefined && ['key', 'parent'].includes(knows(to.keys, s) ?? ''))
  if (found) {
    out.successor = found[0]
    out.basis = found[1]
  } else if (note) {
    out.basis = note.url
  }
  if (note?.manual) out.manual = true
  return out
}

export function diffCatalogs(from: VersionCatalog, to: VersionCatalog): ChartDiff {
  const added = Object.keys(to.keys).filter((k) => !(k in from.keys))
  const removed: RemovedValue[] = []
  const retyped: RetypedValue[] = []
  const defaults: ChangedDefault[] = []
  for (const [path, info] of Object.entries(from.keys)) {
    const now = to.keys[path]
    if (!now) {
      const where = knows(to.keys, path)
      // a scalar whose place is now a map: its old values no longer fit
      if (where === 'parent' && info.type !== 'object') retyped.push({path, from: info.type, to: 'object'})
      // a key the new values.yaml documents commented out is still a value (kubeProxyReplacement in 1.16)
      if (where === undefined && !to.commented.includes(path)) removed.push(removedValue(path, from, to, added))
      continue
    }
    if (!typeAccepts(now.type, info.type)) retyped.push({path, from: info.type, to: now.type})
    if ('default' in info && 'default' in now && JSON.stringify(info.default) !== JSON.stringify(now.default)) {
      defaults.push({path, from: info.default ?? null, to: now.default ?? null})
    }
  }
  const fromMinor = minorOf(from.version)
  const toMinor = minorOf(to.version)
  const gates = to.gates.filter((g) => compareMinor(g.since, fromMinor) > 0 && compareMinor(g.since, toMinor) <= 0)
  return {from: from.version, to: to.version, removed, retyped, defaults, gates}
}
