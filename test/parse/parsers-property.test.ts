import {expect} from 'chai'
import fc from 'fast-check'
import {readdirSync} from 'node:fs'
import {gzipSync} from 'node:zlib'
import {z} from 'zod'
import {looksLikeAgentLog, parseAgentLog} from '../../src/parse/agent-log.js'
import {looksLikeConfigMap, parseConfigMap} from '../../src/parse/configmap.js'
import {decodeHelmRelease, looksLikeHelmRelease, looksLikeHelmValues, parseHelmValues} from '../../src/parse/helm-values.js'
import {looksLikeMapList, parseMapList} from '../../src/parse/map-list.js'
import {looksLikeMetrics, parseMetrics} from '../../src/parse/metrics.js'
import {looksLikeNodeList, parseNodes} from '../../src/parse/nodes.js'
import {looksLikePodList, parsePods} from '../../src/parse/pods.js'
import {looksLikeServiceList, parseServiceList} from '../../src/parse/service-list.js'
import {AgentLog, ConfigMap, HelmValues, MapList, Metrics, Node, PodInfo, ServiceList} from '../../src/snapshot/schema.js'
import {hasReference, readReference, REFERENCE_DIR} from '../helpers/reference.js'

/*
 * Mutated real samples (and synthetic Kubernetes objects) never make a parser throw, and what
 * comes back always validates against its schema. Every parser is fed every corpus entry, so
 * each also sees the other kinds' outputs.
 */

const PARSERS: [string, (text: string) => unknown, z.ZodType][] = [
  ['service list', (t) => parseServiceList(t, 'f'), ServiceList],
  ['map list', (t) => parseMapList(t, 'f'), MapList],
  ['metrics', (t) => parseMetrics(t, 'f'), Metrics],
  ['agent log', (t) => parseAgentLog(t, 'f', true), AgentLog],
  ['configmap', (t) => parseConfigMap(t, 'f'), ConfigMap],
  ['helm values', (t) => parseHelmValues(t, 'f'), HelmValues],
  ['helm release', (t) => decodeHelmRelease(t, 'f'), HelmValues],
  ['nodes', (t) => parseNodes(t, 'f'), z.array(Node)],
  ['pods', (t) => parsePods(t, 'f'), z.array(PodInfo)],
]
const DETECTORS = [looksLikeServiceList, looksLikeMapList, looksLikeMetrics, looksLikeAgentLog, looksLikeConfigMap,
  looksLikeHelmValues, looksLikeHelmRelease, looksLikeNodeList, looksLikePodList]

const release = Buffer.from(gzipSync(Buffer.from(JSON.stringify({version: 3, chart: {metadata: {version: '1.18.1'}, values: {}}, config: {bpf: {lbMapMax: 1}}}))).toString('base64')).toString('base64')
const SYNTHETIC = [
  'apiVersion: v1\ndata:\n  bpf-lb-map-max: "65536"\n  routing-mode: native\nkind: ConfigMap\nmetadata:\n  name: cilium-config\n',
  JSON.stringify({apiVersion: 'v1', items: [{kind: 'Node', metadata: {name: 'a', labels: {x: 'y'}}, spec: {podCIDRs: ['10.0.0.0/24']}, status: {capacity: {memory: '5035968Ki', cpu: '2', pods: '110'}, conditions: [{type: 'Ready', status: 'True'}], nodeInfo: {kernelVersion: '6.8.0'}}}], kind: 'List'}, null, 4),
  JSON.stringify({apiVersion: 'v1', items: [{kind: 'Pod', metadata: {name: 'cilium-a'}, spec: {containers: [{name: 'cilium-agent', image: 'i', resources: {limits: {memory: '1Gi'}}}]}, status: {containerStatuses: [{restartCount: 2, lastState: {terminated: {reason: 'OOMKilled'}}}]}}], kind: 'List'}, null, 4),
  'USER-SUPPLIED VALUES:\nbpf:\n  lbMapMax: 131072\nkubeProxyReplacement: true\n',
  `apiVersion: v1\ndata:\n  release: ${release}\nkind: Secret\nmetadata:\n  name: sh.helm.release.v1.cilium.v3\ntype: helm.sh/release.v1\n`,
  '[{"spec":{"id":1,"frontend-address":{"ip":"10.96.0.1","port":443},"flags":{"type":"ClusterIP"}},"status":{"realized":{"frontend-address":{"ip":"10.96.0.1","port":443},"backend-addresses":[{"ip":"10.0.0.1","port":6443,"state":"active"}]}}}]',
  '[{"name":"cilium_bpf_map_pressure","labels":{"map_name":"lb4_services_v2"},"value":0.5}]',
  '{"maps":[{"path":"/sys/fs/bpf/tc/globals/cilium_lxc","cache":[{"key":"k","last-error":"e"}]}]}',
  'time=2026-01-01T00:00:00Z level=warn msg="netkit devices need kernel 6.7.0 or newer and CONFIG_NETKIT" module=agent\n{"level":"error","msg":"map is full"}\n',
]

