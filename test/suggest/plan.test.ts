import {expect} from 'chai'
import {parse} from 'yaml'
import {computeMapSizes} from '../../src/sizing/formula.js'
import {currentValues} from '../../src/suggest/current-values.js'
import {renderOverlay} from '../../src/suggest/overlay.js'
import {helmPathFor, pathAvailable} from '../../src/suggest/paths.js'
import {buildPlan} from '../../src/suggest/plan.js'
import {ciliumAgent, cluster, finding, GiB, node} from './fixtures.js'

// these tests are about prerequisites of improvements, so they ask for improvements (suggest --improvements)
const plan = (s: ReturnType<typeof cluster>, findings: ReturnType<typeof finding>[]) => buildPlan(s, findings, currentValues(s), {target: 0.5, improvements: true})

describe('suggest: paths', () => {
  it('moved keys are written for the running chart', () => {
    expect(helmPathFor('enableCiliumEndpointSlice', '1.18.3')).to.equal('ciliumEndpointSlice.enabled')
    expect(helmPathFor('ciliumEndpointSlice.enabled', '1.15.7')).to.equal('enableCiliumEndpointSlice')
    expect(helmPathFor('bpf.lbMapMax', '1.15.7')).to.equal('bpf.lbMapMax')
  })
  it('values that only exist from some version', () => {
    expect(pathAvailable('k8s.apiServerURLs', '1.17.5').ok).to.equal(false)
    expect(pathAvailable('k8s.apiServerURLs', '1.18.0').ok).to.equal(true)
    expect(pathAvailable('bpf.distributedLRU.enabled', '1.17.1').ok).to.equal(false)
    expect(pathAvailable('k8sClientExponentialBackoff.enabled', '1.16.3').ok).to.equal(false)
  })
})

