import {createRequire} from 'node:module'
import type {LineCounter, Node as YamlNode} from 'yaml'
import {LazyJsonLines} from './json-lazy-lines.js'
import {parseJsonWithLines} from './json-lines.js'
import {own} from './text.js'
import {readBlockYaml} from './yaml-block.js'

/*
 * Kubernetes objects as kubectl prints them (-o yaml or -o json), read once with their line numbers.
 * JSON goes through a line-tracking JSON reader (fast on tens of MB); YAML through the `yaml`
 * CST with a LineCounter. Nothing here throws: unreadable text gives undefined.
 */

export type PathSeg = string | number

/**
 * The `yaml` library, loaded the first time a text needs it: kubectl's YAML is read by the line reader, so a
 * capture whose files are all in its subset never loads the library (40–50 ms of a start). Its Node build is
 * CommonJS, the same module an `import` would give.
 */
let yamlModule: typeof import('yaml') | undefined
function yaml(): typeof import('yaml') {
  return yamlModule ??= createRequire(import.meta.url)('yaml') as typeof import('yaml')
}

export interface K8sDoc {
  value: unknown
  /** 1-based line of the key (or sequence item) at `path`; 0 when absent. */
  lineOf(path: PathSeg[]): number
  /** The text of a 1-based line ('' when out of range), a copy of its own: a quoted line must not keep a whole list alive. */
  lineText(line: number): string
}

/** Lines are split on first use only: most callers quote a handful of lines from a large text. */
function lineReader(text: string): (line: number) => string {
  let lines: string[] | undefined
  return (line) => {
    lines ??= text.split('\n')
    return own((lines[line - 1] ?? '').replace(/\r$/, ''))
  }
}

export interface ReadOptions {
  /** keys whose values are not needed (a Node's image list): a large document is read without them */
  skipKeys?: ReadonlySet<string>
}

// above this, JSON is parsed natively with lines found on demand, and kubectl's YAML by the line reader
export const LARGE_DOC = 1024 * 1024

export function readK8sDoc(text: string, opts: ReadOptions = {}): K8sDoc | undefined {
  try {
    return readK8sDocStrict(text, opts)
  } catch {
    return undefined
  }
}

/** Why a document cannot be read ("line N: …"), or undefined when it can. */
export function docProblem(text: string): string | undefined {
  try {
    readK8sDocStrict(text)
    return undefined
  } catch (error) {
    return (error as Error).message
  }
}

/**
 * The same, but an unreadable document is an error naming the first bad line, as Helm or kubectl would
 * refuse it: a values file with one broken line must not read as `{}` (every key "absent").
 * Duplicate keys are errors too (Helm's YAML reader rejects them); CR-only line endings are read as lines.
 */
export function readK8sDocStrict(text: string, opts: ReadOptions = {}): K8sDoc {
  if (text.includes('\r') && !text.includes('\n')) text = text.replace(/\r/g, '\n')
  const fast = /^\s*[{[]/.test(text) ? (text.length > LARGE_DOC ? readLargeJson(text) : undefined) : readBlockDoc(text, opts)
  return fast ?? readGeneral(text)
}

/**
 * The general readers, without the fast ones: the line-tracking JSON reader, then the `yaml` library, which
 * names the first bad line of a broken document. The fast readers are tested against this.
 */
export function readGeneral(text: string): K8sDoc {
  const lineText = lineReader(text)
  if (/^\s*[{[]/.test(text)) {
    try {
      const json = parseJsonWithLines(text)
      return {value: json.value, lineText, lineOf: json.lineOf}
    } catch {
      // not strict JSON (a flow-style YAML document, a cut-off capture): the YAML reader below
    }
  }
  const {LineCounter, parseDocument} = yaml()
  const counter = new LineCounter()
  const doc = parseDocument(text, {lineCounter: counter, uniqueKeys: true, prettyErrors: false})
  const error = doc.errors[0]
  if (error) {
    let line = counter.linePos(error.pos[0]).line
    // an error found at the end of the text (an unclosed bracket) points past the last line: quote the last one
    while (line > 1 && lineText(line).trim() === '') line--
    throw new Error(`line ${line}: not valid YAML (${error.code === 'DUPLICATE_KEY' ? 'duplicate key' : error.message.split('\n')[0]}): ${lineText(line).trim().slice(0, 120)}`)
  }
  const value = doc.toJS({maxAliasCount: 100}) as unknown
  return {value, lineText, lineOf: (path) => lineInYaml(doc.contents, path, counter)}
}

/** Large JSON natively, with line numbers found when asked; undefined when not strict JSON (the general readers decide). */
function readLargeJson(text: string): K8sDoc | undefined {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  const lines = new LazyJsonLines(text)
  return {value, lineOf: (path) => lines.lineOf(path), lineText: (line) => own(lines.lineText(line))}
}

/**
 * YAML in the subset kubectl and collect write, at any size, by the line reader (yaml-block.ts), without the
 * skipped keys: the library's value and lines where it reads a text at all, without the library's first-use
 * cost (100 ms for a capture's five small files). Undefined outside the subset (the library decides).
 */
function readBlockDoc(text: string, opts: ReadOptions): K8sDoc | undefined {
  const lines = text.split('\n')
  const doc = readBlockYaml(lines, opts.skipKeys)
  if (!doc) return undefined
  return {value: doc.value, lineOf: doc.lineOf, lineText: (line) => own((lines[line - 1] ?? '').replace(/\r$/, ''))}
}

function lineInYaml(root: unknown, path: PathSeg[], counter: LineCounter): number {
  const {isMap, isScalar, isSeq} = yaml()
  let node = root as YamlNode | null | undefined
  let line = 0
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg))
      if (!pair) return 0
      const key = pair.key as YamlNode
      if (key.range) line = counter.linePos(key.range[0]).line
      node = pair.value as YamlNode | null
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as YamlNode | undefined
      if (!item) return 0
      if (item.range) line = counter.linePos(item.range[0]).line
      node = item
    } else {
      return 0
    }
  }
  return line
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

export function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  return undefined
}

