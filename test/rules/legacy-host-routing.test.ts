import {expect} from 'chai'
import {runRule} from '../../src/rules/engine.js'
import {requireReference} from '../helpers/reference.js'
import rule from '../../rules/legacy-host-routing.js'
import type {AgentStatus} from '../../src/snapshot/schema.js'
import {agent, at, config, snapshot, status} from '../helpers/snapshot.js'
import {referenceAgent, ruleTester} from './_rule-tester.js'

function st(host: 'BPF' | 'Legacy', kpr: string, masq: string, extra: Partial<AgentStatus> = {}): AgentStatus {
  return status({
    routing: {network: 'Tunnel', tunnelProtocol: 'vxlan', host, src: at(`Routing:   Network: Tunnel [vxlan]   Host: ${host}`, 30)},
    kubeProxyReplacement: {mode: kpr, enabled: /true|strict/i.test(kpr), devices: [], src: at(`KubeProxyReplacement:   ${kpr}`, 4)},
    masquerading: {mode: masq, text: masq, src: at(`Masquerading:   ${masq}`, 33)},
    ...extra,
  })
}

ruleTester(rule, {
  valid: [
    {name: 'Host: BPF everywhere', snapshot: snapshot({agents: [agent('cilium-a', {status: st('BPF', 'True', 'BPF')}), agent('cilium-b', {status: st('BPF', 'True', 'BPF')})]})},
  ],
  invalid: [
    {
      // field trial (1.10.3 / ~1.9 "Cilium: Ok OK"): bpf.hostLegacyRouting was suggested to charts that lack it
      name: '1.10 agent: no bpf.hostLegacyRouting, KPR value strict, fix names the 1.11+ key', messageIds: ['legacy'],
      snapshot: snapshot({agents: [agent('cilium-a', {status: st('Legacy', 'Disabled', 'IPTables', {cilium: {state: 'Ok', message: '1.10.3 (v1.10.3-4145278)', version: '1.10.3', src: at('Cilium:   Ok   1.10.3 (v1.10.3-4145278)', 8)}})})]}),
      expect: [
        {count: 1, severity: 'medium', fix: /no bpf\.hostLegacyRouting.*1\.11\+/, helm: {path: 'kubeProxyReplacement', value: 'strict'}},
        {helm: {path: 'bpf.masquerade', value: true}},
      ],
    },
    {
      name: 'old agent whose Cilium line has no version ("Ok   OK") is treated as pre-1.11', messageIds: ['legacy'],
      snapshot: snapshot({agents: [agent('cilium-a', {status: st('Legacy', 'Disabled', 'IPTables', {cilium: {state: 'Ok', message: 'OK', src: at('Cilium:   Ok   OK', 8)}})})]}),
      expect: {count: 1, fix: /1\.9\/1\.10 charts used bpf\.hostRouting/, helm: {path: 'kubeProxyReplacement', value: 'strict'}},
    },
    {
      name: 'folder of clusters: the "Ok OK" agent stays pre-1.11 even when the majority version is 1.12', messageIds: ['legacy'],
      version: '1.12.0',
      snapshot: snapshot({agents: [agent('cilium-a', {status: st('Legacy', 'Disabled', 'IPTables', {cilium: {state: 'Ok', message: 'OK', src: at('Cilium:   Ok   OK', 8)}})})]}),
      expect: {count: 1, fix: /predates 1\.11/},
    },
    {
      name: '1.11.2 Strict + IPTables: 1.11+ key suggested', messageIds: ['legacy'],
      snapshot: snapshot({agents: [agent('cilium-a', {status: st('Legacy', 'Strict', 'IPTables [IPv4: Enabled, IPv6: Disabled]', {cilium: {state: 'Ok', message: '1.11.2 (v1.11.2-17b0dbd)', version: '1.11.2', src: at('Cilium:   Ok   1.11.2', 8)}})})]}),
      expect: [{count: 1, helm: {path: 'bpf.hostLegacyRouting', value: false}}, {helm: {path: 'bpf.masquerade', value: true}}],
    },
    {
      name: 'Legacy with KPR False and IPTables masquerading → both prerequisites suggested', messageIds: ['legacy'],
      snapshot: snapshot({agents: [agent('cilium-a', {status: st('Legacy', 'False', 'IPTables [IPv4: Enabled, IPv6: Disabled]')}), agent('cilium-b', {status: st('Legacy', 'False', 'IPTables [IPv4: Enabled, IPv6: Disabled]')})]}),
      expect: [
        {count: 1, severity: 'medium', agents: ['cilium-a', 'cilium-b'], message: /Legacy on 2 agents.*kube-proxy replacement NOT met \(KubeProxyReplacement: False\); BPF masquerading NOT met/,
          evidence: {line: 30, text: /Host: Legacy/}, helm: {path: 'bpf.hostLegacyRouting', value: false, prerequisites: ['kube-proxy-replacement', 'bpf-masquerade', 'no-cni-chaining', 'kernel>=5.10']}},
        {helm: {path: 'kubeProxyReplacement', value: true}},
        {helm: {path: 'bpf.masquerade', value: true}},
      ],
    },
    {
      name: 'Legacy with KPR True and masquerading Disabled (EKS) → only the routing value', messageIds: ['legacy'],
      snapshot: snapshot({agents: [agent('cilium-a', {status: st('Legacy', 'True', 'Disabled')})], cluster: {config: config({'enable-host-legacy-routing': 'true'})}}),
      expect: {count: 1, severity: 'medium', message: /BPF masquerading not needed.*set to true explicitly/, helm: {path: 'bpf.hostLegacyRouting', value: false}, evidence: {text: 'enable-host-legacy-routing: true'}},
    },
    {
      name: '≤1.15 "Host Routing: Legacy" with config-only prerequisites', messageIds: ['legacy'],
      snapshot: snapshot({
        agents: [agent('cilium-a', {status: status({routing: {host: 'Legacy', src: at('Host Routing:   Legacy', 20)}})})],
        cluster: {config: config({'kube-proxy-replacement': 'strict', 'enable-bpf-masquerade': 'false', 'enable-ipv4-masquerade': 'true'})},
      }),
      expect: {count: 1, message: /kube-proxy replacement met \(kube-proxy-replacement: strict\); BPF masquerading NOT met/, helm: {path: 'bpf.masquerade', value: true}},
    },
    {
      name: 'prerequisites met, nothing explicit (1.10 minikube shape) → says the reason is not in the evidence', messageIds: ['legacy'],
      snapshot: snapshot({agents: [agent('cilium-a', {status: st('Legacy', 'Strict', 'BPF   [eth0]   10.0.0.0/8')})]}),
      expect: {count: 1, severity: 'medium', message: /look met, so the agent fell back for a reason not in this evidence \(e\.g\. kernel < 5\.10\)/},
    },
    {
      // daemon/cmd/kube_proxy_replacement.go logs the reason at info level when it falls back
      name: 'prerequisites met and the agent logged why: the log line is the reason, quoted', messageIds: ['legacy'],
      snapshot: snapshot({agents: [agent('cilium-a', {status: st('Legacy', 'Strict', 'BPF   [eth0]   10.0.0.0/8'), logs: [{
        file: 'cilium-agent.log', previous: false, format: 'logfmt', lines: 1, levels: {info: 1}, debugLines: 0, truncated: false,
        entries: [{level: 'info', kind: 'other', subsys: 'daemon', msg: 'BPF host routing requires kernel 5.10 or newer. Falling back to legacy host routing (enable-host-legacy-routing=true).',
          src: at('level=info msg="BPF host routing requires kernel 5.10 or newer. Falling back to legacy host routing (enable-host-legacy-routing=true)." subsys=daemon', 41, 'cilium-agent.log')}],
      }]})]}),
      expect: {count: 1, message: /the agent logged the reason: "BPF host routing requires kernel 5\.10 or newer\./, evidence: {line: 41}},
    },
    {
      name: 'IPsec forces legacy → info, no Helm flip', messageIds: ['legacy-blocked'],
      snapshot: snapshot({agents: [agent('cilium-a', {status: st('Legacy', 'True', 'BPF', {encryption: {mode: 'IPsec', text: 'IPsec', src: at('Encryption:   IPsec', 50)}})})]}),
      expect: {count: 1, severity: 'info', message: /Blocked: IPsec/, noHelm: true, evidence: {line: 50}},
    },
  ],
  notEvaluated: [
    {name: 'status without a Routing line', snapshot: snapshot({agents: [agent('cilium-a', {status: status({earlyExit: true})})]})},
  ],
})

describe('legacy-host-routing on real samples', () => {
  before(function () { requireReference(this) })
  it('1.18.0 vxlan + Legacy + IPTables masquerading: BPF masquerade is the unmet prerequisite', async () => {
    const a = await referenceAgent('cilium-ref', {status: 'status-verbose_1.18.0_health-endpoint-timeout-vxlan-legacy-TRUNCATED-unattributed.txt'})
    const r = runRule(rule, snapshot({agents: [a]}))
    expect(r.findings).to.have.length(1)
    expect(r.findings[0].message).to.match(/kube-proxy replacement met \(KubeProxyReplacement: True\); BPF masquerading NOT met/)
    expect(r.findings[0].helm.map((h) => [h.path, h.value])).to.deep.equal([['bpf.hostLegacyRouting', false], ['bpf.masquerade', true]])
    expect(r.findings[0].evidence[0]).to.include({line: 22})
  })
  it('1.17.6 native routing with BPF host routing passes', async () => {
    const a = await referenceAgent('cilium-ref', {status: 'status-verbose_1.17.6-cee.1_isovalent-native-bpf-tcx-TRUNCATED-unattributed.txt'})
    expect(runRule(rule, snapshot({agents: [a]})).outcome.result).to.equal('passed')
  })
})

describe('legacy-host-routing never suggests a key the running chart lacks', () => {
  const old = (message: string, version?: string) => snapshot({agents: [agent('cilium-a', {status: st('Legacy', 'Disabled', 'IPTables', {
    cilium: {state: 'Ok', message, ...(version ? {version} : {}), src: at(`Cilium:   Ok   ${message}`, 8)},
  })})]})
  for (const [name, s] of [['1.10.3', old('1.10.3 (v1.10.3-4145278)', '1.10.3')], ['1.9 "Ok OK"', old('OK')]] as const) {
    it(`${name}: no bpf.hostLegacyRouting suggestion`, () => {
      const r = runRule(rule, s)
      expect(r.findings).to.have.length(1)
      expect(r.findings[0].helm.map((h) => h.path)).not.to.include('bpf.hostLegacyRouting')
    })
  }
})
