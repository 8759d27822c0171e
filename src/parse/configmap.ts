import type {ConfigMap} from '../snapshot/schema.js'
import {isRecord, objectKind, objectsOfKind, readK8sDoc, str} from './k8s-object.js'
import type {PathSeg} from './k8s-object.js'
import {src} from './text.js'

/*
 * The cilium-config ConfigMap as kubectl prints it (-o yaml / -o json), a List holding it, or a
 * bare `data:` map. Every key keeps the line where the key itself is written, so a finding can
 * quote `bpf-lb-map-max: "65536"` with its line.
 */

export function parseConfigMap(text: string, file: string): ConfigMap {
  const empty: ConfigMap = {name: 'cilium-config', data: {}}
  const doc = readK8sDoc(text)
  if (!doc || !isRecord(doc.value)) return empty
  let obj: Record<string, unknown> = doc.value
  let path: PathSeg[] = []
  const maps = objectsOfKind(doc, 'ConfigMap')
  if (maps.length > 0) {
    const pick = maps.find((m) => isRecord(m.obj.metadata) && m.obj.metadata.name === 'cilium-config') ?? maps[0]
    obj = pick.obj
    path = pick.path
  }
  const meta = isRecord(obj.metadata) ? obj.metadata : {}
  const out: ConfigMap = {name: str(meta.name) ?? 'cilium-config', data: {}}
  const ns = str(meta.namespace)
  if (ns) out.namespace = ns
  const changed = latestChange(meta.managedFields)
  if (changed) {
    const line = doc.lineOf([...path, 'metadata', 'managedFields', changed.index, 'time'])
    out.changedAt = {time: changed.time, ...(changed.manager ? {manager: changed.manager} : {}), src: src(file, line, doc.lineText(line))}
  }
  const data = obj.data
  if (!isRecord(data)) return out
  for (const [key, raw] of Object.entries(data)) {
    // kubectl always prints strings; a hand-written file may hold numbers or booleans
    const value = raw === null ? '' : str(raw) ?? JSON.stringify(raw)
    const line = doc.lineOf([...path, 'data', key])
    out.data[key] = {value, src: src(file, line, doc.lineText(line))}
  }
  return out
}

/** The newest managedFields entry (kubectl get -o yaml --show-managed-fields, or ciltune's own capture). */
function latestChange(fields: unknown): {time: string, manager?: string, index: number} | undefined {
  if (!Array.isArray(fields)) return undefined
  let best: {time: string, manager?: string, index: number} | undefined
  fields.forEach((f: unknown, index) => {
    if (!isRecord(f)) return
    const time = str(f.time)
    if (time && !Number.isNaN(Date.parse(time)) && (!best || Date.parse(time) > Date.parse(best.time))) best = {time, manager: str(f.manager), index}
  })
  return best
}

export function looksLikeConfigMap(text: string): boolean {
  const kind = objectKind(text)
  if (kind !== undefined) return kind === 'ConfigMap'
  // a bare `data:` map of agent options (kebab-case keys), as cut out of a ConfigMap
  return /^data:\s*$/m.test(text.slice(0, 8192)) && /^\s+[a-z0-9]+(-[a-z0-9]+)+:/m.test(text.slice(0, 8192))
}
