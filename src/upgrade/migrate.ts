/*
 * The migrated values file: keys the target chart removed are taken out, their successors set in their
 * place. Removals go through yaml's Document API (comments on every other key stay where they were);
 * the successor values are spliced in by suggest's merge, which keeps the rest of the text byte for byte
 * and writes a comment saying what each new key replaces.
 */
import {isMap, isScalar, parseDocument, stringify, type Document} from 'yaml'
import {mergeValues, type MergeEdit} from '../suggest/merge.js'
import {splitPath} from '../suggest/paths.js'
import {InputError} from '../util/errors.js'
import type {Migration} from './values-check.js'

const HEADER = /^USER-SUPPLIED VALUES:[^\n]*\n/

/** The comment above a removed key may be the file's header or a section's: it moves to the next key. */
function keepCommentAbove(doc: Document, keys: string[]): void {
  const map = keys.length === 1 ? doc.contents : doc.getIn(keys.slice(0, -1), true)
  if (!isMap(map)) return
  const at = map.items.findIndex((pair) => isScalar(pair.key) && String(pair.key.value) === keys[keys.length - 1])
  const key = map.items[at]?.key as {commentBefore?: string | null} | undefined
  const next = map.items[at + 1]?.key as {commentBefore?: string | null} | undefined
  if (!key?.commentBefore || !next) return
  next.commentBefore = next.commentBefore ? `${key.commentBefore}\n${next.commentBefore}` : key.commentBefore
}

function removeAll(text: string, paths: string[], source: string): string {
  if (paths.length === 0) return text
  const doc = parseDocument(text)
  if (doc.errors.length > 0) throw new InputError(`${source}: not valid YAML (${doc.errors[0].message.split('\n')[0]})`)
  for (const p of paths) {
    const keys = splitPath(p)
    keepCommentAbove(doc, keys)
    doc.deleteIn(keys)
    // a map left empty by the removal goes too (bgp: {} would still be an unknown key)
    for (let i = keys.length - 1; i > 0; i--) {
      const parent = doc.getIn(keys.slice(0, i), true)
      if (!isMap(parent) || parent.items.length > 0) break
      doc.deleteIn(keys.slice(0, i))
    }
  }
  return doc.toString({lineWidth: 0})
}

function edits(migrations: Migration[]): MergeEdit[] {
  return migrations.flatMap((m) => m.set.map((s) => ({path: s.path, value: s.value, comment: `ciltune upgrade-check: replaces ${m.remove.join(', ')} (${m.reason})`})))
}

/** The values file rewritten for the target chart; the original text when there is nothing to migrate. */
export function migrateText(text: string, migrations: Migration[], source: string): string {
  const body = text.replace(HEADER, '')
  const removed = removeAll(body, migrations.flatMap((m) => m.remove), source)
  const e = edits(migrations)
  return e.length > 0 ? mergeValues(removed, e, source).text : removed
}

/** The same for values read from the Helm release (no file): rendered fresh. */
export function migrateValues(values: Record<string, unknown>, migrations: Migration[], target: string): string {
  return `# Helm values migrated by ciltune upgrade-check for chart ${target}\n${migrateText(stringify(values, {lineWidth: 0}), migrations, 'Helm release values')}`
}
