import rule from '../../rules/kpr-disabled.js'
import type {AgentLog} from '../../src/snapshot/schema.js'
import {agent, at, config, snapshot, status} from '../helpers/snapshot.js'
import {ruleTester} from './_rule-tester.js'

const kpr = (name: string, mode: string, legacy = false, version?: string) => agent(name, {status: status({
  kubeProxyReplacement: {mode, enabled: /true|strict|partial|probe/i.test(mode), devices: [], src: at(`KubeProxyReplacement:   ${mode}`, 5)},
  ...(version ? {cilium: {state: 'Ok', message: `${version} (v${version}-abcdef0)`, version, src: at(`Cilium:   Ok   ${version} (v${version}-abcdef0)`, 8)}} : {}),
  ...(legacy ? {routing: {network: 'Tunnel' as const, host: 'Legacy' as const, src: at('Routing:   Network: Tunnel [vxlan]   Host: Legacy', 30)}} : {}),
})})

// Imitates a 1.15 agent start-up log that still passes the old word.
const deprecatedLog = (word: string): AgentLog => {
  const text = `level=warning msg="Deprecated value for --kube-proxy-replacement: ${word} (use either \\"true\\", or \\"false\\")" subsys=daemon`
  return {file: 'cilium-agent.log', previous: false, format: 'logfmt', lines: 3, levels: {warning: 1}, debugLines: 0, truncated: false,
    entries: [{level: 'warning', kind: 'warning', msg: `Deprecated value for --kube-proxy-replacement: ${word} (use either "true", or "false")`, src: at(text, 2, 'cilium-agent.log')}]}
}

