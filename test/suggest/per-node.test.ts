import {expect} from 'chai'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {parse, parseAllDocuments} from 'yaml'
import type {Io} from '../../src/actions/doctor-options.js'
import {runSuggest, type SuggestOptions} from '../../src/actions/suggest.js'
import {nodeConfigApi} from '../../src/cilium/node-config.js'
import {computeMapSizes} from '../../src/sizing/formula.js'
import {currentValues} from '../../src/suggest/current-values.js'
import {renderOverlay} from '../../src/suggest/overlay.js'
import {buildPlan} from '../../src/suggest/plan.js'
import type {NodeConfigInfo, Snapshot} from '../../src/snapshot/schema.js'
import {ciliumAgent, cluster, finding, GiB, node} from './fixtures.js'

/*
 * Issue 12 item 8: where one global value does not fit every node, a CiliumNodeConfig for the group that needs more.
 * Shape as in the per-node configuration docs (https://docs.cilium.io/en/stable/configuration/per-node-config/):
 * spec.nodeSelector + spec.defaults of cilium-config keys; v2 from 1.16 (cilium#31721), v2alpha1 from 1.13 (cilium#22656).
 */

const ratio = 0.0025
const ct = (mem: number) => computeMapSizes({memoryBytes: mem, ratio}).sizes['ct-tcp'].entries
const big = (n: string) => node(n, {memoryBytes: 128 * GiB, labels: {'node.kubernetes.io/instance-type': 'r6i.4xlarge', 'kubernetes.io/hostname': n}})
const small = (n: string) => node(n, {memoryBytes: 8 * GiB, labels: {'node.kubernetes.io/instance-type': 'm6i.large', 'kubernetes.io/hostname': n}})

/** Three 128 GiB nodes with quiet CT maps, two 8 GiB ingress nodes whose CT map is nearly full. */
function mixed(version = '1.18.4'): Snapshot {
  return cluster([
    ...['db-1', 'db-2', 'db-3'].map((n) => ciliumAgent(`cilium-${n}`, n, {version, ratio, ctTcp: ct(128 * GiB), pressure: {ct4_global: 0.05}})),
    ...['edge-1', 'edge-2'].map((n) => ciliumAgent(`cilium-${n}`, n, {version, ratio, ctTcp: ct(8 * GiB), pressure: {ct4_global: 0.95}})),
  ], [big('db-1'), big('db-2'), big('db-3'), small('edge-1'), small('edge-2')], {'bpf-map-dynamic-size-ratio': String(ratio)})
}
const pressure = finding('bpf-map-pressure', [{path: 'bpf.mapDynamicSizeRatio', value: 0.005, reason: 'ct4_global at 95 %'}])