export function get(v: unknown, ...path: PathSeg[]): unknown {
  let cur = v
  for (const seg of path) {
    if (Array.isArray(cur) && typeof seg === 'number') cur = cur[seg]
    else if (isRecord(cur) && typeof seg === 'string') cur = cur[seg]
    else return undefined
  }
  return cur
}

/**
 * The objects of a given kind in a document: a single object, a typed list (NodeList) or a
 * generic `kind: List`, each with its path for line lookups.
 */
export function objectsOfKind(doc: K8sDoc, kind: string): {obj: Record<string, unknown>, path: PathSeg[]}[] {
  const v = doc.value
  if (!isRecord(v)) return []
  if (v.kind === kind) return [{obj: v, path: []}]
  const items = v.items
  if (!Array.isArray(items)) return []
  const out: {obj: Record<string, unknown>, path: PathSeg[]}[] = []
  const listOfKind = v.kind === `${kind}List`
  items.forEach((item, i) => {
    if (isRecord(item) && (item.kind === kind || (listOfKind && item.kind === undefined))) out.push({obj: item, path: ['items', i]})
  })
  return out
}

const YAML_TOP_KIND = /^kind:\s*["']?(\w+)["']?\s*$/m
const YAML_ITEM_KIND = /^(?:- | {2})kind:\s*["']?(\w+)["']?\s*$/m
const JSON_KIND = /"kind"\s*:\s*"(\w+)"/
const MAX_JSON_SNIFF = 32 * 1024 * 1024

let memo: {text: string, kind: string | undefined} | undefined

/**
 * The kind of the object a text holds, or of its items for a list (`NodeList` and a `List` of
 * Nodes both give `Node`). YAML: the column-0 `kind:`, else the first item-level one (indent 2);
 * kinds nested deeper (an Event's involvedObject, a mirror pod's ownerReferences) never count.
 * JSON is parsed (the classifier asks several detectors about one text, so the answer is memoized);
 * a cut-off JSON capture falls back to its first `"kind"`.
 */
export function objectKind(text: string): string | undefined {
  if (memo && memo.text === text) return memo.kind
  const kind = sniffKind(text)
  memo = {text, kind}
  return kind
}

function sniffKind(text: string): string | undefined {
  const unlist = (k: unknown) => {
    if (typeof k !== 'string' || k === 'List') return undefined
    return k.endsWith('List') ? k.slice(0, -4) : k
  }
  if (/^\s*[{[]/.test(text)) {
    if (text.length <= MAX_JSON_SNIFF) {
      try {
        const v = JSON.parse(text) as unknown
        if (!isRecord(v)) return undefined
        const own = unlist(v.kind)
        if (own) return own
        return Array.isArray(v.items) ? unlist(get(v.items[0], 'kind')) : undefined
      } catch {
        // truncated capture: below
      }
    }
    return unlist(JSON_KIND.exec(text.slice(0, 262144))?.[1])
  }
  const head = text.slice(0, 262144)
  const top = unlist(YAML_TOP_KIND.exec(head)?.[1])
  if (top) return top
  // an indented kind is an item's only inside a list (a Helm values file may nest a `kind:` too)
  return /^items:/m.test(head) ? unlist(YAML_ITEM_KIND.exec(head)?.[1]) : undefined
}
