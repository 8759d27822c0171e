import {expect} from 'chai'
import catalogJson from '../../src/cilium/charts/catalog.json' with {type: 'json'}
import {CHART_RELEASES, chartDefault, isChartLeaf, keyAt} from '../../src/cilium/charts/keys.js'
import {decodeCatalog, type CatalogStore} from '../../src/cilium/charts/store.js'

/*
 * keys.ts answers from the store's entries for one key; these oracles answer from whole decoded catalogs,
 * as keys.ts first did. Every key of every release, its parents and some paths no chart has must agree.
 */

const store = catalogJson as unknown as CatalogStore
const decoded = new Map(CHART_RELEASES.map((r) => [r, decodeCatalog(store, r)!]))

function whereOracle(path: string, release: string): 'key' | 'under-leaf' | 'parent' | undefined {
  const keys = decoded.get(release)!.keys
  if (Object.hasOwn(keys, path)) return 'key'
  const parts = path.split('.')
  for (let i = parts.length - 1; i > 0; i--) if (Object.hasOwn(keys, parts.slice(0, i).join('.'))) return 'under-leaf'
  return Object.keys(keys).some((k) => k.startsWith(`${path}.`)) ? 'parent' : undefined
}

function inChartOracle(path: string, release: string): boolean {
  return whereOracle(path, release) !== undefined || decoded.get(release)!.commented.includes(path)
}

function deprecatedOracle(path: string, release: string): string | undefined {
  const dep = decoded.get(release)!.deprecated
  const parts = path.split('.')
  for (let i = parts.length; i > 0; i--) if (Object.hasOwn(dep, parts.slice(0, i).join('.'))) return parts.slice(0, i).join('.')
  return undefined
}

function paths(): string[] {
  const all = new Set<string>()
  for (const k of [...Object.keys(store.keys), ...Object.keys(store.deprecated), ...Object.values(store.commented).flat()]) {
    all.add(k)
    const parts = k.split('.')
    for (let i = 1; i < parts.length; i++) all.add(parts.slice(0, i).join('.'))
    all.add(`${k}.below`)
  }
  for (const odd of ['', 'nope', 'constructor', 'hubble.nope', 'bpf.nope.deeper']) all.add(odd)
  return [...all]
}

describe('chart keys: one key\'s store entries give what whole decoded catalogs give', function () {
  this.timeout(120_000)

  it('where a key stands, its default and whether it is a leaf, in every release', function () {
    const all = paths()
    expect(all.length).to.be.greaterThan(1000)
    let kinds = 0
    for (const path of all) {
      expect(isChartLeaf(path), path).to.equal(CHART_RELEASES.some((r) => ['key', 'under-leaf'].includes(whereOracle(path, r) ?? '')))
      for (const r of CHART_RELEASES) {
        expect(chartDefault(path, r), `${path} in ${r}`).to.deep.equal(decoded.get(r)!.keys[path]?.default)
        const v = keyAt(path, r)
        const i = CHART_RELEASES.indexOf(r)
        if (inChartOracle(path, r)) {
          const d = deprecatedOracle(path, r)
          expect(v?.kind, `${path} in ${r}`).to.equal(d ? 'deprecated' : undefined)
        } else if (CHART_RELEASES.slice(0, i).some((x) => inChartOracle(path, x))) {
          expect(v?.kind, `${path} in ${r}`).to.equal('removed')
        } else {
          expect(v?.kind, `${path} in ${r}`).to.equal(CHART_RELEASES.slice(i + 1).some((x) => inChartOracle(path, x)) ? 'newer' : undefined)
        }
        if (v) kinds++
      }
    }
    // removed, newer and deprecated keys are among them: the comparison is not of undefined with undefined
    expect(kinds).to.be.greaterThan(100)
  })
})