describe('suggest: per-node CiliumNodeConfig where one value does not fit every node', () => {
  it('a ratio only the busy small nodes need: the values keep the ratio that fits all, the CiliumNodeConfig is the cheaper alternative', () => {
    const s = mixed()
    const p = buildPlan(s, [pressure], currentValues(s), {target: 0.5})
    expect(p.nodeConfigs).to.have.length(1)
    const nc = p.nodeConfigs[0]
    expect(nc.apiVersion).to.equal('cilium.io/v2')
    expect(nc.nodeSelector).to.deep.equal({matchLabels: {'node.kubernetes.io/instance-type': 'm6i.large'}})
    expect(nc.nodes).to.deep.equal(['edge-1', 'edge-2'])
    const need = Number(nc.defaults['bpf-map-dynamic-size-ratio'])
    // with that ratio the small nodes' CT map falls under the target
    expect(0.95 * ct(8 * GiB) / computeMapSizes({memoryBytes: 8 * GiB, ratio: need}).sizes['ct-tcp'].entries).to.be.at.most(0.5)
    // the global value alone stays safe: it is what the small nodes need
    expect(p.items.map((i) => [i.writePath, i.value])).to.deep.equal([['bpf.mapDynamicSizeRatio', need]])
    expect(nc.reason).to.match(/^alternative to bpf\.mapDynamicSizeRatio: [\d.]+ for every node: leave bpf\.mapDynamicSizeRatio as it is and apply this; only edge-1, edge-2 need ratio .*every other node \(3\) fits with the current ratio.* more kernel memory/)
    const text = renderOverlay(p)
    expect(parse(text)).to.deep.equal({bpf: {mapDynamicSizeRatio: need}})
    expect(text).to.match(/# {3}kind: CiliumNodeConfig/)
  })

  it('an explicit size the big nodes already exceed is not written for the cluster: a CiliumNodeConfig for the nodes that need it', () => {
    const s = mixed()
    const ctMax = finding('bpf-map-pressure', [{path: 'bpf.ctTcpMax', value: 262144, reason: 'ct4_global at 95 %'}])
    const p = buildPlan(s, [ctMax], currentValues(s), {target: 0.5})
    expect(ct(128 * GiB)).to.be.greaterThan(262144)
    expect(p.items).to.deep.equal([])
    expect(p.nodeConfigs.map((n) => [n.nodes, n.defaults])).to.deep.equal([[['edge-1', 'edge-2'], {'bpf-ct-global-tcp-max': '262144'}]])
    expect(p.nodeConfigs[0].reason).to.match(/as a cluster value, bpf\.ctTcpMax=262144 would shrink TCP connection tracking on db-1 \(\d+\), db-2/)
    // without CiliumNodeConfig (1.12) the shrinking value is blocked, never written
    const old = mixed('1.12.9')
    const q = buildPlan(old, [ctMax], currentValues(old), {target: 0.5})
    expect(q.items).to.deep.equal([])
    expect(q.blocked[0].blockedBy.join(' ')).to.match(/would shrink TCP connection tracking on db-1.*never made worse.*1\.12\.9 has no CiliumNodeConfig/)
  })

  it('nodes of one size: one global ratio, no CiliumNodeConfig', () => {
    const s = cluster(['a', 'b'].map((n) => ciliumAgent(`cilium-${n}`, n, {ratio, ctTcp: ct(8 * GiB), pressure: {ct4_global: 0.95}})), [small('a'), small('b')], {'bpf-map-dynamic-size-ratio': String(ratio)})
    const p = buildPlan(s, [pressure], currentValues(s), {target: 0.5})
    expect(p.nodeConfigs).to.deep.equal([])
    expect(p.items.map((i) => i.writePath)).to.deep.equal(['bpf.mapDynamicSizeRatio'])
  })

  it('the version gate: v2alpha1 on 1.13–1.15, none before 1.13', () => {
    expect(nodeConfigApi('1.15.7')).to.deep.equal({apiVersion: 'cilium.io/v2alpha1'})
    expect(nodeConfigApi('1.16.0')).to.deep.equal({apiVersion: 'cilium.io/v2'})
    expect(nodeConfigApi('1.12.9')).to.have.property('unavailable').that.matches(/from 1\.13 on/)
    const p = buildPlan(mixed('1.12.9'), [pressure], currentValues(mixed('1.12.9')), {target: 0.5})
    expect(p.nodeConfigs).to.deep.equal([])
    expect(p.notes.join('\n')).to.match(/one ratio does not fit every node well, but Cilium 1\.12\.9 has no CiliumNodeConfig/)
  })

  it('--node-config writes the manifest as its own file with the reason; the overlay stays valid values', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ciltune-cnc-'))
    try {
      const snap = join(dir, 'snapshot.json')
      writeFileSync(snap, JSON.stringify(mixed()))
      const out = join(dir, 'node-configs.yaml')
      const io = {out: '', err: '', isTTY: false, stdout(t: string) { io.out += t }, stderr(t: string) { io.err += t }} as Io & {out: string, err: string}
      const base: SuggestOptions = {force: false, diff: false, set: false, validate: false, targetPressure: 0.5}
      await runSuggest({...base, from: snap, nodeConfig: out}, io)
      const docs = parseAllDocuments(readFileSync(out, 'utf8'))
      expect(docs).to.have.length(1)
      const m = docs[0].toJSON() as {kind: string, metadata: {namespace: string}, spec: {defaults: Record<string, string>}}
      expect(m.kind).to.equal('CiliumNodeConfig')
      expect(m.metadata.namespace).to.equal('kube-system')
      // the pressure rule asks for an explicit CT size here, which the 128 GiB nodes already exceed
      expect(Object.keys(m.spec.defaults)).to.deep.equal(['bpf-ct-global-tcp-max'])
      expect(parse(io.out) as Record<string, unknown>).not.to.have.nested.property('bpf.ctTcpMax')
      expect(readFileSync(out, 'utf8')).to.match(/^# ciltune suggest: per-node override .*\n# reason: only edge-1, edge-2/)
      expect(io.err).to.match(/wrote .*node-configs\.yaml: 1 CiliumNodeConfig/)
      expect(() => { parse(io.out) }).not.to.throw()
    } finally { rmSync(dir, {recursive: true, force: true}) }
  })
})

/*
 * CiliumNodeConfigs already in the cluster (kubectl get ciliumnodeconfigs -A; shape of the per-node-config docs and
 * fixtures/synthetic-operator-objects/ciliumnodeconfigs.yaml): suggest says where they keep a global change from
 * reaching nodes, and where a proposal meets one (cnc_types.go: several apply in name order, the later winning).
 */
function existing(name: string, defaults: Record<string, string>, matchLabels?: Record<string, string>): NodeConfigInfo {
  return {name, namespace: 'kube-system', apiVersion: 'cilium.io/v2', matchLabels: matchLabels ?? {}, ...(matchLabels ? {} : {selectsNone: true}), defaults,
    src: {file: 'ciliumnodeconfigs', line: 7, text: `    name: ${name}`}}
}

describe('suggest: CiliumNodeConfigs that already exist', () => {
  it('a global ratio change that an existing override keeps from the db nodes says so; the value is still written', () => {
    const s = mixed()
    s.cluster.nodeConfigs = [existing('db-map-ratio', {'bpf-map-dynamic-size-ratio': '0.0025'}, {'node.kubernetes.io/instance-type': 'r6i.4xlarge'})]
    const p = buildPlan(s, [pressure], currentValues(s), {target: 0.5})
    expect(p.items.map((i) => i.writePath)).to.deep.equal(['bpf.mapDynamicSizeRatio'])
    expect(p.notes.join('\n')).to.match(/bpf\.mapDynamicSizeRatio=[\d.]+ does not reach db-1, db-2, db-3: the existing CiliumNodeConfig kube-system\/db-map-ratio sets bpf-map-dynamic-size-ratio: "0\.0025" there/)
    expect(renderOverlay(p)).to.match(/# note: bpf\.mapDynamicSizeRatio=[\d.]+ does not reach db-1, db-2, db-3/)
  })

  it('an override of another key, or one whose selector picks no node, changes nothing', () => {
    for (const cnc of [existing('bgp-on', {'enable-bgp-control-plane': 'true'}, {}), existing('unselected', {'bpf-map-dynamic-size-ratio': '0.01'})]) {
      const s = mixed()
      s.cluster.nodeConfigs = [cnc]
      const p = buildPlan(s, [pressure], currentValues(s), {target: 0.5})
      expect(p.notes.join('\n'), cnc.name).to.not.match(/CiliumNodeConfig kube-system\//)
    }
  })

  it('a proposal for nodes an existing override of the same key selects: which one wins is said, in the manifest too', () => {
    const s = mixed()
    s.cluster.nodeConfigs = [existing('zz-edge-ratio', {'bpf-map-dynamic-size-ratio': '0.002'}, {'node.kubernetes.io/instance-type': 'm6i.large'})]
    const p = buildPlan(s, [pressure], currentValues(s), {target: 0.5})
    expect(p.nodeConfigs).to.have.length(1)
    const note = /the proposed CiliumNodeConfig kube-system\/ciltune-map-dynamic-size-ratio and the existing kube-system\/zz-edge-ratio both set bpf-map-dynamic-size-ratio \("0\.002" now\) on edge-1, edge-2; they apply in name order, so kube-system\/zz-edge-ratio wins there: rename one/
    expect(p.notes.join('\n')).to.match(note)
    expect(p.nodeConfigs[0].reason).to.match(/NOTE: the proposed CiliumNodeConfig/)
  })

  it('a proposal with the name of an existing CiliumNodeConfig would replace it', () => {
    const s = mixed()
    s.cluster.nodeConfigs = [existing('ciltune-map-dynamic-size-ratio', {'bpf-lb-map-max': '131072'}, {'kubernetes.io/hostname': 'edge-1'})]
    const p = buildPlan(s, [pressure], currentValues(s), {target: 0.5})
    expect(p.notes.join('\n')).to.match(/CiliumNodeConfig kube-system\/ciltune-map-dynamic-size-ratio already exists \(setting bpf-lb-map-max\): applying the proposal replaces it/)
  })
})
