/*
 * Helm values as trees (get, set, merge as Helm does) and conversions between cilium-config strings and
 * Helm value types. Which path maps to which key is src/cilium/helm-config.ts.
 */
import type {ValueType} from '../cilium/helm-config.js'

export {configKeyFor, helmPathFor, helmPathForConfigKey, KEY_MAPPINGS, pathAvailable} from '../cilium/helm-config.js'
export type {KeyMapping, ValueType} from '../cilium/helm-config.js'

/** cilium-config string → the Helm value's type. */
export function fromConfigString(value: string, type: ValueType): unknown {
  const v = value.trim()
  switch (type) {
    case 'bool': return v === 'true' ? true : v === 'false' ? false : v
    case 'int': return /^-?\d+$/.test(v) ? Number(v) : v
    case 'number': return v !== '' && Number.isFinite(Number(v)) ? Number(v) : v
    default: return v
  }
}

/** Helm value → the string the chart renders into cilium-config. */
export function toConfigString(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (Array.isArray(value)) return value.join(' ')
  return String(value)
}

export function splitPath(path: string): string[] {
  return path.split('.')
}

export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj
  for (const k of splitPath(path)) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined
    cur = (cur as Record<string, unknown>)[k]
  }
  return cur
}

export function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = splitPath(path)
  let cur = obj
  for (const k of keys.slice(0, -1)) {
    const next = cur[k]
    if (next === null || typeof next !== 'object' || Array.isArray(next)) cur[k] = {}
    cur = cur[k] as Record<string, unknown>
  }
  cur[keys[keys.length - 1]] = value
}

/** Deep merge as Helm does: maps merge, everything else replaces; a null in `over` deletes. */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (over === undefined) return structuredClone(base)
  if (!isMap(base) || !isMap(over)) return structuredClone(over)
  const out: Record<string, unknown> = structuredClone(base)
  for (const [k, v] of Object.entries(over)) {
    if (v === null) delete out[k]
    else out[k] = deepMerge(out[k], v)
  }
  return out
}

export function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}
