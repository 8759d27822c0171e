/*
 * JSON.stringify(value, null, gap) in pieces. V8 builds a stringified document as a tree of parts that is
 * copied into one flat string the first time it is read, so writing a 35 MB report (70 MB as two-byte text)
 * held the parts and the copy at once: 100 MB more peak RSS at 5000 agents, on top of the report model.
 * Containers down to `levels` deep are written piece by piece; what lies below is stringified whole. Eight
 * levels keep every piece small enough to die young: at three, a finding's evidence list was one piece of
 * megabytes, allocated among the large objects that only a full collection frees, and writing a 63 MB
 * document still peaked at 226 MB of RSS (116 MB at eight, 397 MB for JSON.stringify, in about the same time).
 * A value's toJSON is honoured, with its key where the container is walked here (JSON.stringify passes ''
 * below that; no value ciltune writes has a toJSON that reads its key).
 */

/** Values JSON.stringify leaves out of an object and writes as null in an array. */
function omitted(v: unknown): boolean {
  return v === undefined || typeof v === 'function' || typeof v === 'symbol'
}

function walked(v: unknown): v is object {
  return typeof v === 'object' && v !== null && !(v instanceof Number || v instanceof String || v instanceof Boolean)
}

function withToJson(v: unknown, key: string): unknown {
  const toJSON = walked(v) ? (v as {toJSON?: unknown}).toJSON : undefined
  return typeof toJSON === 'function' ? (toJSON as (k: string) => unknown).call(v, key) : v
}

/** `value` as JSON.stringify(value, null, gap) writes it, in pieces whose concatenation is exactly that text. */
export function* jsonPieces(value: unknown, gap = '', levels = 8): Generator<string> {
  const v = withToJson(value, '')
  if (omitted(v)) return // JSON.stringify returns undefined: nothing to write
  yield* pieces(v, gap, '', levels)
}

/**
 * An object or short array of primitives only (an evidence line, a label set): small unless it holds a long
 * string, which is one string whole either way, so it is stringified in one piece rather than walked key by key.
 */
function flat(v: object): boolean {
  if (typeof (v as {toJSON?: unknown}).toJSON === 'function') return false
  if (Array.isArray(v)) {
    if (v.length > 256) return false // a long list stays in pieces: 5000 agent names are one list
    for (const x of v) if (typeof x === 'object' && x !== null) return false
    return true
  }
  for (const k in v) {
    const x = (v as Record<string, unknown>)[k]
    if (typeof x === 'object' && x !== null) return false
  }
  return true
}

function* pieces(v: unknown, gap: string, indent: string, levels: number): Generator<string> {
  if (levels <= 0 || !walked(v) || flat(v)) {
    const text = JSON.stringify(v, null, gap)
    // strings are escaped, so every newline in the text is one of the layout's own
    yield gap && indent ? text.replaceAll('\n', `\n${indent}`) : text
    return
  }
  if (Array.isArray(v)) yield* arrayPieces(v, gap, indent, levels)
  else yield* objectPieces(v as Record<string, unknown>, gap, indent, levels)
}

function* arrayPieces(a: unknown[], gap: string, indent: string, levels: number): Generator<string> {
  if (a.length === 0) {
    yield '[]'
    return
  }
  const inner = indent + gap
  for (let i = 0; i < a.length; i++) {
    yield `${i === 0 ? '[' : ','}${gap ? `\n${inner}` : ''}`
    const v = withToJson(a[i], String(i))
    if (omitted(v)) yield 'null'
    else yield* pieces(v, gap, inner, levels - 1)
  }
  yield `${gap ? `\n${indent}` : ''}]`
}

function* objectPieces(o: Record<string, unknown>, gap: string, indent: string, levels: number): Generator<string> {
  const inner = indent + gap
  let first = true
  for (const key of Object.keys(o)) {
    const v = withToJson(o[key], key)
    if (omitted(v)) continue
    yield `${first ? '{' : ','}${gap ? `\n${inner}` : ''}${JSON.stringify(key)}${gap ? ': ' : ':'}`
    first = false
    yield* pieces(v, gap, inner, levels - 1)
  }
  yield first ? '{}' : `${gap ? `\n${indent}` : ''}}`
}

/** A JSON document as ciltune writes one (JSON.stringify(value, null, gap) and a newline), in pieces. */
export function* jsonDocument(value: unknown, gap = ''): Generator<string> {
  yield* jsonPieces(value, gap)
  yield '\n'
}
