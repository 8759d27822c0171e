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
    parseInto(out, typeof text === 'string' ? text : String(text), file)
  } catch (err) {
    out.unrecognized.push({line: 0, text: `parser error: ${err instanceof Error ? err.message : String(err)}`})
  }
  return out
}

function parseInto(out: CliStatus, text: string, file: string): void {
  const lines = splitLines(text)
  let section: Section = 'none'
  let last: z.infer<typeof CliProblem> | undefined

  lines.forEach((raw, i) => {
    const no = i + 1
    if (raw.trim() === '' || /^[\s/\\_¯]+$/.test(raw)) return // blank, or logo art alone
    const s = mkSrc(file, no, raw)
    const unknown = () => out.unrecognized.push({line: no, text: raw.trim()})

    const comp = COMPONENT.exec(raw)
    // only behind the logo art (or at the margin), never inside an error message
    if (comp && /^[\s/\\_¯]*$/.test(raw.slice(0, comp.index))) {
      out.components.push(component(comp[1], comp[2], s))
      return
    }
    const wl = /^(DaemonSet|Deployment)\s+(\S+)\s+(.*)$/.exec(raw)
    if (wl) {
      section = 'none'
      out.workloads.push(workload(wl[1] as 'DaemonSet' | 'Deployment', wl[2], wl[3], s))
      return
    }
    const im = /^Image versions\s+(.*)$/.exec(raw)
    if (im) {
      section = 'images'
      const img = image(im[1], s)
      if (img) out.images.push(img)
      else unknown()
      return
    }
    if (/^status check failed:/.test(raw)) {
      out.checkFailed = {text: raw.trim(), src: s}
      section = 'none'
      return
    }
    const lb = LABEL.exec(raw)
    if (lb) {
      const value = (lb[2] ?? '').trim()
      switch (lb[1]) {
        case 'Containers':
          section = 'containers'
          return
        case 'Cluster Pods': {
          section = 'none'
          const m = /^(\d+)\/(\d+)\s+managed/.exec(value)
          const managed = safeInt(m?.[1])
          const total = safeInt(m?.[2])
          if (managed !== undefined && total !== undefined) out.clusterPods = {managed, total, src: s}
          else unknown()
          return
        }
        case 'Helm chart version':
          section = 'none'
          out.helmChartVersion = {value, src: s}
          return
        case 'Errors':
        case 'Warnings': {
          section = lb[1] === 'Errors' ? 'errors' : 'warnings'
          last = problem(value, s)
          if (last) out[section].push(last)
          else unknown()
          return
        }
        case 'Configuration':
        case 'Notices':
          section = 'other'
          return
      }
    }
    if (/^\s/.test(raw)) {
      switch (section) {
        case 'containers':
        case 'other':
          return
        case 'images': {
          const img = image(raw, s)
          if (img) out.images.push(img)
          else unknown()
          return
        }
        case 'errors':
        case 'warnings': {
          last = problem(raw, s)
          if (last) out[section].push(last)
          else unknown()
          return
        }
      }
    } else if ((section === 'errors' || section === 'warnings') && last) {
      // a message with an embedded newline continues at the margin (#38516)
      last.message = `${last.message}\n${raw.trim()}`
      return
    }
    unknown()
  })
}
