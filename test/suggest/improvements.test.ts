import {expect} from 'chai'
import {parse} from 'yaml'
import {currentValues} from '../../src/suggest/current-values.js'
import {renderOverlay} from '../../src/suggest/overlay.js'
import {buildPlan} from '../../src/suggest/plan.js'
import {ciliumAgent, cluster, finding, node} from './fixtures.js'

/* Issue 17 item 8: incident fixes by default; improvements only when asked, each gated by the prerequisite graph. */

const netkit = finding('veth-netkit-possible', [{path: 'bpf.datapathMode', value: 'netkit', reason: 'netkit cuts veth overhead'}])
const hostRouting = finding('legacy-host-routing', [{path: 'bpf.hostLegacyRouting', value: false, reason: 'eBPF host routing'}])
const masq = finding('iptables-masquerading', [{path: 'bpf.masquerade', value: true, reason: 'eBPF masquerading'}])
const kpr = finding('kpr-disabled', [{path: 'kubeProxyReplacement', value: true, reason: 'eBPF service handling'}])
const bigTcp = finding('big-tcp', [{path: 'enableIPv4BIGTCP', value: true, reason: 'bigger GSO'}])
const lb = finding('lb-map-capacity', [{path: 'bpf.lbMapMax', value: 131072, reason: 'lb4 services map full'}])
const apiServer = {k8sServiceHost: 'api.cluster.invalid', k8sServicePort: 6443}

function helmCluster(values: Record<string, unknown>, cm: Record<string, string> = {}, facts: {kpr: boolean, masq: string, host: 'BPF' | 'Legacy'} = {kpr: true, masq: 'BPF', host: 'BPF'}) {
  const helm = {source: 'secret/sh.helm.release.v1.cilium.v2', chartVersion: '1.18.4', revision: 2, values}
  return cluster([ciliumAgent('cilium-a', 'n1', facts)], [node('n1')], cm, {helm})
}

describe('suggest: incident fixes by default, improvements with --improvements', () => {
  it('without the flag only the changes that fix findings are written; improvements are listed, not written', () => {
    const s = helmCluster(apiServer)
    const p = buildPlan(s, [lb, netkit, bigTcp], currentValues(s), {target: 0.5})
    expect(p.items.map((i) => i.writePath)).to.deep.equal(['bpf.lbMapMax'])
    expect(p.improvements.map((i) => i.writePath).sort()).to.deep.equal(['bpf.datapathMode', 'enableIPv4BIGTCP'])
    const text = renderOverlay(p)
    expect(Object.keys(parse(text) as object)).to.deep.equal(['bpf'])
    expect(parse(text)).to.deep.equal({bpf: {lbMapMax: 131072}})
    expect(text).to.contain('improvement, not written (use --improvements): bpf.datapathMode: "netkit"')
  })

  it('with the flag improvements are written when their prerequisites hold', () => {
    const s = helmCluster(apiServer)
    const p = buildPlan(s, [lb, netkit], currentValues(s), {target: 0.5, improvements: true})
    expect(p.items.map((i) => i.writePath).sort()).to.deep.equal(['bpf.datapathMode', 'bpf.lbMapMax'])
    expect(p.improvements).to.deep.equal([])
  })

  it('never kube-proxy replacement without k8sServiceHost/k8sServicePort', () => {
    const off = {kpr: false, masq: 'BPF', host: 'Legacy' as const}
    const without = helmCluster({}, {}, off)
    const p = buildPlan(without, [kpr], currentValues(without), {target: 0.5, improvements: true})
    expect(p.items).to.deep.equal([])
    expect(p.blocked.map((b) => b.writePath)).to.deep.equal(['kubeProxyReplacement'])
    expect(p.blocked[0].blockedBy.join(' ')).to.match(/k8sServiceHost/)
    const onlyHost = helmCluster({k8sServiceHost: 'api.cluster.invalid'}, {}, off)
    expect(buildPlan(onlyHost, [kpr], currentValues(onlyHost), {target: 0.5, improvements: true}).blocked[0].blockedBy.join(' ')).to.match(/only k8sServiceHost is set/)
    // cilium-config does not carry the API server address: not shown is not good enough for KPR
    const fromConfig = cluster([ciliumAgent('cilium-a', 'n1', off)], [node('n1')], {'kube-proxy-replacement': 'false'})
    expect(buildPlan(fromConfig, [kpr], currentValues(fromConfig), {target: 0.5, improvements: true}).blocked.map((b) => b.writePath)).to.deep.equal(['kubeProxyReplacement'])
    const withIt = helmCluster(apiServer, {}, off)
    expect(buildPlan(withIt, [kpr], currentValues(withIt), {target: 0.5, improvements: true}).items.map((i) => i.writePath)).to.deep.equal(['kubeProxyReplacement'])
  })

  it('never netkit below its kernel', () => {
    const s = cluster([ciliumAgent('cilium-a', 'n1', {kpr: true, masq: 'BPF', host: 'BPF'})], [node('n1', {kernel: '6.6.30'})], {}, {helm: {source: 'h', chartVersion: '1.18.4', revision: 1, values: apiServer}})
    const p = buildPlan(s, [netkit], currentValues(s), {target: 0.5, improvements: true})
    expect(p.items).to.deep.equal([])
    expect(p.blocked[0].blockedBy.join(' ')).to.contain('kernel < 6.8 on n1 (6.6.30)')
  })

  it('never host routing or kube-proxy replacement in CNI chaining mode', () => {
    const s = helmCluster(apiServer, {'cni-chaining-mode': 'aws-cni', 'kube-proxy-replacement': 'false'}, {kpr: false, masq: 'BPF', host: 'Legacy'})
    const p = buildPlan(s, [kpr, hostRouting], currentValues(s), {target: 0.5, improvements: true})
    expect(p.items).to.deep.equal([])
    // ruled out by the mode, not blocked by a prerequisite a change could fix: withheld, with the reason
    expect(p.withheld.map((b) => b.path).sort()).to.deep.equal(['bpf.hostLegacyRouting', 'kubeProxyReplacement'])
    for (const b of p.withheld) expect(b.reason).to.match(/does not apply in aws-cni chaining \(aws-cni chaining/)
  })

  it('several changes are ordered as a safe rollout, prerequisites first, with the restart each causes', () => {
    const s = helmCluster(apiServer, {'kube-proxy-replacement': 'false', 'enable-bpf-masquerade': 'false'}, {kpr: false, masq: 'IPTables', host: 'Legacy'})
    const p = buildPlan(s, [netkit, hostRouting, lb, masq, kpr], currentValues(s), {target: 0.5, improvements: true})
    expect(p.items.map((i) => i.writePath)).to.deep.equal(['bpf.lbMapMax', 'kubeProxyReplacement', 'bpf.masquerade', 'bpf.hostLegacyRouting', 'bpf.datapathMode'])
    const text = renderOverlay(p)
    const steps = text.split('\n').filter((l) => /^#\s+\d\. /.test(l))
    expect(steps).to.have.length(5)
    expect(steps[0]).to.match(/1\. bpf\.lbMapMax: 131072 — agents restart one node at a time.*LB maps are re-created/)
    expect(steps[4]).to.match(/5\. bpf\.datapathMode: "netkit" \(improvement\) — agents restart.*only pods created after the rollout/)
  })
})
