import rule from '../../rules/iptables-masquerading.js'
import {agent, at, config, snapshot, status} from '../helpers/snapshot.js'
import {ruleTester} from './_rule-tester.js'

const masq = (name: string, mode: string, text: string, legacy = false, kprMode = 'False') => agent(name, {status: status({
  masquerading: {mode, text, src: at(`Masquerading:   ${text}`, 33)},
  kubeProxyReplacement: {mode: kprMode, enabled: /true|strict/i.test(kprMode), devices: [], src: at(`KubeProxyReplacement:   ${kprMode}`, 5)},
  routing: {network: 'Tunnel', host: legacy ? 'Legacy' : 'BPF', src: at('Routing: …', 30)},
})})

ruleTester(rule, {
  valid: [
    {name: 'BPF masquerading', snapshot: snapshot({agents: [masq('cilium-a', 'BPF', 'BPF   [eth0]   10.0.0.0/8 [IPv4: Enabled, IPv6: Disabled]')]})},
    {name: 'masquerading Disabled (EKS native)', snapshot: snapshot({agents: [masq('cilium-a', 'Disabled', 'Disabled')]})},
    {name: 'config: BPF masquerade on', snapshot: snapshot({cluster: {config: config({'enable-bpf-masquerade': 'true', 'enable-ipv4-masquerade': 'true'})}})},
  ],
  invalid: [
    {
      // kubectl order: enable-bpf-masquerade sorts before the last key read, so its absence is real
      name: 'cilium-config cut after enable-ipv4-masquerade (sorted): judged as whole', messageIds: ['iptables-masquerading'],
      snapshot: snapshot({cluster: {config: {...config({'enable-ipv4-masquerade': 'true'}), truncation: {line: 3, text: 'enable-ipv4-masquerade: "true"', reason: 'cut', after: ['data', 'enable-ipv4-masquerade']}}}}),
    },
    {
      name: 'IPTables with legacy host routing → medium', messageIds: ['iptables-masquerading'],
      snapshot: snapshot({agents: [masq('cilium-a', 'IPTables', 'IPTables [IPv4: Enabled, IPv6: Disabled]', true), masq('cilium-b', 'IPTables', 'IPTables [IPv4: Enabled, IPv6: Disabled]', true)]}),
      expect: {count: 1, severity: 'medium', agents: ['cilium-a', 'cilium-b'], message: /iptables on 2 agents.*host routing is Legacy.*NOT enabled/, evidence: {line: 33}, helm: {path: 'bpf.masquerade', value: true, prerequisites: ['kube-proxy-replacement']}},
    },
    {
      // field trial: a whole-folder run mixed one cluster's Legacy/KPR lines into another agent's finding
      name: 'agents with different facts get separate findings, each with its own KPR and routing lines', messageIds: ['iptables-masquerading', 'iptables-masquerading'],
      snapshot: snapshot({agents: [
        masq('cilium-a', 'IPTables', 'IPTables', true, 'Disabled'),
        masq('cilium-b', 'IPTables', 'IPTables [IPv4: Enabled, IPv6: Disabled]', false, 'Strict'),
      ]}),
      expect: [
        {count: 2, severity: 'medium', agents: ['cilium-a'], message: /on cilium-a; this is one reason host routing is Legacy there; kube-proxy replacement is NOT enabled \(enable it first: kubeProxyReplacement "strict"\)/},
        {severity: 'info', agents: ['cilium-b'], message: /^Masquerading is done by iptables on cilium-b; kube-proxy replacement is enabled$/, evidence: {text: 'KubeProxyReplacement:   Strict'}},
      ],
    },
    {
      name: 'config only, bpf masquerade absent → info', messageIds: ['iptables-masquerading'],
      snapshot: snapshot({cluster: {config: config({'enable-ipv4-masquerade': 'true', 'kube-proxy-replacement': 'true'})}}),
      expect: {count: 1, severity: 'info', message: /\(cilium-config\).*is enabled/, evidence: {text: 'enable-ipv4-masquerade: true'}},
    },
  ],
  notEvaluated: [
    {name: 'nothing about masquerading', snapshot: snapshot({agents: [agent('cilium-a', {status: status({})})], cluster: {config: config({debug: 'false'})}})},
    {
      // IPv4 masquerading on, but the capture (in no known order) was cut: enable-bpf-masquerade may have followed
      name: 'cilium-config cut where enable-bpf-masquerade may follow: not "iptables"',
      snapshot: snapshot({cluster: {config: {...config({'enable-ipv4-masquerade': 'true'}), truncation: {line: 3, text: 'enable-ipv4-masquerade: "true"', reason: 'cut'}}}}),
      expect: (_f, o) => { if (!/cut at line 3 before enable-bpf-masquerade/.test(o.reason ?? '')) throw new Error(o.reason) },
    },
  ],
})
