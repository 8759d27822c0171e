import rule from '../../rules/configured-values.js'
import type {Node} from '../../src/snapshot/schema.js'
import {agent, at, snapshot, status} from '../helpers/snapshot.js'
import {ruleTester} from './_rule-tester.js'

const helm = (values: Record<string, unknown>) => ({source: 'values.yaml', values})
const node = (name: string): Node => ({name, podCIDRs: [], labels: {}, src: at(`name: ${name}`, 3, 'nodes.yaml')})

ruleTester(rule, {
  valid: [
    {name: 'defaults everywhere, three nodes', snapshot: snapshot({cluster: {helm: helm({kubeProxyReplacement: true}), nodes: [node('a'), node('b'), node('c')]}})},
    {name: 'maps sized above the defaults, ratio raised', snapshot: snapshot({cluster: {helm: helm({bpf: {ctTcpMax: 1048576, lbMapMax: 131072, mapDynamicSizeRatio: 0.005}, operator: {replicas: 1}}), nodes: [node('a')]}})},
    {name: 'WireGuard without chaining', snapshot: snapshot({cluster: {helm: helm({encryption: {enabled: true, type: 'wireguard'}, operator: {replicas: 1}}), nodes: [node('a')]}})},
    {name: 'chainingMode none', snapshot: snapshot({cluster: {helm: helm({cni: {chainingMode: 'none'}, operator: {replicas: 2}}), nodes: [node('a'), node('b')]}})},
  ],
  invalid: [
    {
      name: 'CT TCP and policy maps below their defaults', messageIds: ['map-size-below-default', 'map-size-below-default'],
      snapshot: snapshot({cluster: {helm: helm({bpf: {ctTcpMax: 65536, policyMapMax: 4096}, operator: {replicas: 1}}), nodes: [node('a')]}}),
      expect: [
        {severity: 'medium', message: /^Configured: bpf\.ctTcpMax: 65536 is below Cilium's default of 524288 .*8\.0× sooner/, evidence: {text: 'bpf.ctTcpMax: 65536'}},
        {message: /bpf\.policyMapMax: 4096 .*16384/, fix: /raise it to at least 16384/},
      ],
    },
    {
      name: 'a smaller dynamic-sizing ratio', messageIds: ['ratio-below-default'],
      snapshot: snapshot({cluster: {helm: helm({bpf: {mapDynamicSizeRatio: 0.001}, operator: {replicas: 1}}), nodes: [node('a')]}}),
      expect: {severity: 'info', message: /0\.001 is below the chart's 0\.0025.* 40 % /},
    },
    {
      name: 'AWS VPC CNI chaining', messageIds: ['chaining-mode'],
      snapshot: snapshot({cluster: {helm: helm({cni: {chainingMode: 'aws-cni', exclusive: false}, operator: {replicas: 1}}), nodes: [node('a')]}}),
      expect: {severity: 'info', message: /^Configured: CNI chaining \(cni\.chainingMode: aws-cni\)/, noHelm: true},
    },
    {
      name: 'the default two operator replicas on a one-node cluster', messageIds: ['operator-replicas-over-nodes'],
      snapshot: snapshot({cluster: {helm: helm({kubeProxyReplacement: true}), nodes: [node('solo')]}}),
      expect: {severity: 'info', message: /2 operator replica\(s\) \(the chart default\) on 1 node\(s\).*1 replica\(s\) stay Pending/, helm: {path: 'operator.replicas', value: 1}},
    },
    {
      name: 'IPsec with AWS VPC CNI chaining: not supported; and its key Secret', messageIds: ['chaining-mode', 'encryption-with-chaining', 'ipsec-key-secret'],
      snapshot: snapshot({cluster: {helm: helm({cni: {chainingMode: 'aws-cni'}, encryption: {enabled: true, type: 'ipsec'}, operator: {replicas: 1}}), nodes: [node('a')]}}),
      expect: [
        {messageId: 'encryption-with-chaining', severity: 'medium', message: /\(ipsec\) together with CNI chaining \(aws-cni\)/},
        {messageId: 'ipsec-key-secret', severity: 'info', message: /Secret cilium-ipsec-keys/},
      ],
    },
    {
      name: 'IPsec with a named Secret (1.14+ key)', messageIds: ['ipsec-key-secret'],
      snapshot: snapshot({cluster: {helm: helm({encryption: {enabled: true, type: 'ipsec', ipsec: {secretName: 'lab-ipsec'}}, operator: {replicas: 1}}), nodes: [node('a')]}}),
      expect: {message: /Secret lab-ipsec /, fix: /get secret lab-ipsec/},
    },
  ],
  notEvaluated: [
    {
      // "say so rather than guess": without nodes the replica count is not judged
      name: 'operator replicas without a node count', snapshot: snapshot({cluster: {helm: helm({operator: {replicas: 3}})}}),
      expect: (_f, o) => { if (!/no Node objects/.test(o.reason ?? '')) throw new Error(o.reason) },
    },
    {
      name: 'values cut before operator: the chart default is not assumed',
      snapshot: snapshot({cluster: {helm: {...helm({bpf: {masquerade: true}}), truncation: {line: 3, text: 'masquerade: true', reason: 'cut', after: ['bpf', 'masquerade']}}, nodes: [node('a')]}}),
      expect: (_f, o) => { if (!/before operator\.replicas/.test(o.reason ?? '')) throw new Error(o.reason) },
    },
  ],
})

describe('configured-values with agent status in the evidence', () => {
  it('is not applicable: the status-based rules judge what is in effect', async () => {
    const {runRule} = await import('../../src/rules/engine.js')
    const {expect} = await import('chai')
    const r = runRule(rule, snapshot({agents: [agent('cilium-a', {status: status({})})], cluster: {helm: helm({bpf: {ctTcpMax: 1024}})}}))
    expect(r.outcome.result).to.equal('not-applicable')
    expect(r.findings).to.deep.equal([])
  })
})
