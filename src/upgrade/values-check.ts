/*
 * The user's values against the chart diff: values the target no longer has (with successor, migration
 * and what happens when nothing is done), values whose type the target rejects, and defaults that change
 * under keys the user did not set.
 */
import {knows, noteFor, typeAccepts, upgradeNotesUrl, type ChartDiff, type RemovedValue, type Scalar, type VersionCatalog} from '../cilium/charts/index.js'
import {minorOf} from '../cilium/charts/index.js'
import type {Finding, HelmSuggestion} from '../rules/types.js'
import {upgradeFinding} from './checks.js'
import type {UserLeaf} from './user-values.js'

/** One change the migrated values file makes: `remove` the old paths, `set` the successor values. */
export interface Migration {
  remove: string[]
  set: Array<{path: string, value: Scalar}>
  /** Why, for the comment above the new key. */
  reason: string
}

export interface ValuesCheck {
  findings: Finding[]
  migrations: Migration[]
}

function typeOfValue(v: unknown): string {
  if (v === null || v === undefined) return 'null'
  if (Array.isArray(v)) return 'array'
  if (typeof v === 'object') return 'object'
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number'
  return typeof v
}

function show(v: unknown): string {
  return JSON.stringify(v) ?? 'null'
}

/** The catalog key a user path falls under: the key itself, or the free-form map that holds it. */
function keyFor(keys: VersionCatalog['keys'], path: string): string | undefined {
  const where = knows(keys, path)
  if (where === 'key') return path
  if (where !== 'under-leaf') return undefined
  const parts = path.split('.')
  for (let i = parts.length - 1; i > 0; i--) {
    const k = parts.slice(0, i).join('.')
    if (k in keys) return k
  }
  return undefined
}

function isScalar(v: unknown): v is Scalar {
  return v === null || ['string', 'number', 'boolean'].includes(typeof v)
}

/** The successor values for the user's leaves under a removed key, when they carry over as they are. */
function successorValues(r: RemovedValue, leaves: UserLeaf[], to: VersionCatalog): Array<{path: string, value: Scalar}> | undefined {
  if (!r.successor || r.manual) return undefined
  const note = noteFor(r.path, minorOf(to.version))
  if (note?.migrate) return leaves.length === 1 ? note.migrate(leaves[0].value) : undefined
  const out: Array<{path: string, value: Scalar}> = []
  for (const l of leaves) {
    const path = r.successor + l.path.slice(r.path.length)
    const info = to.keys[path]
    if (!info || !isScalar(l.value) || !typeAccepts(info.type, typeOfValue(l.value))) return undefined
    out.push({path, value: l.value})
  }
  return out
}

function effectOf(r: RemovedValue, to: VersionCatalog): string {
  const note = noteFor(r.path, minorOf(to.version))
  if (note) return note.effect
  if (r.noop) return 'nothing changes: the current chart already ignored it'
  if (r.successor) {
    const d = to.keys[r.successor]?.default
    return `Helm ignores it without a word, and ${r.successor} keeps its ${to.version} default${d !== undefined ? ` (${show(d)})` : ''} instead of your setting`
  }
  return `Helm ignores it without a word; whatever it configured is no longer configurable in ${to.version} (see ${upgradeNotesUrl(minorOf(to.version))})`
}

function removedFinding(r: RemovedValue, leaves: UserLeaf[], from: VersionCatalog, to: VersionCatalog): {finding: Finding, migration?: Migration} {
  const old = from.keys[r.path]?.default
  const atDefault = leaves.length === 1 && leaves[0].path === r.path && JSON.stringify(leaves[0].value) === JSON.stringify(old)
  const messageId = r.noop ? 'removed-noop' : atDefault ? 'removed-default' : 'removed'
  const set = successorValues(r, leaves, to)
  const shown = leaves.map((l) => `${l.path}=${show(l.value)}`).join(', ')
  const successor = r.successor ? `; its successor is ${r.successor}${r.basis ? ` (${r.basis})` : ''}` : ''
  const helm: HelmSuggestion[] = (set ?? []).map((s) => ({path: s.path, value: s.value, reason: `replaces ${shown}, which the ${to.version} chart no longer has`}))
  const manual = r.successor && !set ? `set ${r.successor} by hand (${r.manual ? 'it needs more than this value' : 'the old value does not carry over as it is'}) and remove ${leaves.map((l) => l.path).join(', ')}` : undefined
  const finding = upgradeFinding('upgrade-removed-value', messageId, {
    severity: messageId === 'removed' ? 'high' : 'info',
    title: `${r.path} is not in chart ${to.version}${r.successor ? `; use ${r.successor}` : ''}`,
    message: `${shown} is set, but chart ${to.version} has no ${r.path}${successor}. If nothing is done: ${effectOf(r, to)}.`,
    evidence: leaves.map((l) => l.evidence),
    helm,
    fix: manual ?? (set ? undefined : `remove ${leaves.map((l) => l.path).join(', ')} from the values (${upgradeNotesUrl(minorOf(to.version))})`),
  })
  // Carried over: successor values; dropped: values that changed nothing. A set value with no way to carry
  // it over stays in the file for a person to decide (the finding says so).
  const reason = `${r.path} is not in chart ${to.version}${r.successor ? `; successor ${r.successor}` : ''}`
  const remove = leaves.map((l) => l.path)
  const migration = set ? {remove, set, reason} : messageId !== 'removed' ? {remove, set: [], reason} : undefined
  return {finding, migration}
}

