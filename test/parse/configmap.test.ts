import {expect} from 'chai'
import {looksLikeConfigMap, parseConfigMap} from '../../src/parse/configmap.js'
import {ConfigMap} from '../../src/snapshot/schema.js'
import {requireReference} from '../helpers/reference.js'
import {readSysdumpEntry} from './reference-zip.js'

function parse(text: string, file = 'cilium-config.yaml') {
  const r = parseConfigMap(text, file)
  ConfigMap.parse(r)
  return r
}

const YAML = `apiVersion: v1
data:
  bpf-lb-map-max: "65536"
  bpf-map-dynamic-size-ratio: "0.0025"
  kube-proxy-replacement: "true"
  routing-mode: native
  enable-bpf-masquerade: "true"
  custom: |
    multi
    line
kind: ConfigMap
metadata:
  name: cilium-config
  namespace: kube-system
`

describe('parseConfigMap', function () {
  it('kubectl -o yaml: values as strings, each with the line of its key', function () {
    const r = parse(YAML, 'cm.yaml')
    expect(r.name).to.equal('cilium-config')
    expect(r.namespace).to.equal('kube-system')
    expect(Object.keys(r.data)).to.have.length(6)
    expect(r.data['bpf-lb-map-max']).to.deep.equal({value: '65536', src: {file: 'cm.yaml', line: 3, text: 'bpf-lb-map-max: "65536"'}})
    expect(r.data['routing-mode'].value).to.equal('native')
    expect(r.data['routing-mode'].src.line).to.equal(6)
    expect(r.data.custom.value).to.equal('multi\nline\n')
  })

  it('kubectl -o json: lines of "key": found', function () {
    const json = JSON.stringify({apiVersion: 'v1', data: {'bpf-lb-map-max': '131072', 'tunnel-protocol': 'vxlan'}, kind: 'ConfigMap', metadata: {name: 'cilium-config', namespace: 'kube-system'}}, null, 4)
    const r = parse(json, 'cm.json')
    expect(r.data['bpf-lb-map-max'].value).to.equal('131072')
    expect(r.data['tunnel-protocol'].src.line).to.equal(5)
    expect(r.data['tunnel-protocol'].src.text).to.equal('"tunnel-protocol": "vxlan"')
  })

  it('a List holding several ConfigMaps picks cilium-config', function () {
    const text = `apiVersion: v1
items:
- apiVersion: v1
  data:
    foo: bar
  kind: ConfigMap
  metadata:
    name: other
- apiVersion: v1
  data:
    ipam: cluster-pool
  kind: ConfigMap
  metadata:
    name: cilium-config
    namespace: kube-system
kind: List
`
    const r = parse(text)
    expect(r.data).to.have.keys(['ipam'])
    expect(r.data.ipam.src.line).to.equal(11)
  })

  it('a bare data: map, non-string values stringified', function () {
    const r = parse('data:\n  bpf-ct-global-tcp-max: 524288\n  enable-ipv6: false\n')
    expect(r.name).to.equal('cilium-config')
    expect(r.data['bpf-ct-global-tcp-max']).to.deep.include({value: '524288'})
    expect(r.data['enable-ipv6'].value).to.equal('false')
    expect(r.data['enable-ipv6'].src.line).to.equal(3)
  })

  it('garbage gives an empty ConfigMap, never a throw', function () {
    expect(parse('{{{ not yaml').data).to.deep.equal({})
    expect(parse('').data).to.deep.equal({})
    expect(parse('- a\n- b\n').data).to.deep.equal({})
  })

  it('detector: ConfigMap yaml/json/bare data yes; Helm values, nodes no', function () {
    expect(looksLikeConfigMap(YAML)).to.equal(true)
    expect(looksLikeConfigMap('{"apiVersion":"v1","data":{"a":"b"},"kind":"ConfigMap"}')).to.equal(true)
    expect(looksLikeConfigMap('data:\n  bpf-lb-map-max: "65536"\n')).to.equal(true)
    expect(looksLikeConfigMap('bpf:\n  lbMapMax: 65536\nkubeProxyReplacement: true\n')).to.equal(false)
    expect(looksLikeConfigMap('apiVersion: v1\nkind: Node\nmetadata:\n  name: n\n')).to.equal(false)
  })

  describe('real 1.10 sysdump ConfigMap', function () {
    before(function () { requireReference(this) })
    it('53 keys, bpf-lb-map-max on line 4, tunnel vxlan', async function () {
      const e = await readSysdumpEntry('cilium-configmap-20210525-174518.yaml')
      expect(looksLikeConfigMap(e.text)).to.equal(true)
      const r = parse(e.text, e.name)
      expect(r).to.include({name: 'cilium-config', namespace: 'kube-system'})
      expect(Object.keys(r.data)).to.have.length(53)
      expect(r.data['bpf-lb-map-max'].src).to.include({line: 4, text: 'bpf-lb-map-max: "65536"'})
      expect(r.data.tunnel.value).to.equal('vxlan')
      expect(r.data['cluster-id'].value).to.equal('')
    })
  })
})
