import {expect} from 'chai'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {parse} from 'yaml'
import type {Io} from '../../src/actions/doctor-options.js'
import {runSuggest, type SuggestOptions} from '../../src/actions/suggest.js'
import {currentValues} from '../../src/suggest/current-values.js'
import {renderOverlay} from '../../src/suggest/overlay.js'
import {buildPlan} from '../../src/suggest/plan.js'
import type {Snapshot} from '../../src/snapshot/schema.js'
import {ciliumAgent, cluster, finding, node} from './fixtures.js'

/*
 * Issue 12 item 5: a suggestion never contradicts the integration mode, and suggest says what it withheld and why.
 * Modes imitate: aws-cni chaining (https://docs.cilium.io/en/stable/installation/cni-chaining-aws-cni/, cilium-config
 * "cni-chaining-mode: aws-cni" with "ipam: eni" as in https://github.com/cilium/cilium/issues/20074), GKE Dataplane V2
 * (DaemonSet anetd in kube-system, https://cloud.google.com/kubernetes-engine/docs/concepts/dataplane-v2), AKS managed
 * Cilium (mcr.microsoft.com images, no Helm release; https://github.com/Azure/AKS/issues/5949) against BYOCNI
 * (aksbyocni.enabled in the user's Helm values, https://docs.cilium.io/en/stable/installation/k8s-install-helm/).
 */

function capture(): Io & {out: string, err: string} {
  const io = {out: '', err: '', isTTY: false, stdout(t: string) { io.out += t }, stderr(t: string) { io.err += t }}
  return io
}
const base: SuggestOptions = {force: false, diff: false, set: false, validate: false, targetPressure: 0.5, improvements: true}
const apiServer = {k8sServiceHost: 'api.cluster.invalid', k8sServicePort: 6443}
const off = {kpr: false, masq: 'IPTables', host: 'Legacy' as const}
const MODE_BOUND = ['kubeProxyReplacement', 'bpf.hostLegacyRouting', 'bpf.masquerade', 'bpf.datapathMode', 'enableIPv4BIGTCP']

function awsCni(chaining: boolean): Snapshot {
  const helm = {source: 'secret/sh.helm.release.v1.cilium.v3', chartVersion: '1.18.4', revision: 3, values: {...apiServer, ...(chaining ? {cni: {chainingMode: 'aws-cni'}} : {})}}
  return cluster([ciliumAgent('cilium-7xk2p', 'ip-10-0-1-15', off), ciliumAgent('cilium-b9qzt', 'ip-10-0-2-27', off)],
    [node('ip-10-0-1-15'), node('ip-10-0-2-27')],
    {'kube-proxy-replacement': 'false', 'enable-ipv4-masquerade': 'false', 'ipam': 'eni', ...(chaining ? {'cni-chaining-mode': 'aws-cni', 'enable-host-legacy-routing': 'true'} : {})},
    {helm})
}

const written = (yaml: string): string[] => {
  const out: string[] = []
  const walk = (o: unknown, p: string) => {
    if (o && typeof o === 'object' && !Array.isArray(o)) for (const [k, v] of Object.entries(o)) walk(v, p ? `${p}.${k}` : k)
    else out.push(p)
  }
  walk(parse(yaml) ?? {}, '')
  return out
}

