import type {z} from 'zod'
import type {SourceRef} from '../snapshot/schema.js'
import {CliComponent, CliImage, CliProblem, CliStatus, CliWorkload} from '../snapshot/schema.js'
import {splitLines, src as mkSrc} from './text.js'
import {safeInt} from './status-values.js'

/*
 * The cilium-cli `cilium status` summary (operator side, FORMAT-NOTES §13): the logo block with one
 * state per component, workload counts, image versions and the Errors/Warnings rows.
 * ANSI colours are always emitted by the CLI and are removed by splitLines.
 */

export {CliComponent, CliImage, CliProblem, CliStatus, CliWorkload} from '../snapshot/schema.js'

const COMPONENT = /(Cilium|Operator|Envoy DaemonSet|Hubble Relay|ClusterMesh):\s+(.*)$/
const LABEL = /^([A-Z][A-Za-z ]*?):(?:\s+(.*))?$/
type Section = 'none' | 'containers' | 'images' | 'errors' | 'warnings' | 'other'

function component(name: string, value: string, src: SourceRef): z.infer<typeof CliComponent> {
  const v = value.trim()
  const errors = safeInt(/(?<!\d)(\d+)\s+errors?/.exec(v)?.[1]) ?? 0
  const warnings = safeInt(/(?<!\d)(\d+)\s+warnings?/.exec(v)?.[1]) ?? 0
  const state = /^ok$/i.test(v) ? 'ok' : /^disabled$/i.test(v) ? 'disabled' : errors + warnings > 0 ? 'degraded' : 'unknown'
  return {name, state, errors, warnings, text: v, src}
}

function workload(kind: 'DaemonSet' | 'Deployment', name: string, rest: string, src: SourceRef): z.infer<typeof CliWorkload> {
  const w: z.infer<typeof CliWorkload> = {kind, name, src}
  const desired = safeInt(/Desired:\s*(\d+)/.exec(rest)?.[1])
  const ready = safeInt(/Ready:\s*(\d+)/.exec(rest)?.[1])
  const available = safeInt(/(?<!Un)Available:\s*(\d+)/.exec(rest)?.[1])
  const unavailable = safeInt(/Unavailable:\s*(\d+)/.exec(rest)?.[1])
  if (desired !== undefined) w.desired = desired
  if (ready !== undefined) w.ready = ready
  if (available !== undefined) w.available = available
  if (unavailable !== undefined) w.unavailable = unavailable
  return w
}

function image(cells: string, src: SourceRef): z.infer<typeof CliImage> | undefined {
  const m = /^(\S+)\s+(\S+):\s*(\d+)$/.exec(cells.trim())
  const count = safeInt(m?.[3])
  if (!m || count === undefined) return undefined
  const out: z.infer<typeof CliImage> = {name: m[1], image: m[2], count, src}
  const v = /:v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)(?:@|$)/.exec(m[2])
  if (v) out.version = v[1]
  return out
}

function problem(cells: string, src: SourceRef): z.infer<typeof CliProblem> | undefined {
  const m = /^(\S+)\s{2,}(\S+)\s{2,}(.*)$/.exec(cells.trim())
  if (!m) return undefined
  return {component: m[1], pod: m[2], message: m[3].trim(), src}
}

export function parseCliStatus(text: string, file: string): CliStatus {
  const out: CliStatus = {components: [], workloads: [], images: [], errors: [], warnings: [], unrecognized: []}
  try {
    const reader = new CliStatusReader(out, file)
    splitLines(typeof text === 'string' ? text : String(text)).forEach((raw, i) => reader.line(raw, i + 1))
  } catch (err) {
    out.unrecognized.push({line: 0, text: `parser error: ${err instanceof Error ? err.message : String(err)}`})
  }
  return out
}

/** Reading state: the section a line belongs to and the last Errors/Warnings row (for continuations). */
class CliStatusReader {
  private section: Section = 'none'
  private last: z.infer<typeof CliProblem> | undefined

  constructor(private readonly out: CliStatus, private readonly file: string) {}

  line(raw: string, no: number): void {
    if (raw.trim() === '' || /^[\s/\\_¯]+$/.test(raw)) return // blank, or logo art alone
    const s = mkSrc(this.file, no, raw)
    const known = this.marginLine(raw, s) ?? this.indentedLine(raw, s)
    if (!known) this.out.unrecognized.push({line: no, text: raw.trim()})
  }

  /** Lines that start a record or a section; undefined when the line is none of them. */
  private marginLine(raw: string, s: SourceRef): boolean | undefined {
    const out = this.out
    const comp = COMPONENT.exec(raw)
    // only behind the logo art (or at the margin), never inside an error message
    if (comp && /^[\s/\\_¯]*$/.test(raw.slice(0, comp.index))) {
      out.components.push(component(comp[1], comp[2], s))
      return true
    }
    const wl = /^(DaemonSet|Deployment)\s+(\S+)\s+(.*)$/.exec(raw)
    if (wl) {
      this.section = 'none'
      out.workloads.push(workload(wl[1] as 'DaemonSet' | 'Deployment', wl[2], wl[3], s))
      return true
    }
    const im = /^Image versions\s+(.*)$/.exec(raw)
    if (im) {
      this.section = 'images'
      return this.image(im[1], s)
    }
    if (/^status check failed:/.test(raw)) {
      out.checkFailed = {text: raw.trim(), src: s}
      this.section = 'none'
      return true
    }
    const lb = LABEL.exec(raw)
    return lb ? this.label(lb[1], (lb[2] ?? '').trim(), s) : undefined
  }

  private label(name: string, value: string, s: SourceRef): boolean | undefined {
    switch (name) {
      case 'Containers':
        this.section = 'containers'
        return true
      case 'Cluster Pods': {
        this.section = 'none'
        const m = /^(\d+)\/(\d+)\s+managed/.exec(value)
        const managed = safeInt(m?.[1])
        const total = safeInt(m?.[2])
        if (managed === undefined || total === undefined) return false
        this.out.clusterPods = {managed, total, src: s}
        return true
      }
      case 'Helm chart version':
        this.section = 'none'
        this.out.helmChartVersion = {value, src: s}
        return true
      case 'Errors':
      case 'Warnings':
        this.section = name === 'Errors' ? 'errors' : 'warnings'
        return this.problem(value, s)
      case 'Configuration':
      case 'Notices':
        this.section = 'other'
        return true
      default:
        return undefined
    }
  }

  private indentedLine(raw: string, s: SourceRef): boolean {
    const section = this.section
    if (/^\s/.test(raw)) {
      if (section === 'containers' || section === 'other') return true
      if (section === 'images') return this.image(raw, s)
      if (section === 'errors' || section === 'warnings') return this.problem(raw, s)
      return false
    }
    if ((section === 'errors' || section === 'warnings') && this.last) {
      // a message with an embedded newline continues at the margin (#38516)
      this.last.message = `${this.last.message}\n${raw.trim()}`
      return true
    }
    return false
  }

  private image(cells: string, s: SourceRef): boolean {
    const img = image(cells, s)
    if (img) this.out.images.push(img)
    return Boolean(img)
  }

  private problem(cells: string, s: SourceRef): boolean {
    const section = this.section
    this.last = problem(cells, s)
    if (this.last && (section === 'errors' || section === 'warnings')) this.out[section].push(this.last)
    return Boolean(this.last)
  }
}
