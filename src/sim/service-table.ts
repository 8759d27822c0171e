import {tabwrite} from './tabwriter.js'

/*
 * `cilium-dbg service list` with a chosen number of Services (cilium-dbg/cmd/service_list.go; shapes in
 * FORMAT-NOTES.md §9): the scenario's own rows first, then generated ClusterIP Services with the same
 * number of backends each, all laid out again by one tabwriter (minwidth 5, padding 3) as the agent does.
 */

interface Row {id?: string, frontend: string, type: string, backends: string[]}

export interface ServiceTableOptions {
  services: number // total Services printed (the scenario's rows count towards it)
  backends: number // backends of each generated Service
  /** generated Service whose backends this agent shows as terminating (an agent out of sync), if any */
  terminating?: number
}

function readRows(text: string): {withId: boolean, l4: boolean, rows: Row[]} {
  const lines = text.split('\n').filter((l) => l.trim() !== '')
  const withId = /^ID\s/.test(lines[0] ?? 'ID ')
  const rows: Row[] = []
  for (const line of lines.slice(1)) {
    const cells = line.trim().split(/\s{2,}/)
    if (/^\s/.test(line)) {
      rows.at(-1)?.backends.push(line.trim())
      continue
    }
    const [id, frontend, type, backend] = withId ? cells : [undefined, ...cells]
    rows.push({id, frontend: frontend ?? '', type: type ?? '', backends: backend ? [backend] : []})
  }
  return {withId, l4: rows.some((r) => /\/[A-Z]+$/.test(r.frontend)), rows}
}

/** Invented addresses: frontends in 10.100/14, backends in 10.128/9, unique per Service and backend. */
const addr = (base: number, k: number) => `10.${base + (k >> 16)}.${(k >> 8) & 255}.${k & 255}`

export function serviceTable(scenarioText: string, o: ServiceTableOptions): string {
  const {withId, l4, rows} = readRows(scenarioText)
  const suffix = l4 ? '/TCP' : ''
  let nextId = rows.reduce((m, r) => Math.max(m, Number(r.id) || 0), 0) + 1
  for (let k = 0; rows.length < o.services; k++) {
    const state = k === o.terminating ? 'terminating' : 'active'
    const backends = Array.from({length: o.backends}, (_, b) => `${b + 1} => ${addr(128, k * o.backends + b)}:8080${suffix} (${state})`)
    rows.push({id: String(nextId++), frontend: `${addr(100, k)}:8080${suffix}`, type: 'ClusterIP', backends})
  }
  const cells: string[][] = [withId ? ['ID', 'Frontend', 'Service Type', 'Backend'] : ['Frontend', 'Service Type', 'Backend']]
  for (const r of rows) {
    const head = withId ? [r.id ?? '', r.frontend, r.type] : [r.frontend, r.type]
    cells.push(r.backends.length > 0 ? [...head, r.backends[0]] : head)
    for (const b of r.backends.slice(1)) cells.push([...head.map(() => ''), b])
  }
  return tabwrite(cells, 5, 3)
}