function corpus(): string[] {
  const out = [...SYNTHETIC]
  if (hasReference()) {
    for (const f of readdirSync(REFERENCE_DIR)) if (/^(service-|map-list|metrics|log_|status)/.test(f)) out.push(readReference(f))
  }
  return out
}

/** Edits that real captures suffer: cut-offs, lost or doubled lines, stray bytes, CRLF, binary noise. */
function mutated(samples: string[]) {
  const edit = fc.oneof(
    fc.record({op: fc.constant('cut' as const), at: fc.nat()}),
    fc.record({op: fc.constant('insert' as const), at: fc.nat(), s: fc.string({unit: 'binary', maxLength: 40})}),
    fc.record({op: fc.constant('delete' as const), at: fc.nat(), n: fc.nat({max: 200})}),
    fc.record({op: fc.constant('dupline' as const), at: fc.nat()}),
    fc.record({op: fc.constant('crlf' as const)}),
    fc.record({op: fc.constant('token' as const), at: fc.nat(), s: fc.constantFrom('{', '}', '"', ':', '\\', '\t', '- ', '=>', '(', 'NaN', '+Inf', '1e999', '\u0000', '\uFFFD', 'level=', '## Map: ', '---\n', '*a', '&a ', '99999999999999999999', '-1')}),
  )
  return fc.tuple(fc.nat({max: samples.length - 1}), fc.array(edit, {maxLength: 6})).map(([i, edits]) => {
    let t = samples[i]
    for (const e of edits) {
      const at = 'at' in e ? e.at % (t.length + 1) : 0
      if (e.op === 'cut') t = t.slice(0, at)
      else if (e.op === 'insert' || e.op === 'token') t = t.slice(0, at) + e.s + t.slice(at)
      else if (e.op === 'delete') t = t.slice(0, at) + t.slice(at + e.n)
      else if (e.op === 'dupline') {
        const start = t.lastIndexOf('\n', at) + 1
        const end = t.indexOf('\n', at)
        const line = t.slice(start, end < 0 ? t.length : end + 1)
        t = t.slice(0, start) + line + line + t.slice(start + line.length)
      } else t = t.replace(/\n/g, '\r\n')
    }
    return t
  })
}

describe('parsers: properties over mutated samples', function () {
  this.timeout(120000)
  const samples = corpus()

  for (const [name, parse, schema] of PARSERS) {
    it(`${name}: never throws and always validates`, function () {
      fc.assert(fc.property(mutated(samples), (text) => {
        const result = parse(text)
        schema.parse(result)
      }), {numRuns: 150})
    })
  }

  it('detectors never throw on mutated samples', function () {
    fc.assert(fc.property(mutated(samples), (text) => {
      for (const d of DETECTORS) expect(typeof d(text)).to.equal('boolean')
    }), {numRuns: 200})
  })

  it('arbitrary strings: every parser returns a valid, empty-ish result', function () {
    fc.assert(fc.property(fc.string({unit: 'binary', maxLength: 300}), (text) => {
      for (const [, parse, schema] of PARSERS) schema.parse(parse(text))
    }), {numRuns: 200})
  })

  it('unrecognized lines keep line numbers within the input', function () {
    fc.assert(fc.property(mutated(samples), (text) => {
      const lines = text.split(/\r?\n|\r/).length
      for (const r of [parseServiceList(text, 'f'), parseMapList(text, 'f'), parseMetrics(text, 'f')]) {
        for (const u of r.unrecognized) expect(u.line).to.be.within(0, lines)
      }
    }), {numRuns: 100})
  })
})

describe('parsers: numbers beyond safe integers', function () {
  it('oversized ids, ports and counts are rejected, not turned into unsafe integers', function () {
    const big = '99999999999999999999'
    const svc = parseServiceList(`${big}   10.0.0.1:${big}   ClusterIP   ${big} => 10.0.0.2:80 (active)\n`, 'f')
    ServiceList.parse(svc)
    expect(svc.services).to.deep.equal([])
    expect(svc.unrecognized).to.have.length(1)
    const maps = parseMapList(`cilium_x   ${big}   0   true\n`, 'f')
    MapList.parse(maps)
    expect(maps.maps).to.deep.equal([])
    const pods = parsePods(JSON.stringify({kind: 'Pod', metadata: {name: 'p'}, status: {containerStatuses: [{restartCount: 2 ** 60}, {restartCount: 3}]}}), 'f')
    expect(pods[0].restarts).to.equal(3)
  })
})
