/*
 * kubectl's tabwriter tables (padding 3): column starts come from the header line. Words of one header
 * ("NOMINATED NODE", "ENDPOINT ID") are one space apart, columns at least two, so a run of 2+ spaces
 * separates columns.
 */

export interface Column {name: string, start: number}

export function columnsOf(header: string): Column[] {
  const cols: Column[] = []
  for (const m of header.matchAll(/\S+(?: \S+)*/g)) cols.push({name: m[0], start: m.index})
  return cols
}

/** Cells by header name; a cell runs from its column start to the next column start. */
export function cells(line: string, cols: Column[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (let i = 0; i < cols.length; i++) {
    const end = i + 1 < cols.length ? cols[i + 1].start : line.length
    out[cols[i].name] = line.slice(cols[i].start, end).trim()
  }
  return out
}

/** A Kubernetes object name (RFC 1123 subdomain). */
export const K8S_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/
