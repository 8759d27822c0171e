/*
 * A Cilium chart given with --chart: an unpacked directory (`helm pull --untar`) or the packed .tgz.
 * From it: values.schema.json (for --validate), values.yaml (chart defaults for the diff) and the version.
 */
import {readFileSync} from 'node:fs'
import {parse} from 'yaml'
import {chartFiles} from '../cilium/charts/read.js'
import {commentedKeys} from './commented-keys.js'
import {InputError} from '../util/errors.js'

export interface ChartFiles {
  source: string
  version?: string
  schema?: Record<string, unknown>
  defaults?: Record<string, unknown>
  /** dotted paths the chart documents but comments out in values.yaml (1.16/1.17: `# kubeProxyReplacement: "false"`) */
  commented?: string[]
}

function parseFiles(source: string, files: Map<string, string>): ChartFiles {
  const out: ChartFiles = {source}
  const schema = files.get('values.schema.json')
  if (schema !== undefined) {
    try {
      out.schema = JSON.parse(schema) as Record<string, unknown>
    } catch {
      throw new InputError(`--chart ${source}: values.schema.json is not JSON`)
    }
  }
  const values = files.get('values.yaml')
  if (values !== undefined) {
    out.defaults = (parse(values) ?? {}) as Record<string, unknown>
    out.commented = commentedKeys(values)
  }
  const chart = files.get('Chart.yaml')
  if (chart !== undefined) out.version = String((parse(chart) as {version?: unknown} | null)?.version ?? '') || undefined
  if (!out.schema && !out.defaults) throw new InputError(`--chart ${source}: no values.yaml or values.schema.json found (expected a Cilium chart directory or .tgz)`)
  return out
}

/** The chart's files come from the one chart reader upgrade-check uses too. */
export async function loadChart(path: string): Promise<ChartFiles> {
  return parseFiles(path, await chartFiles(path))
}

export function loadSchemaFile(path: string): Record<string, unknown> {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new InputError(`--schema ${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`)
  }
  try {
    return JSON.parse(text) as Record<string, unknown>
  } catch {
    throw new InputError(`--schema ${path}: not JSON (expected the chart's values.schema.json)`)
  }
}
