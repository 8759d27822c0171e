/*
 * The values the user set, as leaves (path → value) each with the line it came from, so every finding
 * points at the line to change: a values file gives file and line; the Helm release gives its source only.
 */
import {readFileSync} from 'node:fs'
import {isMap, isScalar, LineCounter, parseDocument, type Node as YamlNode} from 'yaml'
import type {Evidence} from '../rules/types.js'
import {isMap as isObject} from '../suggest/paths.js'

export interface UserLeaf {
  path: string
  value: unknown
  evidence: Evidence
}

function display(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value)
}

/** Leaves of a values tree: scalars, lists and empty maps (a set `{}` is a value too). */
export function leavesOf(values: Record<string, unknown>, source: string, lines?: Map<string, {line: number, text: string}>): UserLeaf[] {
  const out: UserLeaf[] = []
  const walk = (obj: Record<string, unknown>, prefix: string) => {
    for (const [k, v] of Object.entries(obj)) {
      const path = prefix ? `${prefix}.${k}` : k
      if (isObject(v) && Object.keys(v).length > 0) {
        walk(v, path)
        continue
      }
      const at = lines?.get(path)
      out.push({path, value: v, evidence: {source, line: at?.line ?? 0, text: at?.text ?? `${path}: ${display(v)}`}})
    }
  }
  walk(values, '')
  return out
}

/** Line and text of every key of a values file, by dotted path. */
export function keyLines(text: string): Map<string, {line: number, text: string}> {
  const counter = new LineCounter()
  const doc = parseDocument(text, {lineCounter: counter})
  const rows = text.split(/\r?\n/)
  const out = new Map<string, {line: number, text: string}>()
  const visit = (node: YamlNode | null, prefix: string) => {
    if (!isMap(node)) return
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key)
      const path = prefix ? `${prefix}.${key}` : key
      const start = (pair.key as YamlNode | null)?.range?.[0]
      if (start !== undefined) {
        const line = counter.linePos(start).line
        out.set(path, {line, text: (rows[line - 1] ?? '').trim()})
      }
      visit(pair.value as YamlNode | null, path)
    }
  }
  visit(doc.contents, '')
  return out
}

/** The user's leaves from where currentValues found them: a values file (with lines) or the release. */
export function userLeaves(values: Record<string, unknown>, from: {valuesFile?: string, source: string}): UserLeaf[] {
  if (!from.valuesFile) return leavesOf(values, from.source)
  let lines: Map<string, {line: number, text: string}> | undefined
  try {
    lines = keyLines(readFileSync(from.valuesFile, 'utf8').replace(/^USER-SUPPLIED VALUES:[^\n]*\n/, '\n'))
  } catch {
    lines = undefined // already read once by currentValues; without lines the finding still names the key
  }
  return leavesOf(values, from.valuesFile, lines)
}
