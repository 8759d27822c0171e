import rule from '../../rules/kpr-disabled.js'
import {agent, at, config, snapshot, status} from '../helpers/snapshot.js'
import {ruleTester} from './_health-tester.js'

const kpr = (name: string, mode: string, legacy = false) => agent(name, {status: status({
  kubeProxyReplacement: {mode, enabled: /true|strict|partial|probe/i.test(mode), devices: [], src: at(`KubeProxyReplacement:   ${mode}`, 5)},
  ...(legacy ? {routing: {network: 'Tunnel' as const, host: 'Legacy' as const, src: at('Routing:   Network: Tunnel [vxlan]   Host: Legacy', 30)}} : {}),
})})

ruleTester(rule, {
  valid: [
    {name: 'KPR True', snapshot: snapshot({agents: [kpr('cilium-a', 'True'), kpr('cilium-b', 'True')]})},
    {name: 'old Strict', snapshot: snapshot({agents: [kpr('cilium-a', 'Strict')]})},
    {name: 'config only, true', snapshot: snapshot({cluster: {config: config({'kube-proxy-replacement': 'true'})}})},
  ],
  invalid: [
    {
      name: 'False with legacy host routing → medium, dependents named',
      snapshot: snapshot({agents: [kpr('cilium-a', 'False', true), kpr('cilium-b', 'False', true)]}),
      expect: {count: 1, severity: 'medium', agents: ['cilium-a', 'cilium-b'], message: /is False on 2 agents .*required by eBPF host routing/,
        evidence: {line: 5, text: 'KubeProxyReplacement:   False'}, helm: {path: 'kubeProxyReplacement', value: true}},
    },
    {
      name: 'False with nothing depending on it → info',
      snapshot: snapshot({agents: [kpr('cilium-a', 'False')]}),
      expect: {count: 1, severity: 'info', message: /^kube-proxy replacement is False on cilium-a$/},
    },
    {
      name: 'Partial on a 1.13 agent',
      snapshot: snapshot({agents: [kpr('cilium-a', 'Partial')]}),
      expect: {message: /only partial \(Partial\)/},
    },
    {
      name: 'config key absent, BIG TCP enabled → medium',
      snapshot: snapshot({cluster: {config: config({'enable-ipv4-big-tcp': 'true'})}}),
      expect: {count: 1, severity: 'medium', agents: [], message: /unset \(default false\).*IPv4 BIG TCP/, evidence: {text: 'enable-ipv4-big-tcp: true'}},
    },
  ],
  notEvaluated: [
    {name: 'status without a KubeProxyReplacement line and no config', snapshot: snapshot({agents: [agent('cilium-a', {status: status({})})]})},
  ],
})
