// Writes the chart knowledge upgrade-check ships (src/cilium/charts/catalog.json and diffs.json) from released
// Cilium charts: per release every value path with its type and default, the keys the chart calls deprecated,
// the templates' upgradeCompatibility gates, and the diff of each consecutive pair.
//
//   npm run build
//   node scripts/chart-catalog.mjs CHART... [--out src/cilium/charts]
//
// CHART is a chart archive (cilium-1.18.12.tgz from `helm pull cilium/cilium --version 1.18.12`, or from the
// cilium/charts repository) or an unpacked chart directory. Give them oldest first, one per minor.
import {writeFileSync} from 'node:fs'
import {basename, join} from 'node:path'
import {catalogOf} from '../dist/src/cilium/charts/derive.js'
import {diffCatalogs} from '../dist/src/cilium/charts/diff.js'
import {readChart} from '../dist/src/cilium/charts/read.js'
import {encodeCatalogs} from '../dist/src/cilium/charts/store.js'

const args = process.argv.slice(2)
const outAt = args.indexOf('--out')
const out = outAt >= 0 ? args.splice(outAt, 2)[1] : 'src/cilium/charts'
if (args.length < 2) {
  console.error('usage: node scripts/chart-catalog.mjs CHART.tgz|DIR ... [--out DIR] (two charts or more, oldest first)')
  process.exit(2)
}

// the same reader upgrade-check uses for --chart
const charts = (await Promise.all(args.map(readChart))).map((c) => ({...c, source: basename(c.source)}))
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
