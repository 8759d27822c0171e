/*
 * What a Cilium chart's values look like, reduced to what an upgrade needs: every value path with its type
 * and default, the keys the chart itself calls deprecated (and their successor), and the templates'
 * `upgradeCompatibility` gates. Pure: text in, data out. scripts/chart-catalog.mjs runs it over released
 * charts to write the shipped catalog; upgrade-check runs it on a chart given with --chart.
 */
import {commentedKeys} from '../../suggest/commented-keys.js'
import {compareMinor} from './minor.js'
import {compactDefault, isVolatilePath} from './catalog-values.js'
import {isMap as isYamlMap, isScalar, parseDocument, type Pair, type YAMLMap} from 'yaml'

export type Scalar = string | number | boolean | null

export interface KeyInfo {
  /** JSON-schema-like type names joined with "|" in sorted order, e.g. "boolean", "null|string", "object". */
  type: string
  /** Scalars as they are; a list or map as its JSON when short, else "#" + a hash (changes still show). */
  default?: Scalar
}

export interface Gate {
  /** The template's threshold: behaviour new in this minor applies unless upgradeCompatibility is older. */
  since: string
  /** Values whose default the gate decides (first `.Values.x` inside the gated template definition). */
  values: string[]
}

export interface VersionCatalog {
  version: string
  keys: Record<string, KeyInfo>
  /** Keys the chart's own comment calls deprecated. */
  deprecated: Record<string, Deprecation>
  gates: Gate[]
  /** Keys values.yaml documents but comments out (`# kubeProxyReplacement: "false"` in 1.16): values all the same. */
  commented: string[]
}

function typeOf(v: unknown): string {
  if (v === null || v === undefined) return 'null'
  if (Array.isArray(v)) return 'array'
  if (typeof v === 'object') return 'object'
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number'
  return typeof v
}

/** A map whose keys are not identifiers (label/annotation maps like nodeSelector) is free-form: a leaf. */
function freeForm(v: Record<string, unknown>): boolean {
  return Object.keys(v).length === 0 || Object.keys(v).some((k) => !/^[A-Za-z_][\w-]*$/.test(k))
}

function schemaAt(schema: unknown, keys: string[]): Record<string, unknown> | undefined {
  let cur: unknown = schema
  for (const k of keys) {
    const props = isObj(cur) ? cur.properties : undefined
    if (!isObj(props) || !isObj(props[k])) return undefined
    cur = props[k]
  }
  return isObj(cur) ? cur : undefined
}

function isObj(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

function schemaType(node: Record<string, unknown> | undefined): string | undefined {
  const t = node?.type
  if (typeof t === 'string') return t
  if (Array.isArray(t) && t.every((x) => typeof x === 'string')) return [...t].sort().join('|')
  return undefined
}

/** Every value path of a chart's values.yaml (parsed), typed by values.schema.json where it has one. */
export function keysOf(values: Record<string, unknown>, schema?: unknown): Record<string, KeyInfo> {
  const out: Record<string, KeyInfo> = {}
  const walk = (obj: Record<string, unknown>, prefix: string[]) => {
    for (const [k, v] of Object.entries(obj)) {
      const keys = [...prefix, k]
      const path = keys.join('.')
      if (isObj(v) && !freeForm(v)) {
        walk(v, keys)
        continue
      }
      const info: KeyInfo = {type: schemaType(schemaAt(schema, keys)) ?? typeOf(v)}
      if (!isVolatilePath(path)) info.default = compactDefault(v)
      out[path] = info
    }
  }
  walk(values, [])
  return out
}

/** What the chart's own comment says of a deprecated key: its successor, or that it already does nothing. */
export interface Deprecation {
  successor?: string
  noop?: true
}

const NAMED = [
  /`([A-Za-z_][\w.-]*[\w])`/g,
  /'([A-Za-z_][\w.-]*[\w])'/g,
  /(?:in favou?r of|use)\s+(?:the\s+)?(?:top-level\s+)?([A-Za-z_][\w.-]*[\w])/gi,
]

function successorIn(comment: string, self: string, known: Record<string, KeyInfo>): string | undefined {
  const names = NAMED.flatMap((re) => [...comment.matchAll(re)].map((m) => m[1]))
  const paths = Object.keys(known)
  return names.find((n) => n !== self && (n in known || paths.some((k) => k.startsWith(`${n}.`))))
}

/** Keys whose comment in values.yaml calls them deprecated, with the successor the comment names. */
export function deprecatedKeys(valuesText: string, known: Record<string, KeyInfo>): Record<string, Deprecation> {
  const doc = parseDocument(valuesText)
  const out: Record<string, Deprecation> = {}
  const visit = (map: YAMLMap, prefix: string[]) => {
    map.items.forEach((pair: Pair) => {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key)
      const keys = [...prefix, key]
      if (isYamlMap(pair.value)) visit(pair.value, keys)
      // the key's own doc block: the comment lines right above it, after the last blank line
      const own = ((pair.key as {commentBefore?: string} | null)?.commentBefore ?? '').split(/\n\s*\n/).pop() ?? ''
      if (!/deprecat/i.test(own)) return
      const path = keys.join('.')
      const d: Deprecation = {}
      const successor = successorIn(own.slice(own.search(/deprecat/i)), path, known)
      if (successor) d.successor = successor
      if (/no-op/i.test(own)) d.noop = true
      out[path] = d
    })
  }
  if (isYamlMap(doc.contents)) visit(doc.contents, [])
  return out
}

const GATE = /semverCompare\s+">=\s*(\d+\.\d+)"\s+\(default\s+"\d+\.\d+"\s+\.Values\.upgradeCompatibility\)/

/** The templates' upgradeCompatibility thresholds and the values each one decides. */
export function gatesOf(templatesText: string): Gate[] {
  const lines = templatesText.split('\n')
  const bySince = new Map<string, Set<string>>()
  lines.forEach((line, i) => {
    const m = GATE.exec(line)
    if (!m) return
    // the value decided is named in the enclosing definition, a few lines above the gate
    const above = lines.slice(Math.max(0, i - 8), i).reverse()
    const stop = above.findIndex((l) => /\{\{-?\s*define\s/.test(l))
    // inside a definition the value is named above the gate; a bare gate names it in the block it opens
    const scope = stop >= 0 ? above.slice(0, stop + 1) : lines.slice(i + 1, i + 5)
    const named = scope.flatMap((l) => [...l.matchAll(/\.Values\.([\w.]+)/g)].map((x) => x[1])).filter((v) => v !== 'upgradeCompatibility')
    const set = bySince.get(m[1]) ?? new Set<string>()
    for (const v of named.slice(0, 1)) set.add(v)
    bySince.set(m[1], set)
  })
  return [...bySince].map(([since, values]) => ({since, values: [...values].sort()}))
    .sort((a, b) => compareMinor(a.since, b.since))
}

export function catalogOf(args: {version: string, valuesText: string, schema?: unknown, templatesText?: string}): VersionCatalog {
  const doc = parseDocument(args.valuesText)
  const values = (doc.toJS() ?? {}) as Record<string, unknown>
  const keys = keysOf(values, args.schema)
  const commented = [...new Set(commentedKeys(args.valuesText))].filter((k) => !(k in keys)).sort()
  return {version: args.version, keys, deprecated: deprecatedKeys(args.valuesText, keys), gates: args.templatesText ? gatesOf(args.templatesText) : [], commented}
}
