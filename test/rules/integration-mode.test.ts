import {expect} from 'chai'
import {loadRules, runRules} from '../../src/rules/engine.js'
import type {AgentStatus, Snapshot} from '../../src/snapshot/schema.js'
import {agent, at, config, snapshot, status} from '../helpers/snapshot.js'

/*
 * Advice fits the integration mode: under CNI chaining (the AWS VPC CNI setup of
 * https://docs.cilium.io/en/stable/installation/cni-chaining-aws-cni/) no rule's finding may carry kube-proxy
 * replacement or eBPF host routing as a Helm change; the engine withholds it and the fix says why.
 */
const legacyKprOff: Partial<AgentStatus> = {
  kubeProxyReplacement: {mode: 'False', enabled: false, devices: [], src: at('KubeProxyReplacement:    False', 4)},
  routing: {network: 'Native', host: 'Legacy', src: at('Routing:                 Network: Native   Host: Legacy', 30)},
  masquerading: {mode: 'Disabled', text: 'Disabled', src: at('Masquerading:            Disabled', 33)},
  cilium: {state: 'Ok', message: '1.18.7 (v1.18.7-2adae214)', version: '1.18.7', src: at('Cilium:                  Ok   1.18.7 (v1.18.7-2adae214)', 8)},
}
const MODE_BOUND = ['kubeProxyReplacement', 'bpf.hostLegacyRouting']

function cluster(chaining: boolean): Snapshot {
  return snapshot({
    agents: ['cilium-7xk2p', 'cilium-b9qzt'].map((n) => agent(n, {status: status(legacyKprOff)})),
    cluster: {config: config({'kube-proxy-replacement': 'false', 'enable-ipv4-masquerade': 'false', 'ipam': 'eni', ...(chaining ? {'cni-chaining-mode': 'aws-cni'} : {})})},
  })
}

describe('integration mode: suggestions fit CNI chaining', () => {
  it('in aws-cni chaining no finding suggests kube-proxy replacement or eBPF host routing, and the fix names what was withheld', async () => {
    const {findings} = runRules(await loadRules(), cluster(true))
    expect(findings.length).to.be.greaterThan(0)
    const paths = findings.flatMap((f) => f.helm.map((h) => h.path))
    expect(paths.filter((p) => MODE_BOUND.includes(p))).to.deep.equal([])
    const kpr = findings.find((f) => f.id === 'kpr-disabled')
    expect(kpr?.fix).to.match(/kubeProxyReplacement=true withheld: kube-proxy replacement does not apply in aws-cni chaining \(aws-cni chaining/)
    expect(findings.find((f) => f.id === 'legacy-host-routing')?.messageId).to.equal('legacy-blocked')
  })
  it('the same cluster without chaining still gets kube-proxy replacement suggested (the gate is the mode, not the rule)', async () => {
    const {findings} = runRules(await loadRules(), cluster(false))
    expect(findings.find((f) => f.id === 'kpr-disabled')?.helm.map((h) => h.path)).to.include('kubeProxyReplacement')
  })
})
