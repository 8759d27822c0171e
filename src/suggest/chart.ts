/*
 * A Cilium chart given with --chart: an unpacked directory (`helm pull --untar`) or the packed .tgz.
 * From it: values.schema.json (for --validate), values.yaml (chart defaults for the diff) and the version.
 */
import {existsSync, readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {Readable} from 'node:stream'
import {createGunzip} from 'node:zlib'
import {extract} from 'tar-stream'
import {parse} from 'yaml'
import {commentedKeys} from './validate.js'
import {InputError} from '../util/errors.js'

export interface ChartFiles {
  source: string
  version?: string
  schema?: Record<string, unknown>
  defaults?: Record<string, unknown>
  /** dotted paths the chart documents but comments out in values.yaml (1.16/1.17: `# kubeProxyReplacement: "false"`) */
  commented?: string[]
}

const WANTED = ['values.schema.json', 'values.yaml', 'Chart.yaml']

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

/** Files of the chart root inside a tgz: `cilium/values.schema.json` (any single top directory). */
async function readTgz(path: string): Promise<Map<string, string>> {
  const files = new Map<string, string>()
  const ex = extract()
  const done = new Promise<void>((resolve, reject) => {
    ex.on('entry', (header, stream, next) => {
      const parts = header.name.replace(/^\.\//, '').split('/')
      const name = parts.length === 2 ? parts[1] : undefined
      if (header.type === 'file' && name && WANTED.includes(name)) {
        const chunks: Buffer[] = []
        stream.on('data', (c: unknown) => chunks.push(c as Buffer))
        stream.on('end', () => {
          files.set(name, Buffer.concat(chunks).toString('utf8'))
          next()
        })
      } else {
        stream.on('end', next)
        stream.resume()
      }
    })
    ex.on('finish', resolve)
    ex.on('error', reject)
  })
  const gunzip = createGunzip()
  gunzip.on('error', (e) => ex.destroy(e))
  Readable.from(readFileSync(path)).pipe(gunzip).pipe(ex)
  try {
    await done
  } catch (error) {
    throw new InputError(`--chart ${path}: not a readable chart archive (${(error as Error).message.split('\n')[0]})`)
  }
  return files
}

export async function loadChart(path: string): Promise<ChartFiles> {
  const st = statSync(path, {throwIfNoEntry: false})
  if (!st) throw new InputError(`--chart ${path}: no such file or directory`)
  const files = new Map<string, string>()
  if (st.isDirectory()) {
    // `helm pull --untar` gives DIR/cilium/; accept both DIR and DIR/cilium.
    const root = existsSync(join(path, 'values.yaml')) || existsSync(join(path, 'values.schema.json')) ? path : join(path, 'cilium')
    for (const f of WANTED) if (existsSync(join(root, f))) files.set(f, readFileSync(join(root, f), 'utf8'))
    return parseFiles(path, files)
  }
  return parseFiles(path, await readTgz(path))
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
