// Writes the chart knowledge upgrade-check ships (src/cilium/charts/catalog.json and diffs.json) from released
// Cilium charts: per release every value path with its type and default, the keys the chart calls deprecated,
// the templates' upgradeCompatibility gates, and the diff of each consecutive pair.
//
//   npm run build
//   node scripts/chart-catalog.mjs CHART... [--out src/cilium/charts]
//
// CHART is a chart archive (cilium-1.18.12.tgz from `helm pull cilium/cilium --version 1.18.12`, or from the
// cilium/charts repository) or an unpacked chart directory. Give them oldest first, one per minor.
import {readFileSync, readdirSync, statSync, writeFileSync} from 'node:fs'
import {basename, join} from 'node:path'
import {gunzipSync} from 'node:zlib'
import {parse} from 'yaml'
import {catalogOf} from '../dist/src/cilium/charts/derive.js'
import {diffCatalogs} from '../dist/src/cilium/charts/diff.js'
import {encodeCatalogs} from '../dist/src/cilium/charts/store.js'

const args = process.argv.slice(2)
const outAt = args.indexOf('--out')
const out = outAt >= 0 ? args.splice(outAt, 2)[1] : 'src/cilium/charts'
if (args.length < 2) {
  console.error('usage: node scripts/chart-catalog.mjs CHART.tgz|DIR ... [--out DIR] (two charts or more, oldest first)')
  process.exit(2)
}

/** name → text of every regular file in a .tgz (ustar, as helm packages it), read without unpacking. */
function tgzFiles(path) {
  const buf = gunzipSync(readFileSync(path))
  const files = new Map()
  let off = 0
  let longName
  while (off + 512 <= buf.length) {
    const header = buf.subarray(off, off + 512)
    if (header.every((b) => b === 0)) break
    const field = (s, n) => header.subarray(s, s + n).toString('utf8').replace(/\0.*$/s, '')
    const size = parseInt(field(124, 12).trim() || '0', 8)
    const type = field(156, 1)
    const prefix = field(345, 155)
    const name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100))
    longName = undefined
    const body = buf.subarray(off + 512, off + 512 + size)
    if (type === 'L') longName = body.toString('utf8').replace(/\0.*$/s, '')
    else if (type === '0' || type === '') files.set(name, body.toString('utf8'))
    off += 512 + Math.ceil(size / 512) * 512
  }
  return files
}

function dirFiles(dir) {
  const files = new Map()
  const walk = (d, rel) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e)
      if (statSync(p).isDirectory()) walk(p, `${rel}${e}/`)
      else files.set(`${rel}${e}`, readFileSync(p, 'utf8'))
    }
  }
  walk(dir, 'cilium/')
  return files
}

function readChart(path) {
  const files = statSync(path).isDirectory() ? dirFiles(path) : tgzFiles(path)
  const get = (name) => files.get(`cilium/${name}`)
  const chart = parse(get('Chart.yaml') ?? '') ?? {}
  const valuesText = get('values.yaml')
  if (!chart.version || valuesText === undefined) throw new Error(`${path}: not a Cilium chart (Chart.yaml version and values.yaml expected)`)
  const schemaText = get('values.schema.json')
  const templatesText = [...files].filter(([n]) => n.startsWith('cilium/templates/')).sort(([a], [b]) => a.localeCompare(b)).map(([, t]) => t).join('\n')
  return {version: String(chart.version), source: basename(path), valuesText, schema: schemaText ? JSON.parse(schemaText) : undefined, templatesText}
}

const charts = args.map(readChart)
const catalogs = charts.map((c) => catalogOf(c))
const generatedBy = `scripts/chart-catalog.mjs ${charts.map((c) => c.source).join(' ')}`
const sources = Object.fromEntries(charts.map((c) => [c.version, `${c.source}${c.schema ? '' : ' (no values.schema.json: types from the defaults)'}`]))
const store = encodeCatalogs(catalogs, sources, generatedBy)
const diffs = {generatedBy, diffs: catalogs.slice(1).map((c, i) => diffCatalogs(catalogs[i], c))}
const catalogText = JSON.stringify(store) + '\n'
const diffsText = JSON.stringify(diffs, null, 1) + '\n'
writeFileSync(join(out, 'catalog.json'), catalogText)
writeFileSync(join(out, 'diffs.json'), diffsText)
for (const d of diffs.diffs) console.log(`${d.from} → ${d.to}: ${d.removed.length} removed, ${d.retyped.length} retyped, ${d.defaults.length} defaults changed, ${d.gates.length} gates`)
console.log(`${join(out, 'catalog.json')}: ${catalogText.length} bytes, ${Object.keys(store.keys).length} keys over ${store.versions.length} releases; ${join(out, 'diffs.json')}: ${diffsText.length} bytes`)
