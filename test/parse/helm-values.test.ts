import {expect} from 'chai'
import {gzipSync} from 'node:zlib'
import {stringify} from 'yaml'
import {parse as parseYaml} from 'yaml'
import {looksLikeConfigMap} from '../../src/parse/configmap.js'
import {decodeHelmRelease, looksLikeHelmRelease, looksLikeHelmValues, parseHelmValues} from '../../src/parse/helm-values.js'
import {HelmValues} from '../../src/snapshot/schema.js'
import {readReference, requireReference} from '../helpers/reference.js'

const CHARTS = ['1.16.19', '1.17.18', '1.18.12', '1.19.6']
const check = (r: HelmValues) => HelmValues.parse(r)

function releaseJson(revision: number, config: Record<string, unknown>, chartValues: Record<string, unknown> = {bpf: {lbMapMax: 65536}}) {
  return JSON.stringify({name: 'cilium', namespace: 'kube-system', version: revision, info: {status: 'deployed'},
    chart: {metadata: {name: 'cilium', version: '1.18.12', appVersion: '1.18.12'}, values: chartValues}, config, manifest: '---\n'})
}
/** What Helm stores (base64(gzip(json))) and what the API returns for a raw Secret (base64 once more). */
const helmPayload = (json: string) => gzipSync(Buffer.from(json)).toString('base64')
const apiPayload = (json: string) => Buffer.from(helmPayload(json)).toString('base64')

function secret(revision: number, status: string, config: Record<string, unknown>) {
  return {apiVersion: 'v1', data: {release: apiPayload(releaseJson(revision, config))}, kind: 'Secret',
    metadata: {labels: {name: 'cilium', owner: 'helm', status, version: String(revision)}, name: `sh.helm.release.v1.cilium.v${revision}`, namespace: 'kube-system'},
    type: 'helm.sh/release.v1'}
}

describe('parseHelmValues', function () {
  it('helm get values -o yaml with the USER-SUPPLIED VALUES heading', function () {
    const text = 'USER-SUPPLIED VALUES:\nbpf:\n  lbMapMax: 131072\n  masquerade: true\nkubeProxyReplacement: true\nk8sServiceHost: 10.0.0.1\nhubble:\n  relay:\n    enabled: true\n'
    expect(looksLikeHelmValues(text)).to.equal(true)
    const r = check(parseHelmValues(text, 'values.yaml'))
    expect(r.source).to.equal('values.yaml')
    expect(r.values).to.deep.equal({bpf: {lbMapMax: 131072, masquerade: true}, kubeProxyReplacement: true, k8sServiceHost: '10.0.0.1', hubble: {relay: {enabled: true}}})
  })

  it('-o json and the "null" of a release without user values', function () {
    const r = check(parseHelmValues('{"ipam":{"mode":"kubernetes"},"routingMode":"native"}', 'v.json'))
    expect(r.values).to.deep.equal({ipam: {mode: 'kubernetes'}, routingMode: 'native'})
    expect(check(parseHelmValues('USER-SUPPLIED VALUES:\nnull\n', 'v')).values).to.deep.equal({})
    expect(check(parseHelmValues('::: {{ garbage', 'v')).values).to.deep.equal({})
  })

  describe('released chart values.yaml files', function () {
    before(function () { requireReference(this) })
    for (const v of CHARTS) {
      it(`cilium ${v}: parses the chart defaults and is detected as Helm values only`, function () {
        const text = readReference(`helm/cilium-${v}/values.yaml`)
        expect(looksLikeHelmValues(text)).to.equal(true)
        expect(looksLikeConfigMap(text)).to.equal(false)
        expect(looksLikeHelmRelease(text)).to.equal(false)
        const r = check(parseHelmValues(text, 'values.yaml'))
        const values = r.values as Record<string, any>
        // cross-check against an independent plain YAML parse of the same file
        const plain = parseYaml(text) as Record<string, unknown>
        expect(Object.keys(values)).to.deep.equal(Object.keys(plain))
        expect(values.bpf.lbMapMax).to.equal(65536)
        expect(values.hubble.enabled).to.equal(true)
        expect(values.ipam.mode).to.equal('cluster-pool')
        if (v >= '1.18') expect(values.kubeProxyReplacement).to.equal('false')
      })
    }
  })
})

describe('decodeHelmRelease', function () {
  it('a raw release Secret in YAML (base64 twice, gzip, JSON): user config, chart defaults, version, revision', function () {
    const text = stringify(secret(7, 'deployed', {bpf: {lbMapMax: 262144}, kubeProxyReplacement: true}))
    expect(looksLikeHelmRelease(text)).to.equal(true)
    expect(looksLikeHelmValues(text)).to.equal(false)
    const r = check(decodeHelmRelease(text, 'secret.yaml'))
    expect(r).to.deep.equal({source: 'secret.yaml', chartVersion: '1.18.12', revision: 7,
      values: {bpf: {lbMapMax: 262144}, kubeProxyReplacement: true}, chartDefaults: {bpf: {lbMapMax: 65536}}})
  })

  it('the Secret in JSON; parseHelmValues routes a Secret to the decoder', function () {
    const text = JSON.stringify(secret(3, 'deployed', {ipam: {mode: 'eni'}}), null, 4)
    expect(decodeHelmRelease(text, 's').values).to.deep.equal({ipam: {mode: 'eni'}})
    expect(parseHelmValues(text, 's').revision).to.equal(3)
  })

  it('a List of release Secrets: the deployed one with the highest revision wins', function () {
    const list = {apiVersion: 'v1', kind: 'List', items: [
      secret(8, 'failed', {routingMode: 'tunnel'}), secret(6, 'superseded', {routingMode: 'x'}), secret(7, 'deployed', {routingMode: 'native'}),
    ]}
    const r = check(decodeHelmRelease(JSON.stringify(list), 'list'))
    expect(r.revision).to.equal(7)
    expect(r.values).to.deep.equal({routingMode: 'native'})
  })

  it('bare payloads: once-encoded (jsonpath | base64 -d), twice-encoded, and ungzipped JSON', function () {
    const json = releaseJson(2, {hubble: {enabled: false}})
    expect(decodeHelmRelease(helmPayload(json), 'p').values).to.deep.equal({hubble: {enabled: false}})
    expect(decodeHelmRelease(apiPayload(json), 'p').revision).to.equal(2)
    expect(decodeHelmRelease(Buffer.from(json).toString('base64'), 'p').chartVersion).to.equal('1.18.12')
    expect(decodeHelmRelease(json, 'p').revision).to.equal(2)
  })

  it('corrupt input gives empty values, never a throw', function () {
    const bad = Buffer.from([0x1f, 0x8b, 0x08, 0, 1, 2, 3]).toString('base64')
    for (const t of ['', 'not base64 at all!', bad, '{"data":{"release":"@@@"}}', 'kind: Secret\ndata:\n  release: 12\n']) {
      const r = check(decodeHelmRelease(t, 'bad'))
      expect(r.values).to.deep.equal({})
      expect(r.revision).to.equal(undefined)
    }
  })
})
