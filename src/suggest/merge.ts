/*
 * `--merge FILE`: write the suggested values into an existing values file, changing only the bytes
 * of the keys being set. yaml's Document API gives each node's source range; values are replaced and
 * missing keys inserted by splicing the original text, so comments, order, quoting and unrelated keys
 * stay byte for byte. The result is re-parsed and checked before anything is written.
 */
import {isMap, isScalar, isSeq, parseDocument, stringify, type Node as YamlNode, type Pair, type YAMLMap} from 'yaml'
import {InputError} from '../util/errors.js'
import {getPath, splitPath} from './paths.js'

export interface MergeEdit {
  path: string
  value: string | number | boolean | null
  /** One line saying why (finding ids), written as a `# ciltune suggest:` comment above the key. */
  comment?: string
}

const MARK = '# ciltune suggest:'

function renderScalar(value: MergeEdit['value']): string {
  return stringify(value, {lineWidth: 0}).trimEnd()
}

function renderKey(k: string): string {
  return /^[A-Za-z_][\w.-]*$/.test(k) ? k : JSON.stringify(k)
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1
}

function findPair(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === key)
}

/** Insert or replace the `# ciltune suggest:` line right above the line starting at `keyLineStart`. */
function withComment(text: string, keyLineStart: number, indent: string, comment: string | undefined): string {
  if (!comment) return text
  const line = `${indent}${MARK} ${comment.replace(/\s*\n\s*/g, ' ')}\n`
  const prevStart = lineStart(text, keyLineStart - 1)
  if (keyLineStart > 0 && text.slice(prevStart, keyLineStart).trim().startsWith(MARK)) {
    return text.slice(0, prevStart) + line + text.slice(keyLineStart)
  }
  return text.slice(0, keyLineStart) + line + text.slice(keyLineStart)
}

function nested(keys: string[], value: MergeEdit['value'], indent: string, comment: string | undefined): string {
  const lines: string[] = []
  keys.forEach((k, i) => {
    const pad = indent + '  '.repeat(i)
    // The comment sits above the leaf, where a later merge of the same key finds and replaces it.
    if (comment && i === keys.length - 1) lines.push(`${pad}${MARK} ${comment.replace(/\s*\n\s*/g, ' ')}`)
    lines.push(i === keys.length - 1 ? `${pad}${renderKey(k)}: ${renderScalar(value)}` : `${pad}${renderKey(k)}:`)
  })
  return lines.join('\n')
}

/** Apply one edit by splicing; undefined when the shape needs the Document fallback (flow maps, lists). */
function spliceOne(text: string, edit: MergeEdit): string | undefined {
  const doc = parseDocument(text)
  const keys = splitPath(edit.path)
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    const sep = text.length === 0 || text.endsWith('\n') ? '' : '\n'
    return text + sep + nested(keys, edit.value, '', edit.comment) + '\n'
  }
  let map: YamlNode | null = doc.contents
  for (let i = 0; i < keys.length; i++) {
    if (!isMap(map) || map.flow || !map.range) return undefined
    const pair = findPair(map, keys[i])
    if (!pair) {
      // Insert the missing tail after the last item of this block map, at its indentation.
      const last = map.items[map.items.length - 1] as Pair | undefined
      const firstKey = map.items[0]?.key as YamlNode | undefined
      if (!last || !firstKey?.range) return undefined
      const indent = ' '.repeat(firstKey.range[0] - lineStart(text, firstKey.range[0]))
      const end = (last.value as YamlNode | null)?.range?.[1] ?? (last.key as YamlNode).range![1]
      const block = nested(keys.slice(i), edit.value, indent, edit.comment)
      if (end > 0 && text[end - 1] === '\n') return text.slice(0, end) + block + '\n' + text.slice(end)
      let eol = text.indexOf('\n', end)
      if (eol === -1) eol = text.length
      return text.slice(0, eol) + '\n' + block + text.slice(eol)
    }
    const value = pair.value as YamlNode | null
    const keyNode = pair.key as YamlNode
    if (i === keys.length - 1) {
      if (!keyNode.range) return undefined
      const indent = ' '.repeat(keyNode.range[0] - lineStart(text, keyNode.range[0]))
      let out: string
      if (value === null || (isScalar(value) && value.range)) {
        const [s, e] = value?.range ?? [keyNode.range[1] + 1, keyNode.range[1] + 1]
        if (isScalar(value) && /^[|>]/.test(text.slice(s, e))) return undefined // block scalar: let yaml rewrite it
        const rendered = renderScalar(edit.value)
        out = s === e ? text.slice(0, s) + ' ' + rendered + text.slice(e) : text.slice(0, s) + rendered + text.slice(e)
      } else {
        return undefined // a map or list replaced by a scalar: leave it to the Document fallback
      }
      return withComment(out, lineStart(out, keyNode.range[0]), indent, edit.comment)
    }
    if (value === null || (isScalar(value) && (value.value === null || value.value === ''))) {
      // `bpf:` or `bpf: ~` with no children: put the nested block under it.
      if (!keyNode.range) return undefined
      const indent = ' '.repeat(keyNode.range[0] - lineStart(text, keyNode.range[0])) + '  '
      const [s, e] = value?.range ?? [keyNode.range[1] + 1, keyNode.range[1] + 1]
      const block = nested(keys.slice(i + 1), edit.value, indent, edit.comment)
      return text.slice(0, s) + '\n' + block + text.slice(e).replace(/^[ \t]*(?=\n|$)/, '')
    }
    if (isSeq(value)) return undefined
    map = value
  }
  return undefined
}

/** The merged text; `fallbacks` lists paths that had to be written through yaml's serializer. */
export function mergeValues(text: string, edits: MergeEdit[], source = 'values file'): {text: string, fallbacks: string[]} {
  const first = parseDocument(text)
  if (first.errors.length > 0) throw new InputError(`--merge ${source}: not valid YAML (${first.errors[0].message.split('\n')[0]})`)
  if (first.contents !== null && !isMap(first.contents) && !(isScalar(first.contents) && first.contents.value === null)) {
    throw new InputError(`--merge ${source}: expected a YAML mapping of Helm values`)
  }
  let out = text
  const fallbacks: string[] = []
  for (const edit of edits) {
    const spliced = spliceOne(out, edit)
    if (spliced !== undefined) {
      out = spliced
      continue
    }
    const doc = parseDocument(out)
    doc.setIn(splitPath(edit.path), edit.value)
    out = doc.toString({lineWidth: 0})
    fallbacks.push(edit.path)
  }
  const check = parseDocument(out)
  const parsed = check.toJS() as unknown
  for (const e of edits) {
    if (check.errors.length > 0 || getPath(parsed, e.path) !== e.value) {
      throw new InputError(`--merge ${source}: could not set ${e.path} without breaking the file; nothing written`)
    }
  }
  return {text: out, fallbacks}
}