describe('suggest: advice fits the integration mode', function () {
  this.timeout(60_000)
  let dir: string
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'ciltune-modes-')) })
  afterEach(() => rmSync(dir, {recursive: true, force: true}))
  const save = (s: Snapshot) => {
    const path = join(dir, 'snapshot.json')
    writeFileSync(path, JSON.stringify(s))
    return path
  }

  it('in aws-cni chaining no KPR or BPF host routing value is suggested, and the withheld reason is printed', async () => {
    const io = capture()
    await runSuggest({...base, from: save(awsCni(true))}, io)
    expect(written(io.out).filter((p) => MODE_BOUND.includes(p))).to.deep.equal([])
    expect(io.err).to.match(/kubeProxyReplacement=true withheld: kube-proxy replacement does not apply in aws-cni chaining/)
    expect(io.out).to.match(/# WITHHELD, not written \(finding [^)]*kpr-disabled[^)]*\): kubeProxyReplacement=true withheld: kube-proxy replacement does not apply in aws-cni chaining/)
  })

  it('the same cluster without chaining gets kube-proxy replacement (the gate is the mode, not the rule)', async () => {
    const io = capture()
    await runSuggest({...base, from: save(awsCni(false))}, io)
    expect(written(io.out)).to.include('kubeProxyReplacement')
    expect(io.err).not.to.match(/withheld/)
  })

  it('a change needing eBPF host routing (netkit, BIG TCP) is withheld through the prerequisite it needs', () => {
    const s = awsCni(true)
    const netkit = finding('veth-netkit-possible', [{path: 'bpf.datapathMode', value: 'netkit', reason: 'netkit'}])
    const big = finding('big-tcp', [{path: 'enableIPv4BIGTCP', value: true, reason: 'bigger GSO'}])
    const p = buildPlan(s, [netkit, big], currentValues(s), {target: 0.5, improvements: true})
    expect(p.items).to.deep.equal([])
    expect(p.withheld.map((w) => w.path).sort()).to.deep.equal(['bpf.datapathMode', 'enableIPv4BIGTCP'])
    expect(p.withheld.find((w) => w.path === 'bpf.datapathMode')?.reason).to.match(/withheld: eBPF host routing does not apply in aws-cni chaining/)
  })

  it('GKE Dataplane V2 (anetd): no Helm value is written and the overlay says why', async () => {
    const gke = cluster([ciliumAgent('anetd-4kq9z', 'gke-pool-1-a1b2', off)], [node('gke-pool-1-a1b2')], {'kube-proxy-replacement': 'false'})
    const io = capture()
    await runSuggest({...base, from: save(gke)}, io)
    expect(written(io.out)).to.deep.equal([])
    expect(io.out).to.match(/# no Helm values are written: Cilium here is GKE Dataplane V2 .*pod kube-system\/anetd-4kq9z/)
    expect(io.out).not.to.match(/# apply: helm upgrade/)
    expect(io.err).to.match(/withheld: Cilium here is GKE Dataplane V2 .*its Helm values cannot be changed/)
  })

  it('AKS: managed Cilium (mcr image, no Helm release) withholds; BYOCNI (a Helm release) does not', () => {
    const kpr = finding('kpr-disabled', [{path: 'kubeProxyReplacement', value: true, reason: 'eBPF service handling'}])
    const a = ciliumAgent('cilium-x2m7d', 'aks-nodepool1-1', off)
    a.pod = {name: 'cilium-x2m7d', namespace: 'kube-system', restarts: 0, image: 'mcr.microsoft.com/oss/cilium/cilium:1.17.7', src: {file: 'pods.json', line: 12, text: '"image": "mcr.microsoft.com/oss/cilium/cilium:1.17.7"'}}
    const managed = cluster([a], [node('aks-nodepool1-1')], {})
    const p = buildPlan(managed, [kpr], currentValues(managed), {target: 0.5, improvements: true})
    expect(p.items).to.deep.equal([])
    expect(p.withheld[0].reason).to.match(/AKS Azure CNI powered by Cilium/)
    expect(renderOverlay(p)).to.match(/no Helm values are written/)
    const byocni = cluster([{...a, pod: {...a.pod, image: 'quay.io/cilium/cilium:v1.17.7'}}], [node('aks-nodepool1-1')], {}, {helm: {source: 'h', chartVersion: '1.17.7', revision: 1, values: {...apiServer, aksbyocni: {enabled: true}}}})
    const q = buildPlan(byocni, [kpr], currentValues(byocni), {target: 0.5, improvements: true})
    expect(q.withheld).to.deep.equal([])
    expect(q.items.map((i) => i.writePath)).to.deep.equal(['kubeProxyReplacement'])
  })
})
