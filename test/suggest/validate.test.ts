import {expect} from 'chai'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gzipSync} from 'node:zlib'
import {pack} from 'tar-stream'
import {loadChart, loadSchemaFile} from '../../src/suggest/chart.js'
import {validateValues} from '../../src/suggest/validate.js'
import {InputError} from '../../src/util/errors.js'
import {REFERENCE_DIR, requireReference} from '../helpers/reference.js'

const VERSIONS = ['1.16.19', '1.17.18', '1.18.12', '1.19.6']
const chartDir = (v: string) => join(REFERENCE_DIR, 'helm', `cilium-${v}`)

async function tgzOf(dir: string): Promise<Buffer> {
  const p = pack()
  for (const f of ['Chart.yaml', 'values.yaml', 'values.schema.json']) p.entry({name: `cilium/${f}`}, readFileSync(join(dir, f)))
  p.entry({name: 'cilium/templates/NOTES.txt'}, 'notes')
  p.finalize()
  const chunks: Buffer[] = []
  for await (const c of p) chunks.push(c as Buffer)
  return gzipSync(Buffer.concat(chunks))
}

describe('suggest: --validate against the released charts', function () {
  before(function () {
    requireReference(this)
  })

  for (const v of VERSIONS) {
    it(`chart ${v}: suggested values pass, a wrong type is named`, async () => {
      const chart = await loadChart(chartDir(v))
      expect(chart.version).to.equal(v)
      const ok = validateValues({
        schema: chart.schema, chartDefaults: chart.defaults, user: {kubeProxyReplacement: 'true'},
        overlay: {bpf: {lbMapMax: 262144, mapDynamicSizeRatio: 0.0085, hostLegacyRouting: false, datapathMode: 'netkit'}, ciliumEndpointSlice: {enabled: true}, extraConfig: {'bpf-sock-rev-map-max': '524288'}},
        overlayPaths: ['bpf.lbMapMax', 'bpf.mapDynamicSizeRatio', 'bpf.hostLegacyRouting', 'bpf.datapathMode', 'ciliumEndpointSlice.enabled', 'extraConfig.bpf-sock-rev-map-max'],
      })
      expect(ok.errors).to.deep.equal([])
      expect(ok.unknownPaths).to.deep.equal([])
      const bad = validateValues({schema: chart.schema, chartDefaults: chart.defaults, user: {}, overlay: {bpf: {lbMapMax: 'lots', hostLegacyRouting: 'no'}}, overlayPaths: ['bpf.lbMapMax']})
      expect(bad.valid).to.equal(false)
      expect(bad.errors.some((e) => e.startsWith('bpf.lbMapMax: must be'))).to.equal(true)
      expect(bad.errors.some((e) => e.startsWith('bpf.hostLegacyRouting: must be'))).to.equal(true)
    })
  }

  it('keys the chart does not know are reported (distributedLRU on 1.16, k8s.apiServerURLs before 1.18)', async () => {
    const c16 = await loadChart(chartDir('1.16.19'))
    const r = validateValues({schema: c16.schema, chartDefaults: c16.defaults, user: {}, overlay: {bpf: {distributedLRU: {enabled: true}}, k8sClientExponentialBackoff: {enabled: true}}, overlayPaths: ['bpf.distributedLRU.enabled', 'k8sClientExponentialBackoff.enabled']})
    expect(r.unknownPaths).to.deep.equal(['bpf.distributedLRU.enabled', 'k8sClientExponentialBackoff.enabled'])
    const c18 = await loadChart(chartDir('1.18.12'))
    const r18 = validateValues({schema: c18.schema, chartDefaults: c18.defaults, user: {}, overlay: {k8sClientExponentialBackoff: {enabled: true}}, overlayPaths: ['k8sClientExponentialBackoff.enabled']})
    expect(r18.unknownPaths).to.deep.equal([])
  })

  it('reads a packed chart (.tgz) and a bare --schema file', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'ciltune-chart-'))
    try {
      const tgz = join(tmp, 'cilium-1.18.12.tgz')
      writeFileSync(tgz, await tgzOf(chartDir('1.18.12')))
      const chart = await loadChart(tgz)
      expect(chart.version).to.equal('1.18.12')
      expect((chart.defaults as {bpf: {lbMapMax: number}}).bpf.lbMapMax).to.equal(65536)
      const schema = loadSchemaFile(join(chartDir('1.19.6'), 'values.schema.json'))
      expect(validateValues({schema, user: {}, overlay: {bpf: {lbMapMax: 1.5}}, overlayPaths: []}).valid).to.equal(false)
      writeFileSync(join(tmp, 'junk.tgz'), 'not a tarball')
      let err: unknown
      try { await loadChart(join(tmp, 'junk.tgz')) } catch (e) { err = e }
      expect(err).to.be.instanceOf(InputError)
      expect((err as Error).message).to.match(/^--chart .*junk.tgz: /)
    } finally {
      rmSync(tmp, {recursive: true, force: true})
    }
  })
})

describe('suggest --validate: every chart knows its own values (issue 17 item 7)', function () {
  before(function () { requireReference(this) })
  for (const v of VERSIONS) {
    it(`chart ${v}: kubeProxyReplacement is a value (schema, or commented out in values.yaml); a made-up key is not`, async () => {
      const chart = await loadChart(chartDir(v))
      const r = validateValues({schema: chart.schema, chartDefaults: chart.defaults, commented: chart.commented, user: {}, overlay: {kubeProxyReplacement: true, bpf: {lbMapMax: 131072}}, overlayPaths: ['kubeProxyReplacement', 'bpf.lbMapMax']})
      expect(r.unknownPaths, v).to.deep.equal([])
      expect(r.errors, v).to.deep.equal([])
      const bad = validateValues({schema: chart.schema, chartDefaults: chart.defaults, commented: chart.commented, user: {}, overlay: {bpf: {noSuchMapMax: 1}}, overlayPaths: ['bpf.noSuchMapMax']})
      expect(bad.unknownPaths).to.deep.equal(['bpf.noSuchMapMax'])
    })
  }
})
