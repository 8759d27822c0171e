import {expect} from 'chai'
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {catalogOf, diffCatalogs, knows, minorOf, shippedCatalog, shippedDiff, shippedVersions} from '../../src/cilium/charts/index.js'
import {readChart} from '../../src/cilium/charts/read.js'
import {REFERENCE_DIR} from '../helpers/reference.js'

const HELM = join(REFERENCE_DIR, 'helm')

/** The released charts in ../shared/reference/helm (values.yaml + values.schema.json, no templates). */
function referenceCharts(): string[] {
  const versions = existsSync(HELM) ? ['1.16.19', '1.17.18', '1.18.12', '1.19.6'] : []
  return versions.filter((v) => existsSync(join(HELM, `cilium-${v}`, 'values.yaml')))
}

function referenceCatalog(version: string) {
  const dir = join(HELM, `cilium-${version}`)
  const schemaPath = join(dir, 'values.schema.json')
  return catalogOf({version, valuesText: readFileSync(join(dir, 'values.yaml'), 'utf8'), schema: existsSync(schemaPath) ? JSON.parse(readFileSync(schemaPath, 'utf8')) as unknown : undefined})
}

const paths = (xs: Array<{path: string}>) => xs.map((x) => x.path).sort()
const byPath = <T extends {path: string}>(xs: T[]): T[] => [...xs].sort((a, b) => a.path.localeCompare(b.path))

describe('upgrade-check chart knowledge: every shipped pair', () => {
  it('ships one release per minor from 1.14 to 1.20, oldest first', async () => {
    const v = await shippedVersions()
    expect(v.map(minorOf)).to.deep.equal(['1.14', '1.15', '1.16', '1.17', '1.18', '1.19', '1.20'])
  })

  // the shipped diffs are what the catalogs give: nothing in diffs.json was edited by hand
  const pairs = [['1.14', '1.15'], ['1.15', '1.16'], ['1.16', '1.17'], ['1.17', '1.18'], ['1.18', '1.19'], ['1.19', '1.20']]
  for (const [from, to] of pairs) {
    it(`${from} → ${to}: the shipped diff equals the diff of the shipped catalogs, and every successor is a value of ${to}`, async () => {
      const a = (await shippedCatalog(from))!
      const b = (await shippedCatalog(to))!
      const shipped = (await shippedDiff(from, to))!
      expect(shipped, `diff ${from} → ${to}`).to.not.equal(undefined)
      const again = diffCatalogs(a, b)
      expect(paths(again.removed)).to.deep.equal(paths(shipped.removed))
      expect(paths(again.retyped)).to.deep.equal(paths(shipped.retyped))
      expect(byPath(shipped.defaults)).to.deep.equal(byPath(again.defaults))
      expect(shipped.gates).to.deep.equal(again.gates)
      for (const r of shipped.removed) {
        expect(knows(a.keys, r.path), `${r.path} was a value of ${from}`).to.equal('key')
        expect(knows(b.keys, r.path), `${r.path} is gone from ${to}`).to.equal(undefined)
        if (r.successor) expect(['key', 'parent'], `successor ${r.successor} of ${r.path}`).to.include(knows(b.keys, r.successor))
      }
      for (const d of shipped.defaults) expect(d.from, d.path).to.not.deep.equal(d.to)
    })
  }
})

describe('upgrade-check chart knowledge against the released charts in ../shared/reference/helm', () => {
  const charts = referenceCharts()
  if (charts.length === 0) {
    it('(skipped: ../shared/reference/helm is absent)', function () {
      console.log(`    (skipped: ${HELM} is absent; chart-pair tests need the released charts)`)
      this.skip()
    })
    return
  }
  for (const v of charts) {
    it(`${v}: the shipped catalog holds exactly the chart's values with their types and defaults`, async () => {
      const shipped = (await shippedCatalog(v))!
      expect(shipped.version).to.equal(v)
      const derived = referenceCatalog(v)
      expect(Object.keys(shipped.keys).sort()).to.deep.equal(Object.keys(derived.keys).sort())
      for (const [path, info] of Object.entries(derived.keys)) expect(shipped.keys[path], path).to.deep.equal(info)
      expect(shipped.deprecated).to.deep.equal(derived.deprecated)
      expect(shipped.commented).to.deep.equal(derived.commented)
    })
  }
  for (let i = 1; i < charts.length; i++) {
    const [from, to] = [charts[i - 1], charts[i]]
    it(`${from} → ${to}: removed, retyped and changed defaults derived from the reference charts equal the shipped diff`, async () => {
      const d = diffCatalogs(referenceCatalog(from), referenceCatalog(to))
      const shipped = (await shippedDiff(from, to))!
      expect(paths(d.removed)).to.deep.equal(paths(shipped.removed))
      expect(d.removed.map((r) => `${r.path}→${r.successor ?? ''}`).sort()).to.deep.equal(shipped.removed.map((r) => `${r.path}→${r.successor ?? ''}`).sort())
      expect(paths(d.retyped)).to.deep.equal(paths(shipped.retyped))
      expect(byPath(d.defaults)).to.deep.equal(byPath(shipped.defaults))
    })
  }
  it('--chart reads an unpacked chart directory the same way (templates absent: no gates)', async () => {
    const v = charts[charts.length - 1]
    const chart = await readChart(join(HELM, `cilium-${v}`))
    expect(chart.version).to.equal(v)
    expect(chart.templatesText).to.equal('')
    expect(catalogOf(chart).keys).to.deep.equal(referenceCatalog(v).keys)
  })
})