describe('suggest: prerequisites and overlay', () => {
  const netkit = finding('veth-netkit-possible', [{path: 'bpf.datapathMode', value: 'netkit', reason: 'netkit cuts veth overhead'}])
  const hostRouting = finding('legacy-host-routing', [{path: 'bpf.hostLegacyRouting', value: false, reason: 'eBPF host routing'}])

  it('netkit and BPF host routing are blocked when kube-proxy replacement is off (chain followed)', () => {
    const s = cluster([ciliumAgent('cilium-a', 'n1')], [node('n1')], {'kube-proxy-replacement': 'false'})
    const p = plan(s, [netkit, hostRouting])
    expect(p.items).to.have.length(0)
    expect(p.blocked.map((b) => b.writePath).sort()).to.deep.equal(['bpf.datapathMode', 'bpf.hostLegacyRouting'])
    const hr = p.blocked.find((b) => b.writePath === 'bpf.hostLegacyRouting')!
    expect(hr.blockedBy.join(' ')).to.match(/kube-proxy replacement: off \(agent status\)/)
    const text = renderOverlay(p)
    expect(parse(text) ?? {}).to.deep.equal({})
    expect(text).to.contain('BLOCKED, not written: bpf.datapathMode: "netkit"')
  })

  it('netkit is written with host routing when KPR and BPF masquerade hold, and kernels are ≥ 6.8', () => {
    const s = cluster([ciliumAgent('cilium-a', 'n1', {kpr: true, masq: 'BPF'}), ciliumAgent('cilium-b', 'n2', {kpr: true, masq: 'BPF'})],
      [node('n1'), node('n2', {kernel: '6.11.0'})])
    const p = plan(s, [netkit, hostRouting])
    expect(p.items.map((i) => i.writePath).sort()).to.deep.equal(['bpf.datapathMode', 'bpf.hostLegacyRouting'])
    const nk = p.items.find((i) => i.writePath === 'bpf.datapathMode')!
    expect(nk.prerequisites.find((x) => x.id === 'bpf-host-routing')!.fixedBy).to.equal('bpf.hostLegacyRouting')
    expect(nk.impact.join(' ')).to.match(/only pods created after the rollout/)
    const text = renderOverlay(p)
    expect(parse(text)).to.deep.equal({bpf: {datapathMode: 'netkit', hostLegacyRouting: false}})
    expect(text).to.match(/# finding veth-netkit-possible: veth-netkit-possible title\n\s+#\s+evidence: x\/status.txt:7: evidence line/)
    expect(text).to.contain('also suggested: bpf.hostLegacyRouting')
  })

  it('a prerequisite the evidence cannot show (no kernel versions) is "could not verify", not blocking', () => {
    const s = cluster([ciliumAgent('a', 'n1', {kpr: true, masq: 'BPF', host: 'BPF'})], [node('n1', {kernel: undefined})])
    const p = plan(s, [netkit])
    expect(p.items.map((i) => i.writePath)).to.deep.equal(['bpf.datapathMode'])
    expect(p.items[0].prerequisites.find((x) => x.id === 'kernel>=6.8')!.result.status).to.equal('unknown')
    expect(renderOverlay(p)).to.contain('could not verify (node kernel versions not in the evidence)')
  })

  it('a node with an old kernel blocks netkit and is named', () => {
    const s = cluster([ciliumAgent('cilium-a', 'n1', {kpr: true, masq: 'BPF', host: 'BPF'})], [node('n1'), node('old', {kernel: '6.1.0-26-cloud-amd64'})])
    const p = plan(s, [netkit])
    expect(p.blocked).to.have.length(1)
    expect(p.blocked[0].blockedBy[0]).to.contain('old (6.1.0-26-cloud-amd64)')
  })

  it('CiliumEndpointSlice conflicts with egress gateway; path translated for 1.18', () => {
    const ces = finding('endpoint-slice-off', [{path: 'enableCiliumEndpointSlice', value: true, reason: 'watch fewer objects'}])
    const on = plan(cluster([ciliumAgent('a', 'n1')], [node('n1')], {'enable-egress-gateway': 'true'}), [ces])
    expect(on.blocked.map((b) => b.writePath)).to.deep.equal(['ciliumEndpointSlice.enabled'])
    const off = plan(cluster([ciliumAgent('a', 'n1')], [node('n1')], {}), [ces])
    expect(off.items.map((b) => b.writePath)).to.deep.equal(['ciliumEndpointSlice.enabled'])
  })

  it('distributed LRU needs a ratio, unless the ratio is suggested too; k8s.apiServerURLs needs 1.18', () => {
    const lru = finding('lru', [{path: 'bpf.distributedLRU.enabled', value: true, reason: 'less lock contention'}])
    const s = cluster([ciliumAgent('a', 'n1', {version: '1.17.6'})], [node('n1')], {})
    expect(plan(s, [lru]).blocked).to.have.length(1)
    const ratio = finding('bpf-map-pressure', [{path: 'bpf.mapDynamicSizeRatio', value: 0.005, reason: 'r'}])
    expect(plan(s, [lru, ratio]).items.map((i) => i.writePath).sort()).to.deep.equal(['bpf.distributedLRU.enabled', 'bpf.mapDynamicSizeRatio'])
    const urls = finding('api', [{path: 'k8s.apiServerURLs', value: 'https://10.0.0.1:6443 https://10.0.0.2:6443', reason: 'fail over'}])
    const b = plan(s, [urls]).blocked[0]
    expect(b.blockedBy.join(' ')).to.match(/1\.17\.6 < 1\.18/)
  })

  it('refines the ratio node by node with the formula, and the comment traces the numbers', () => {
    // Two nodes of different memory at ratio 0.0025; the small one sits at the min clamp.
    const small = computeMapSizes({memoryBytes: 8 * GiB, ratio: 0.0025}).sizes['ct-tcp'].entries
    const big = computeMapSizes({memoryBytes: 32 * GiB, ratio: 0.0025}).sizes['ct-tcp'].entries
    const s = cluster([
      ciliumAgent('cilium-s', 'small', {ratio: 0.0025, ctTcp: small, pressure: {ct4_global: 0.92}}),
      ciliumAgent('cilium-b', 'big', {ratio: 0.0025, ctTcp: big, pressure: {ct4_global: 0.7}}),
    ], [node('small', {memoryBytes: 8 * GiB}), node('big', {memoryBytes: 32 * GiB})], {'bpf-map-dynamic-size-ratio': '0.0025'})
    const f = finding('bpf-map-pressure', [{path: 'bpf.mapDynamicSizeRatio', value: 0.0035, reason: "r' = r × p / 0.5"}])
    const p = plan(s, [f])
    const item = p.items[0]
    expect(item.value).to.be.a('number').greaterThan(0.0035) // the small node needs more than the single-node estimate
    for (const n of item.sizing!.recommendation.nodes) expect(n.pressureAfter['ct-tcp']!).to.be.at.most(0.5)
    const smallAfter = computeMapSizes({memoryBytes: 8 * GiB, ratio: item.value as number}).sizes['ct-tcp'].entries
    const text = renderOverlay(p)
    expect(text).to.contain(`node small (8.0 GiB): TCP connection tracking ${small} → ${smallAfter}`)
    expect(text).to.match(/cost: kernel memory .* → /)
    expect(parse(text)).to.deep.equal({bpf: {mapDynamicSizeRatio: item.value}})
  })

  it('current values from cilium-config; a suggestion equal to the current value is not written', () => {
    const s = cluster([ciliumAgent('a', 'n1', {kpr: true, masq: 'BPF', host: 'BPF'})], [node('n1')], {'enable-host-legacy-routing': 'false', 'kube-proxy-replacement': 'true'})
    const cv = currentValues(s)
    expect(cv.source).to.equal('cilium-config')
    expect(cv.user).to.deep.include({kubeProxyReplacement: 'true', bpf: {hostLegacyRouting: false}})
    const p = buildPlan(s, [hostRouting], cv, {target: 0.5, improvements: true})
    expect(p.items).to.have.length(0)
    expect(p.alreadySet.map((a) => a.writePath)).to.deep.equal(['bpf.hostLegacyRouting'])
  })
})

describe('suggest: current values', () => {
  it('a named values file first (issue 17: it is the baseline), with the release\'s chart defaults and version; then the release; then cilium-config', async () => {
    const {mkdtempSync, rmSync, writeFileSync} = await import('node:fs')
    const {tmpdir} = await import('node:os')
    const {join} = await import('node:path')
    const dir = mkdtempSync(join(tmpdir(), 'ciltune-values-'))
    try {
      const file = join(dir, 'values.yaml')
      writeFileSync(file, '# mine\nbpf:\n  lbMapMax: 131072\n')
      const helm = {source: 'secret/sh.helm.release.v1.cilium.v4', chartVersion: '1.18.4', revision: 4, values: {bpf: {lbMapMax: 65536}}, chartDefaults: {bpf: {lbMapMax: 65536, masquerade: false}}}
      const withHelm = cluster([ciliumAgent('a', 'n1')], [node('n1')], {'bpf-lb-map-max': '32768'}, {helm})
      const a = currentValues(withHelm, {valuesFile: file})
      expect(a).to.deep.include({source: 'values-file', version: '1.18.4', user: {bpf: {lbMapMax: 131072}}})
      expect(currentValues(withHelm)).to.deep.include({source: 'helm-release', version: '1.18.4', user: {bpf: {lbMapMax: 65536}}})
      expect(a.chartDefaults).to.deep.equal({bpf: {lbMapMax: 65536, masquerade: false}})
      const noHelm = cluster([ciliumAgent('a', 'n1')], [node('n1')], {'bpf-lb-map-max': '32768', 'enable-ipv4-egress-gateway': 'true'})
      expect(currentValues(noHelm, {valuesFile: file})).to.deep.include({source: 'values-file', user: {bpf: {lbMapMax: 131072}}})
      writeFileSync(file, 'USER-SUPPLIED VALUES:\nbpf:\n  lbMapMax: 131072\n') // `helm get values` output
      expect(currentValues(noHelm, {valuesFile: file}).user).to.deep.equal({bpf: {lbMapMax: 131072}})
      const fromConfig = currentValues(noHelm)
      expect(fromConfig.user).to.deep.include({bpf: {lbMapMax: 32768}})
      expect(fromConfig.source).to.equal('cilium-config')
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })
})
