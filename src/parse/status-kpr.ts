import {z} from 'zod'
import {KprDevice} from '../snapshot/schema.js'
import type {AgentStatus, SourceRef, Unrecognized} from '../snapshot/schema.js'

type Device = z.infer<typeof KprDevice>
type KprDetail = NonNullable<AgentStatus['kprDetails']>[number]

/** True/Strict are on; Partial/Probe are partially on (count as on); False/Disabled are off. */
export function kprEnabled(mode: string): boolean {
  return /^(true|strict|partial|probe)$/i.test(mode.trim())
}

/**
 * Device list "ens5   10.0.10.206 fe80::… (Direct Routing), ens6   10.0.10.91".
 * 1.15+ agents pad name and first IP with 1+N spaces (an empty-string prefix bug in the agent),
 * and the CLI can leave a dangling ", ", so entries are split on whitespace and empties dropped.
 */
export function kprDevices(list: string): Device[] {
  const out: Device[] = []
  for (const entry of list.split(',')) {
    let e = entry.trim()
    if (!e) continue
    let directRouting = false
    const dr = /\s*\(Direct Routing\)\s*$/.exec(e)
    if (dr) {
      directRouting = true
      e = e.slice(0, dr.index)
    }
    const parts = e.split(/\s+/).filter(Boolean)
    if (parts.length === 0) continue
    out.push({name: parts[0], ips: parts.slice(1), directRouting})
  }
  return out
}

/** Header line value: "True   [enp0s4  10.4.1.6 (Direct Routing)]", "Strict   […]", "False". */
export function kprHeader(value: string, src: SourceRef): AgentStatus['kubeProxyReplacement'] {
  const v = value.trim()
  const m = /^[A-Za-z]+/.exec(v)
  if (!m) return undefined
  const rest = v.slice(m[0].length).trim()
  if (rest !== '' && !rest.startsWith('[')) return undefined
  // a cut capture can lose the closing bracket
  const list = rest.endsWith(']') ? rest.slice(1, -1) : rest.slice(1)
  return {mode: m[0], enabled: kprEnabled(m[0]), devices: kprDevices(list), src}
}

/**
 * Rows of "KubeProxyReplacement Details:" (2-space indented inner table). Keys are printed labels;
 * "- X" items take their parent's label as prefix ("Services.NodePort", "NAT46/64 Support.Gateway"),
 * and colon-less items (the Annotations list) are appended to their parent's value.
 */
export class KprDetailsParser {
  readonly rows: KprDetail[] = []
  private parent: KprDetail | undefined

  constructor(private readonly unrecognized: Unrecognized[]) {}

  /** false when the line does not belong to the table (it ends the section). */
  line(raw: string, no: number, src: (line: number, text: string) => SourceRef): boolean {
    if (!/^\s/.test(raw)) return false
    // (?=\S) pins the indent so a colon-less line fails in linear time
    const kv = /^(\s+)(?=\S)(-\s+)?([^:]+?):(?:\s+(.*))?$/.exec(raw)
    if (kv) {
      const dash = Boolean(kv[2])
      const label = kv[3].trim()
      const key = dash && this.parent ? `${this.parent.key}.${label}` : label
      const row: KprDetail = {key, value: (kv[4] ?? '').trim(), src: src(no, raw)}
      this.rows.push(row)
      if (!dash && kv[1].length <= 2) this.parent = row
      return true
    }
    const item = /^\s+-\s+(\S.*)$/.exec(raw)
    if (item && this.parent) {
      const v = item[1].trim()
      this.parent.value = this.parent.value ? `${this.parent.value}, ${v}` : v
      return true
    }
    this.unrecognized.push({line: no, text: raw.trim()})
    return true
  }

  get(key: string): KprDetail | undefined {
    return this.rows.find((r) => r.key === key)
  }
}
