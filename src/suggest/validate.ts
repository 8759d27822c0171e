/*
 * `--validate`: the values Helm would render (chart defaults ← current user values ← overlay) checked
 * against the chart's values.schema.json, as `helm upgrade` does. The Cilium schema allows unknown keys,
 * so keys missing from the chart's values.yaml are reported separately: Helm would ignore them silently.
 */
import {Ajv} from 'ajv'
import {deepMerge, getPath, isMap, splitPath} from './paths.js'

// The chart schema is ~60 KB; compiling it dominates, so each schema object is compiled once.
const cache = new WeakMap<object, ReturnType<Ajv['compile']>>()
function compiled(schema: Record<string, unknown>) {
  let v = cache.get(schema)
  if (!v) {
    const {$schema: _draft, ...rest} = schema // draft-07, Ajv's default; the meta-schema URL is not needed
    v = new Ajv({strict: false, allErrors: true, code: {optimize: false}}).compile(rest)
    cache.set(schema, v)
  }
  return v
}

export interface ValidationResult {
  valid: boolean
  errors: string[] // "bpf.lbMapMax: must be integer,null"
  unknownPaths: string[] // overlay paths the chart's values.yaml does not have
}

export function validateValues(o: {
  schema?: Record<string, unknown>
  chartDefaults?: Record<string, unknown>
  user: Record<string, unknown>
  overlay: Record<string, unknown>
  overlayPaths: string[]
  commented?: string[]
}): ValidationResult {
  const merged = deepMerge(deepMerge(o.chartDefaults ?? {}, o.user), o.overlay)
  const errors: string[] = []
  if (o.schema) {
    const validate = compiled(o.schema)
    if (!validate(merged)) {
      for (const e of validate.errors ?? []) {
        const path = e.instancePath.replace(/^\//, '').replace(/\//g, '.') || '(root)'
        errors.push(`${path}: ${e.message ?? 'invalid'}${e.params && 'allowedValues' in e.params ? ` (${(e.params.allowedValues as unknown[]).join(', ')})` : ''}`)
      }
    }
  }
  const unknownPaths: string[] = []
  const commented = new Set(o.commented ?? [])
  if (o.chartDefaults && Object.keys(o.chartDefaults).length > 0) {
    for (const p of o.overlayPaths) {
      // the chart knows a value its schema declares or its values.yaml documents (even commented out)
      if (commented.has(p) || (o.schema && schemaKnows(o.schema, splitPath(p)))) continue
      const keys = splitPath(p)
      const parent = keys.length > 1 ? getPath(o.chartDefaults, keys.slice(0, -1).join('.')) : o.chartDefaults
      // extraConfig and similar free-form maps are empty in the chart; a key under them is expected.
      const freeForm = isMap(parent) && Object.keys(parent).length === 0
      if (!isMap(parent) || (!(keys[keys.length - 1] in parent) && !freeForm)) unknownPaths.push(p)
    }
  }
  return {valid: errors.length === 0, errors, unknownPaths}
}

/** Whether a JSON schema declares the path (a level with additionalProperties/patternProperties takes any key). */
export function schemaKnows(schema: Record<string, unknown>, keys: string[]): boolean {
  let node: unknown = schema
  for (const k of keys) {
    if (!isMap(node)) return false
    const props = node.properties
    if (isMap(props) && k in props) {
      node = props[k]
      continue
    }
    return node.additionalProperties === true || isMap(node.additionalProperties) || isMap(node.patternProperties)
  }
  return true
}
