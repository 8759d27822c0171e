import {expect} from 'chai'
import {integrationMode} from '../../src/cilium/modes.js'
import {withheldReason} from '../../src/cilium/mode-gate.js'
import type {PodInfo} from '../../src/snapshot/schema.js'
import {agent, at, config, snapshot} from '../helpers/snapshot.js'

/*
 * Mode recognition from the evidence. Shapes: cilium-config keys "cni-chaining-mode"/"ipam" as rendered by the chart
 * (https://docs.cilium.io/en/stable/installation/cni-chaining/); anetd pods in kube-system
 * (https://cloud.google.com/kubernetes-engine/docs/concepts/dataplane-v2); AKS images from mcr.microsoft.com
 * (https://learn.microsoft.com/en-us/azure/aks/azure-cni-powered-by-cilium); the EKS Anywhere build's "-eksa" tags
 * (https://github.com/aws/eks-anywhere-build-tooling/pull/4857, https://github.com/aws/eks-anywhere/issues/6787).
 */
const pod = (name: string, image: string, namespace = 'kube-system'): PodInfo => ({name, namespace, image, restarts: 0, src: at(`image: ${image}`, 7, 'pods.yaml')})

describe('integration mode recognition (src/cilium/modes.ts)', () => {
  const cases: Array<{name: string, s: ReturnType<typeof snapshot>, want: Record<string, string | undefined>}> = [
    {name: 'nothing special', s: snapshot({cluster: {config: config({'ipam': 'cluster-pool'})}}), want: {chaining: undefined, ipam: undefined, managed: undefined}},
    {name: 'aws-cni chaining with ENI IPAM from cilium-config', s: snapshot({cluster: {config: config({'cni-chaining-mode': 'aws-cni', 'ipam': 'eni'})}}), want: {chaining: 'aws-cni', ipam: 'eni'}},
    {name: '"none" is no chaining', s: snapshot({cluster: {config: config({'cni-chaining-mode': 'none'})}}), want: {chaining: undefined}},
    {name: 'generic-veth from Helm values only', s: snapshot({cluster: {helm: {source: 'h', values: {cni: {chainingMode: 'generic-veth'}}}}}), want: {chaining: 'generic-veth'}},
    {name: 'Azure IPAM', s: snapshot({cluster: {config: config({'ipam': 'azure'})}}), want: {ipam: 'azure'}},
    {name: 'GKE: an anetd agent pod', s: snapshot({agents: [agent('anetd-8x2kq')]}), want: {managed: 'gke-dataplane-v2'}},
    {name: 'GKE: a gke.gcr.io cilium image', s: snapshot({cluster: {pods: [pod('cilium-abcde', 'gke.gcr.io/cilium/cilium:v1.14.9-gke.300')]}}), want: {managed: 'gke-dataplane-v2'}},
    {name: 'an "anetd-" pod outside kube-system is not GKE', s: snapshot({cluster: {pods: [pod('anetd-8x2kq', 'quay.io/cilium/cilium:v1.18.4', 'team-a')]}}), want: {managed: undefined}},
    {name: 'AKS managed: mcr image, no Helm release', s: snapshot({cluster: {pods: [pod('cilium-7xk2p', 'mcr.microsoft.com/oss/cilium/cilium:1.17.7-250926')]}}), want: {managed: 'aks-managed'}},
    {name: 'AKS image with a Helm release is self-managed', s: snapshot({cluster: {helm: {source: 'h', values: {}}, pods: [pod('cilium-7xk2p', 'mcr.microsoft.com/oss/cilium/cilium:1.17.7')]}}), want: {managed: undefined}},
    {name: 'EKS Anywhere build', s: snapshot({cluster: {pods: [pod('cilium-q7w2e', 'public.ecr.aws/isovalent/cilium:v1.12.11-eksa.1')]}}), want: {managed: 'eks-anywhere'}},
  ]
  for (const c of cases) {
    it(c.name, () => {
      const m = integrationMode(c.s)
      for (const [k, v] of Object.entries(c.want)) expect((m as Record<string, {mode: string} | undefined>)[k]?.mode, k).to.equal(v)
    })
  }

  it('the gate names the nearest feature the mode rules out, and passes what the mode allows', () => {
    const s = snapshot({cluster: {config: config({'cni-chaining-mode': 'portmap', 'kube-proxy-replacement': 'false'})}})
    const ctx = {snapshot: s, values: {}, version: '1.18.4'}
    expect(withheldReason(ctx, 'bpf.hostLegacyRouting', false)).to.match(/^bpf\.hostLegacyRouting=false withheld: eBPF host routing does not apply in portmap chaining \(portmap chaining/)
    expect(withheldReason(ctx, 'bpf.lbMapMax', 131072)).to.equal(undefined)
    const gke = {snapshot: snapshot({agents: [agent('anetd-8x2kq')]}), values: {}, version: '1.18.4'}
    expect(withheldReason(gke, 'bpf.lbMapMax', 131072)).to.match(/withheld: Cilium here is GKE Dataplane V2 .* Helm values cannot be changed/)
  })
})