ruleTester(rule, {
  valid: [
    {name: 'KPR True', snapshot: snapshot({agents: [kpr('cilium-a', 'True'), kpr('cilium-b', 'True')]})},
    {name: 'old Strict', snapshot: snapshot({agents: [kpr('cilium-a', 'Strict')]})},
    {name: 'config only, true', snapshot: snapshot({cluster: {config: config({'kube-proxy-replacement': 'true'})}})},
  ],
  invalid: [
    {
      name: 'False with legacy host routing → medium, dependents named', messageIds: ['off'],
      snapshot: snapshot({agents: [kpr('cilium-a', 'False', true), kpr('cilium-b', 'False', true)]}),
      expect: {count: 1, severity: 'medium', agents: ['cilium-a', 'cilium-b'], message: /is False on 2 agents .*required by eBPF host routing/,
        evidence: {line: 5, text: 'KubeProxyReplacement:   False'}, helm: {path: 'kubeProxyReplacement', value: true}},
    },
    {
      name: 'False with nothing depending on it → info', messageIds: ['off'],
      snapshot: snapshot({agents: [kpr('cilium-a', 'False')]}),
      expect: {count: 1, severity: 'info', message: /^kube-proxy replacement is False on cilium-a$/},
    },
    {
      name: 'Partial on a 1.13 agent: not fully enabled, strict suggested', messageIds: ['partial'],
      snapshot: snapshot({agents: [kpr('cilium-a', 'Partial', false, '1.13.4')]}),
      expect: {count: 1, severity: 'info', message: /not fully enabled \(Partial/, helm: {path: 'kubeProxyReplacement', value: 'strict'}},
    },
    {
      // field trial: 1.10.4 "Probe" was called partial and given `true`, which the 1.10 chart rejects
      name: 'Probe on 1.10 → not fully enabled, value strict', messageIds: ['partial'],
      snapshot: snapshot({agents: [kpr('cilium-a', 'Probe', false, '1.10.4')]}),
      expect: {count: 1, severity: 'info', message: /^kube-proxy replacement is not fully enabled \(Probe/, helm: {path: 'kubeProxyReplacement', value: 'strict'}},
    },
    {
      name: 'Probe with legacy host routing stays below Disabled with the same facts (info, not medium)', messageIds: ['partial'],
      snapshot: snapshot({agents: [kpr('cilium-a', 'Probe', true, '1.12.5')]}),
      expect: {count: 1, severity: 'info', message: /not fully enabled.*required by eBPF host routing/, helm: {path: 'kubeProxyReplacement', value: 'strict'}},
    },
    {
      name: 'Disabled on 1.10.3 → strict', messageIds: ['off'],
      snapshot: snapshot({agents: [kpr('cilium-a', 'Disabled', false, '1.10.3')]}),
      expect: {count: 1, severity: 'info', message: /is Disabled on cilium-a$/, helm: {path: 'kubeProxyReplacement', value: 'strict'}},
    },
    {
      name: 'Disabled without a version (1.9 "Cilium: Ok OK") → strict, the old word tells the era', messageIds: ['off'],
      snapshot: snapshot({agents: [kpr('cilium-a', 'Disabled', true)]}),
      expect: {count: 1, severity: 'medium', helm: {path: 'kubeProxyReplacement', value: 'strict'}},
    },
    {
      name: 'folder of clusters: an "Ok OK" agent is not given the 1.16 majority\'s value', messageIds: ['off'],
      version: '1.16.3',
      snapshot: snapshot({agents: [agent('cilium-a', {status: status({
        kubeProxyReplacement: {mode: 'Disabled', enabled: false, devices: [], src: at('KubeProxyReplacement:   Disabled', 5)},
        cilium: {state: 'Ok', message: 'OK', src: at('Cilium:   Ok   OK', 8)},
      })})]}),
      expect: {count: 1, helm: {path: 'kubeProxyReplacement', value: 'strict'}},
    },
    {
      name: '1.15 False → true', messageIds: ['off'],
      snapshot: snapshot({agents: [kpr('cilium-a', 'False', false, '1.15.0')]}),
      expect: {count: 1, helm: {path: 'kubeProxyReplacement', value: true}},
    },
    {
      name: 'cluster version 1.13 (no per-agent version) → strict', messageIds: ['off'],
      version: '1.13.2',
      snapshot: snapshot({cluster: {config: config({'kube-proxy-replacement': 'disabled'})}}),
      expect: {count: 1, helm: {path: 'kubeProxyReplacement', value: 'strict'}},
    },
    {
      // whole-folder run: one agent's Legacy line must not make another agent's finding medium
      name: 'two agents (two clusters): only the one with Legacy host routing names it', messageIds: ['off', 'off'],
      snapshot: snapshot({agents: [kpr('cilium-a', 'Disabled', true, '1.9.4'), kpr('cilium-b', 'Disabled', false, '1.10.3')]}),
      expect: [
        {count: 2, severity: 'medium', agents: ['cilium-a'], message: /required by eBPF host routing/},
        {severity: 'info', agents: ['cilium-b'], message: /^kube-proxy replacement is Disabled on cilium-b$/},
      ],
    },
    {
      name: 'versions differ → separate findings with the value each accepts', messageIds: ['off', 'off'],
      snapshot: snapshot({agents: [kpr('cilium-a', 'False', false, '1.16.3'), kpr('cilium-b', 'Disabled', false, '1.12.0')]}),
      expect: [
        {count: 2, agents: ['cilium-a'], helm: {path: 'kubeProxyReplacement', value: true}},
        {agents: ['cilium-b'], helm: {path: 'kubeProxyReplacement', value: 'strict'}},
      ],
    },
    {
      name: 'config key absent, BIG TCP enabled → medium', messageIds: ['off'],
      snapshot: snapshot({cluster: {config: config({'enable-ipv4-big-tcp': 'true'})}}),
      expect: {count: 1, severity: 'medium', agents: [], message: /unset \(default false\).*IPv4 BIG TCP/, evidence: {text: 'enable-ipv4-big-tcp: true'}},
    },
    {
      name: 'log only: Deprecated value for --kube-proxy-replacement: strict → info, true', messageIds: ['deprecated-mode'],
      snapshot: snapshot({agents: [agent('cilium-a', {logs: [deprecatedLog('strict')]})]}),
      expect: {count: 1, severity: 'info', agents: ['cilium-a'], message: /"strict" is deprecated/, evidence: {line: 2},
        helm: {path: 'kubeProxyReplacement', value: true}},
    },
    {
      name: 'deprecated partial → info with a fix, no single Helm value', messageIds: ['deprecated-mode'],
      snapshot: snapshot({agents: [agent('cilium-a', {logs: [deprecatedLog('partial')]})]}),
      expect: {count: 1, severity: 'info', noHelm: true, fix: /true \(full replacement\) or false/},
    },
  ],
  notEvaluated: [
    {name: 'status without a KubeProxyReplacement line and no config', snapshot: snapshot({agents: [agent('cilium-a', {status: status({})})]})},
  ],
})
