import type {Finding, Rule} from '../rules/types.js'
import type {Snapshot} from '../snapshot/schema.js'
import type {Report} from './model.js'
import type {RunFacts} from './prometheus-facts.js'
import {jsonDocument} from '../util/json-pieces.js'
import type {TextOut} from '../util/text-chunks.js'

/** What the report was built from, for a format that draws pictures of it (html); the others ignore it. */
export interface ReportEvidence {
  snapshot: Snapshot
  rules: Rule[]
  findings: Finding[]
}

export interface RenderOptions {
  color: boolean
  wide: boolean
  width: number // terminal columns (80 when not a terminal)
  /** --anonymize: applied to the report model before any format renders, so every format (and any new one) gets it */
  anonymize?: {deep<T>(v: T): T}
  evidence?: ReportEvidence
  facts?: RunFacts // run time and map fill, for the metrics format
}

type Renderer = (report: Report, opts: RenderOptions) => string | Promise<string>
type LazyRenderer = () => Promise<Renderer>
/** pieces: the same text as the renderer's, written piece by piece (a format whose documents grow with the cluster) */
interface FormatEntry {ext: string[], load: LazyRenderer, pieces?: (r: Report) => Iterable<string>}

/**
 * Every report format, in one table: name → file extensions → renderer loaded only when chosen.
 * Adding a format is one line here plus its renderer file.
 */
export const FORMATS = {
  table: {ext: ['.txt'], load: async () => (await import('./table.js')).renderTable},
  json: {ext: ['.json'], load: async () => (r: Report) => JSON.stringify(r, null, 2) + '\n', pieces: (r: Report) => jsonDocument(r, '  ')},
  yaml: {ext: ['.yaml', '.yml'], load: async () => {
    const {stringify} = await import('yaml')
    return (r: Report) => stringify(r, {lineWidth: 0})
  }},
  markdown: {ext: ['.md'], load: async () => (await import('./markdown.js')).renderMarkdown},
  sarif: {ext: ['.sarif'], load: async () => (await import('./sarif.js')).renderSarif},
  junit: {ext: ['.xml'], load: async () => (await import('./junit.js')).renderJunit},
  html: {ext: ['.html', '.htm'], load: async () => (await import('./html/index.js')).renderHtmlReport},
  prometheus: {ext: ['.prom'], load: async () => (await import('./prometheus.js')).renderPrometheus},
} satisfies Record<string, FormatEntry>

export type FormatName = keyof typeof FORMATS
export const FORMAT_NAMES = Object.keys(FORMATS) as FormatName[]

export function isFormat(name: string): name is FormatName {
  return Object.hasOwn(FORMATS, name)
}

/** The format a file name asks for by its extension, if any. */
export function formatForFile(path: string): FormatName | undefined {
  const lower = path.toLowerCase()
  return FORMAT_NAMES.find((n) => FORMATS[n].ext.some((e) => lower.endsWith(e)))
}

// Formats people read (terminal, ticket, CI test view) get evidence made inert: no escape sequence acts there.
const HUMAN: ReadonlySet<FormatName> = new Set(['table', 'markdown', 'junit', 'html'])

export async function render(model: Report, format: FormatName, opts: RenderOptions): Promise<string> {
  const report = opts.anonymize ? opts.anonymize.deep(model) : model
  if (opts.anonymize && opts.facts) opts = {...opts, facts: opts.anonymize.deep(opts.facts)} // map series name agents too
  const renderer = await FORMATS[format].load()
  if (!HUMAN.has(format)) return renderer(report, opts)
  const {inert} = await import('./inert.js')
  return renderer(inert(report), opts)
}

/**
 * The report as render() writes it, in pieces where the format has them (json): a large report is then never
 * held as one string (see util/json-pieces).
 */
export async function renderOut(model: Report, format: FormatName, opts: RenderOptions): Promise<TextOut> {
  const entry: FormatEntry = FORMATS[format]
  if (!entry.pieces) return render(model, format, opts)
  return entry.pieces(opts.anonymize ? opts.anonymize.deep(model) : model)
}