export function checkValues(leaves: UserLeaf[], from: VersionCatalog, to: VersionCatalog, diff: ChartDiff): ValuesCheck {
  const findings: Finding[] = []
  const migrations: Migration[] = []
  const removed = new Map(diff.removed.map((r) => [r.path, r]))
  const retyped = new Map(diff.retyped.map((r) => [r.path, r]))
  const byKey = new Map<string, UserLeaf[]>()
  for (const l of leaves) {
    const k = keyFor(from.keys, l.path)
    if (k && (removed.has(k) || retyped.has(k))) byKey.set(k, [...(byKey.get(k) ?? []), l])
  }
  for (const [k, ls] of byKey) {
    const r = removed.get(k)
    if (r) {
      const {finding, migration} = removedFinding(r, ls, from, to)
      findings.push(finding)
      if (migration) migrations.push(migration)
      continue
    }
    const t = retyped.get(k)!
    const bad = ls.filter((l) => l.path === k && !typeAccepts(t.to, typeOfValue(l.value)))
    if (bad.length === 0) continue
    findings.push(upgradeFinding('upgrade-retyped-value', 'retyped', {
      severity: 'high',
      title: `${k} is ${t.to} in chart ${to.version} (was ${t.from})`,
      message: `${bad.map((l) => `${l.path}=${show(l.value)}`).join(', ')} is a ${typeOfValue(bad[0].value)}; chart ${to.version} expects ${t.to}${to.keys[k] ? ', so helm upgrade fails schema validation' : ` (its keys are now ${k}.*), so the chart does not read it`}.`,
      evidence: bad.map((l) => l.evidence),
      fix: `rewrite ${k} as ${t.to} (${upgradeNotesUrl(minorOf(to.version))})`,
    }))
  }
  findings.push(...changedDefaults(leaves, diff))
  return {findings, migrations}
}

/** Whether the user set `path`, something under it, or a map above it. */
export function userSets(leaves: UserLeaf[], path: string): boolean {
  return leaves.some((l) => l.path === path || l.path.startsWith(`${path}.`) || path.startsWith(`${l.path}.`))
}

/** A catalog default as YAML would write it: short lists and maps are stored as their JSON text. */
function showDefault(v: Scalar): string {
  if (typeof v === 'string' && /^[[{]/.test(v)) {
    try {
      return JSON.stringify(JSON.parse(v))
    } catch {
      return show(v)
    }
  }
  return show(v)
}

function changedDefaults(leaves: UserLeaf[], diff: ChartDiff): Finding[] {
  return diff.defaults.filter((d) => !userSets(leaves, d.path)).map((d) => {
    const hashed = (v: Scalar) => typeof v === 'string' && /^#[0-9a-f]{8}$/.test(v)
    const shown = hashed(d.from) || hashed(d.to) ? 'a list or map default that changed' : `${showDefault(d.from)} → ${showDefault(d.to)}`
    return upgradeFinding('upgrade-default-changed', 'default-changed', {
      severity: 'info',
      title: `${d.path}: default ${hashed(d.from) || hashed(d.to) ? 'changes' : `${showDefault(d.from)} → ${showDefault(d.to)}`}`,
      message: `${d.path} is not set in the values, so the upgrade changes it with the chart default: ${shown} (chart ${diff.from} → ${diff.to}).${d.to === null ? ' A null default means the chart decides from other values.' : ''}`,
      fix: `to keep the old behaviour, set ${d.path}: ${hashed(d.from) ? '(the old default)' : showDefault(d.from)} before upgrading`,
    })
  })
}
