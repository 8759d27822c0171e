/*
 * A Cilium chart as upgrade-check reads it: an unpacked directory (`helm pull --untar` gives DIR/cilium/)
 * or the packed .tgz. It keeps what catalogOf needs: Chart.yaml's version, values.yaml as text (its comments
 * name deprecations), values.schema.json, and the templates (their upgradeCompatibility gates).
 * scripts/chart-catalog.mjs reads the released charts through the same function.
 */
import {existsSync, readdirSync, readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {Readable} from 'node:stream'
import {createGunzip} from 'node:zlib'
import {parse} from 'yaml'
import {InputError} from '../../util/errors.js'

export interface ChartSource {
  version: string
  /** Where it was read from, as given. */
  source: string
  valuesText: string
  schema?: unknown
  templatesText: string
}

/** Files under the chart root by relative name ("values.yaml", "templates/x.yaml"). */
async function tgzFiles(path: string): Promise<Map<string, string>> {
  const {extract} = await import('tar-stream')
  const files = new Map<string, string>()
  const ex = extract()
  const done = new Promise<void>((resolve, reject) => {
    ex.on('entry', (header, stream, next) => {
      const parts = header.name.replace(/^\.\//, '').split('/')
      // the archive holds one top directory (cilium/); subcharts' files are not the chart's own
      const rel = parts.slice(1).join('/')
      const wanted = header.type === 'file' && (['Chart.yaml', 'values.yaml', 'values.schema.json'].includes(rel) || /^templates\//.test(rel))
      const chunks: Buffer[] = []
      stream.on('data', (c: unknown) => {
        if (wanted) chunks.push(c as Buffer)
      })
      stream.on('end', () => {
        if (wanted) files.set(rel, Buffer.concat(chunks).toString('utf8'))
        next()
      })
      stream.resume()
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

function dirFiles(path: string): Map<string, string> {
  // `helm pull --untar` gives DIR/cilium/; accept both DIR and DIR/cilium
  const root = existsSync(join(path, 'values.yaml')) || existsSync(join(path, 'values.schema.json')) ? path : join(path, 'cilium')
  const files = new Map<string, string>()
  for (const f of ['Chart.yaml', 'values.yaml', 'values.schema.json']) {
    if (existsSync(join(root, f))) files.set(f, readFileSync(join(root, f), 'utf8'))
  }
  const walk = (dir: string, rel: string) => {
    if (!existsSync(dir)) return
    for (const e of readdirSync(dir, {withFileTypes: true})) {
      if (e.isDirectory()) walk(join(dir, e.name), `${rel}${e.name}/`)
      else files.set(`${rel}${e.name}`, readFileSync(join(dir, e.name), 'utf8'))
    }
  }
  walk(join(root, 'templates'), 'templates/')
  return files
}

/** A chart's files (Chart.yaml, values.yaml, values.schema.json, templates/…) from a directory or a .tgz. */
export async function chartFiles(path: string): Promise<Map<string, string>> {
  const st = statSync(path, {throwIfNoEntry: false})
  if (!st) throw new InputError(`--chart ${path}: no such file or directory`)
  return st.isDirectory() ? dirFiles(path) : tgzFiles(path)
}

export async function readChart(path: string): Promise<ChartSource> {
  const files = await chartFiles(path)
  const valuesText = files.get('values.yaml')
  let version: unknown
  try {
    version = (parse(files.get('Chart.yaml') ?? '') as {version?: unknown} | null)?.version
  } catch {
    version = undefined
  }
  if (!version || valuesText === undefined) throw new InputError(`--chart ${path}: not a Cilium chart (expected Chart.yaml with a version and values.yaml, as \`helm pull cilium/cilium --version X\` gives)`)
  let schema: unknown
  const schemaText = files.get('values.schema.json')
  try {
    schema = schemaText === undefined ? undefined : JSON.parse(schemaText)
  } catch {
    throw new InputError(`--chart ${path}: values.schema.json is not JSON`)
  }
  const templatesText = [...files].filter(([n]) => n.startsWith('templates/')).sort(([a], [b]) => a.localeCompare(b)).map(([, t]) => t).join('\n')
  return {version: String(version), source: path, valuesText, schema, templatesText}
}
