import type {MapList} from '../snapshot/schema.js'
import {get, readK8sDoc, str} from './k8s-object.js'
import {detachJoined, headLines, lineViews, src} from './text.js'

/*
 * `cilium-dbg map list` (FORMAT-NOTES §10). Plain: `Name  Num entries  Num errors  Cache enabled`
 * rows, counts from the agent's userspace cache (not BPF-side usage), `unknown` for cache-less maps
 * since 2026. `--verbose`: per-map `## Map: <name>` sections with `Key Value State Error` rows,
 * `Cache is disabled` or `Cache is empty`. `-o json`: BPFMapList {maps: [{path, cache: [...]}]}.
 */

const HEADER = /^Name\s+Num entries\s+Num errors\s+Cache enabled\s*$/
const ROW = /^(\S+)\s+(\d{1,15}|unknown)\s+(\d{1,15}|unknown)\s+(true|false)$/
const SECTION = /^## Map:\s*(\S+)/
const CACHE_HEADER = /^Key\s+Value\s+State\s+Error$/
const STATES = new Set(['sync', 'pending', 'error', 'to-be-deleted', 'deleted'])

type Row = MapList['maps'][number]

export function parseMapList(text: string, file: string): MapList {
  if (/^\s*\{/.test(text)) {
    const json = parseMapListJson(text, file)
    if (json) return json
  }
  const lines = lineViews(text)
  const out: MapList = {verbose: lines.some((l) => SECTION.test(l)), maps: [], errorEntries: [], unrecognized: []}
  const state: ReadState = {out, file}
  lines.forEach((raw, i) => {
    if (raw.trim() === '') return
    const known = sectionStart(state, raw, i + 1) || (state.section ? verboseLine(state, raw, i + 1) : plainLine(state, raw, i + 1))
    if (!known) out.unrecognized.push({line: i + 1, text: raw})
  })
  // what is kept was cut from the text: copied out together, the text dropped
  return detachJoined(out, file)
}

/** The map a --verbose section is about, and the columns of its cache table once its header was seen. */
interface ReadState {
  out: MapList
  file: string
  section?: Row
  cols?: {value: number, state: number, error: number}
}

function sectionStart(st: ReadState, raw: string, n: number): boolean {
  const sec = SECTION.exec(raw)
  if (!sec) return false
  st.section = {name: sec[1], entries: 0, errors: 0, src: src(st.file, n, raw)}
  st.cols = undefined
  st.out.maps.push(st.section)
  return true
}

function verboseLine(st: ReadState, raw: string, n: number): boolean {
  const section = st.section!
  if (/^Cache is disabled/.test(raw)) {
    // no cache: the CLI cannot know the map's content, so the counts are unknown, not zero
    section.cacheEnabled = false
    section.entries = undefined
    section.errors = undefined
    return true
  }
  if (/^Cache is empty/.test(raw)) {
    section.cacheEnabled = true
    return true
  }
  if (CACHE_HEADER.test(raw)) {
    st.cols = {value: raw.indexOf('Value'), state: raw.indexOf('State'), error: raw.indexOf('Error')}
    section.cacheEnabled = true
    return true
  }
  const entry = st.cols ? cacheRow(raw, st.cols) : undefined
  if (!entry) return false
  section.entries = (section.entries ?? 0) + 1
  if (entry.state === 'error' || entry.error !== '') {
    section.errors = (section.errors ?? 0) + 1
    st.out.errorEntries.push({map: section.name, key: entry.key, error: entry.error, src: src(st.file, n, raw)})
  }
  return true
}

function plainLine(st: ReadState, raw: string, n: number): boolean {
  if (HEADER.test(raw)) return true
  const m = ROW.exec(raw.trim())
  if (!m) return false
  const row: Row = {name: m[1], cacheEnabled: m[4] === 'true', src: src(st.file, n, raw)}
  if (m[2] !== 'unknown') row.entries = Number(m[2])
  if (m[3] !== 'unknown') row.errors = Number(m[3])
  st.out.maps.push(row)
  return true
}

/** Cache rows are tabwriter-aligned to their header; keys and values can contain single spaces. */
function cacheRow(raw: string, cols: {value: number, state: number, error: number}): {key: string, state: string, error: string} | undefined {
  let key = raw.slice(0, cols.value).trim()
  let state = raw.slice(cols.state, cols.error).trim()
  let error = raw.slice(cols.error).trim()
  if (!STATES.has(state)) {
    // misaligned (a wide cell from another writer): fall back to the last known state word
    const m = /^(.*?)\s{2,}.*?\s(sync|pending|error|to-be-deleted)(?:\s+(.*))?$/.exec(raw)
    if (!m) return undefined
    key = m[1].trim()
    state = m[2]
    error = (m[3] ?? '').trim()
  }
  if (key === '') return undefined
  return {key, state, error}
}

function parseMapListJson(text: string, file: string): MapList | undefined {
  const doc = readK8sDoc(text)
  const maps = get(doc?.value, 'maps')
  if (!doc || !Array.isArray(maps)) return undefined
  const out: MapList = {verbose: true, maps: [], errorEntries: [], unrecognized: []}
  maps.forEach((m, i) => {
    const path = str(get(m, 'path')) ?? ''
    const name = path.split('/').pop() ?? path
    const line = doc.lineOf(['maps', i, 'path']) || doc.lineOf(['maps', i])
    const cache = get(m, 'cache')
    const row: Row = {name, cacheEnabled: Array.isArray(cache), src: src(file, line, doc.lineText(line))}
    if (Array.isArray(cache)) {
      row.entries = cache.length
      row.errors = 0
      cache.forEach((e, j) => {
        const err = str(get(e, 'last-error')) ?? ''
        if (err === '') return
        row.errors = (row.errors ?? 0) + 1
        const l = doc.lineOf(['maps', i, 'cache', j, 'last-error'])
        out.errorEntries.push({map: name, key: str(get(e, 'key')) ?? '', error: err, src: src(file, l, doc.lineText(l))})
      })
    }
    out.maps.push(row)
  })
  return out
}

export function looksLikeMapList(text: string): boolean {
  const head = text.slice(0, 4096)
  if (/^\s*\{/.test(head)) return /"maps"\s*:/.test(head) && /"path"\s*:\s*"[^"]*cilium_/.test(head)
  const lines = headLines(head).slice(0, 10)
  if (lines.length === 0) return false
  if (HEADER.test(lines[0]) || SECTION.test(lines[0])) return true
  return ROW.test(lines[0].trim()) && lines[0].startsWith('cilium_')
}
