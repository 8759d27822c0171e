import {expect} from 'chai'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import rule from '../../rules/feature-not-effective.js'
import logConditions from '../../rules/log-conditions.js'
import {isClaimed} from '../../src/logs/claimed.js'
import {parseAgentLog} from '../../src/parse/agent-log.js'
import {runRule} from '../../src/rules/engine.js'
import {FIXTURES_DIR} from '../helpers/reference.js'
import type {AgentLog, AgentStatus, LocalRedirectPolicyInfo, Metrics, Node, PodInfo} from '../../src/snapshot/schema.js'
import {agent, at, config, snapshot, status} from '../helpers/snapshot.js'
import {ruleTester} from './_rule-tester.js'

/*
 * Status lines as pkg/client/client.go prints them; log lines as the agent logs them (bigtcp.go, bandwidth.go;
 * the bandwidth-manager line as in the public sysdump petreski/cilium-examples cilium-sysdump-20210525-174507.zip).
 */

function log(lines: Array<[string, string, string]>, file = 'cilium-agent.log'): AgentLog {
  return {
    file, previous: false, format: 'logfmt', lines: lines.length, levels: {warning: lines.length}, debugLines: 0, truncated: false,
    entries: lines.map(([level, msg, subsys], i) => ({level, msg, subsys, kind: 'warning' as const,
      src: at(`2026-11-02T08:13:29.037140810Z level=${level} msg="${msg}" subsys=${subsys}`, i + 12, file)})),
  }
}

function node(name: string, kernel: string): Node {
  return {name, kernel, podCIDRs: [], labels: {}, src: at(`    kernelVersion: ${kernel}`, 30, 'nodes.yaml')}
}

function pod(name: string, startedAt: string): PodInfo {
  return {name, restarts: 0, startedAt, src: at(`    name: ${name}`, 4, 'pods.yaml')}
}

const bigTcpOff: Partial<AgentStatus> = {
  bigTcp: {ipv4: {enabled: false, src: at('IPv4 BIG TCP:            Disabled', 9)}, ipv6: {enabled: false, src: at('IPv6 BIG TCP:            Disabled', 10)}},
  routing: {network: 'Native', host: 'BPF', src: at('Routing:                 Network: Native   Host: BPF', 12)},
}
const masqIptables: Partial<AgentStatus> = {
  masquerading: {mode: 'IPTables', text: 'IPTables [IPv4: Enabled, IPv6: Disabled]', src: at('Masquerading:            IPTables [IPv4: Enabled, IPv6: Disabled]', 14)},
  kubeProxyReplacement: {mode: 'False', enabled: false, devices: [], src: at('KubeProxyReplacement:    False', 4)},
}
// cilium_bgp_control_plane_session_state as cilium#31469 and cilium#39861 show it (1 established, 0 not)
function bgpMetrics(states: Array<[string, number]>): Metrics {
  return {format: 'exposition', unrecognized: [], samples: states.map(([neighbor, value], i) => ({
    name: 'cilium_bgp_control_plane_session_state', labels: {neighbor, vrouter: '64512'}, value,
    src: at(`cilium_bgp_control_plane_session_state{neighbor="${neighbor}",vrouter="64512"} ${value}`, 210 + i, 'metrics.prom'),
  }))}
}
const kprOn: Partial<AgentStatus> = {kubeProxyReplacement: {mode: 'True', enabled: true, devices: [], src: at('KubeProxyReplacement:    True   [eth0   10.0.1.15 (Direct Routing)]', 4)}}
// the node-local DNS policy of https://docs.cilium.io/en/stable/network/kubernetes/local-redirect-policy/ as a live list reads it
const nodeLocalDns: LocalRedirectPolicyInfo = {name: 'nodelocaldns', namespace: 'kube-system', frontend: 'service kube-system/kube-dns', src: at('    name: nodelocaldns', 9, 'ciliumlocalredirectpolicies')}
const metadataLrp: LocalRedirectPolicyInfo = {name: 'kiam-metadata', namespace: 'kube-system', frontend: 'address 169.254.169.254', src: at('    name: kiam-metadata', 31, 'ciliumlocalredirectpolicies')}
const kprOff: Partial<AgentStatus> = {kubeProxyReplacement: {mode: 'False', enabled: false, devices: [], src: at('KubeProxyReplacement:    False', 4)}}
const encryptionOff: Partial<AgentStatus> = {encryption: {mode: 'Disabled', text: 'Disabled', src: at('Encryption:              Disabled', 22)}}

ruleTester(rule, {
  valid: [
    {name: 'nothing asked for', snapshot: snapshot({agents: [agent('cilium-a', {status: status(bigTcpOff)})], cluster: {config: config({'enable-ipv4-big-tcp': 'false'})}})},
    {
      name: 'IPv4 BIG TCP asked and Enabled',
      snapshot: snapshot({
        agents: [agent('cilium-a', {status: status({bigTcp: {ipv4: {enabled: true, src: at('IPv4 BIG TCP:            Enabled   [196608]', 9)}}})})],
        cluster: {config: config({'enable-ipv4-big-tcp': 'true'})},
      }),
    },
    {
      name: 'Hubble asked for and Ok with a full ring (a full ring is normal)',
      snapshot: snapshot({
        agents: [agent('cilium-a', {status: status({hubble: {state: 'Ok', currentFlows: 4095, maxFlows: 4095, text: 'Ok   Current/Max Flows: 4095/4095 (100.00%), Flows/s: 9.52   Metrics: Disabled', src: at('Hubble:   Ok   Current/Max Flows: 4095/4095 (100.00%), Flows/s: 9.52   Metrics: Disabled', 25)}})})],
        cluster: {config: config({'enable-hubble': 'true'})},
      }),
    },
    {name: 'asked for, but no status, log or count shows the effect', snapshot: snapshot({agents: [agent('cilium-a', {status: status({})})], cluster: {config: config({'enable-bandwidth-manager': 'true', 'enable-bgp-control-plane': 'true'})}})},
    {
      name: 'masquerading Disabled (ENI/EKS) is not "BPF masquerading off"',
      snapshot: snapshot({
        agents: [agent('cilium-a', {status: status({masquerading: {mode: 'Disabled', text: 'Disabled', src: at('Masquerading:            Disabled', 14)}})})],
        cluster: {config: config({'enable-bpf-masquerade': 'true', 'ipam': 'eni', 'enable-ipv4-masquerade': 'false'})},
      }),
    },
    {
      name: 'IPv4 BIG TCP asked with tunnel routing and nothing else: big-tcp reports the combination, not this rule',
      snapshot: snapshot({
        agents: [agent('cilium-a', {status: status({...bigTcpOff, routing: {network: 'Tunnel', tunnelProtocol: 'vxlan', host: 'BPF', src: at('Routing:                 Network: Tunnel [vxlan]   Host: BPF', 12)}})})],
        cluster: {config: config({'enable-ipv4-big-tcp': 'true'})},
      }),
    },
    {
      name: 'Local Redirect Policy asked with kube-proxy replacement on: no evidence shows it off',
      snapshot: snapshot({agents: [agent('cilium-a', {status: status(kprOn)})], cluster: {config: config({'enable-local-redirect-policy': 'true', 'kube-proxy-replacement': 'true'})}}),
    },
    {
      name: 'BGP asked, one of two sessions established: in effect',
      snapshot: snapshot({agents: [agent('cilium-a', {status: status({}), metrics: bgpMetrics([['10.55.20.111:179', 1], ['10.55.20.112:179', 0]])})], cluster: {config: config({'enable-bgp-control-plane': 'true'})}}),
    },
    {
      name: 'Local Redirect Policy on and a policy exists: nothing unused',
      snapshot: snapshot({agents: [agent('cilium-a', {status: status(kprOn)})], cluster: {config: config({'enable-local-redirect-policy': 'true'}), localRedirectPolicies: [nodeLocalDns]}}),
    },
    {
      name: 'Local Redirect Policy off and the list read empty: nobody asked for it',
      snapshot: snapshot({agents: [agent('cilium-a', {status: status(kprOn)})], cluster: {config: config({'enable-local-redirect-policy': 'false'}), localRedirectPolicies: []}}),
    },
    {
      name: 'Local Redirect Policy off, policies never listed (offline, no list): not judged',
      snapshot: snapshot({agents: [agent('cilium-a', {status: status(kprOn)})], cluster: {config: config({'enable-local-redirect-policy': 'false'})}}),
    },
  ],
  invalid: [
    {
      name: 'IPv4 BIG TCP refused by the kernel: the logged fallback and the node kernel are the reasons, no Helm change',
      messageIds: ['not-in-effect'],
      snapshot: snapshot({
        agents: [agent('cilium-a', {node: 'node-a', status: status(bigTcpOff), logs: [log([['warning', 'Cannot enable --enable-ipv4-big-tcp, needs kernel 6.3 or newer', 'big-tcp']])]})],
        cluster: {config: config({'enable-ipv4-big-tcp': 'true'}), nodes: [node('node-a', '5.15.0-1051-aws')]},
      }),
      expect: {count: 1, severity: 'medium', agents: ['cilium-a'], noHelm: true,
        message: /IPv4 BIG TCP is asked for \(enable-ipv4-big-tcp: true\) but not in effect on cilium-a \(IPv4 BIG TCP: Disabled\)\. Reason: \[logged-fallback\].*needs kernel 6\.3.*\[kernel\] kernel < 6\.3 on node-a \(5\.15\.0-1051-aws\)/,
        evidence: {text: /Cannot enable --enable-ipv4-big-tcp/, line: 12}, fix: /Upgrade the node kernel \(6\.3 or newer\)/},
    },
    {
      name: 'bandwidth manager on an old kernel (the 1.10 sysdump shape)',
      messageIds: ['not-in-effect'],
      snapshot: snapshot({
        agents: [agent('cilium-a', {status: status({bandwidthManager: {enabled: false, text: 'Disabled', src: at('BandwidthManager:       Disabled', 11)}}),
          logs: [log([['warning', 'BPF bandwidth manager needs kernel 5.1 or newer. Disabling the feature.', 'bandwidth-manager']])]})],
        cluster: {config: config({'enable-bandwidth-manager': 'true'}), nodes: [node('minikube', '4.19.182')]},
      }),
      expect: {count: 1, message: /\[logged-fallback\].*\[kernel\] kernel < 5\.1 on minikube \(4\.19\.182\)/, fix: /Upgrade the node kernel to 5\.1/},
    },
    {
      name: 'BPF masquerading asked without kube-proxy replacement: the prerequisite is the reason, and its Helm value the fix',
      messageIds: ['not-in-effect'],
      snapshot: snapshot({
        agents: [agent('cilium-a', {status: status(masqIptables)})],
        cluster: {config: config({'enable-bpf-masquerade': 'true', 'kube-proxy-replacement': 'false'})},
      }),
      expect: {count: 1, message: /\[prerequisite\] kube-proxy replacement .* does not hold/, helm: {path: 'kubeProxyReplacement', value: true, prerequisites: ['k8s-service-host', 'no-cni-chaining']}},
    },
    {
      name: 'AWS-CNI chaining: kube-proxy replacement is never suggested, and the message says why it was withheld',
      messageIds: ['not-in-effect'],
      snapshot: snapshot({
        agents: [agent('cilium-a', {status: status(masqIptables)})],
        cluster: {config: config({'enable-bpf-masquerade': 'true', 'kube-proxy-replacement': 'false', 'cni-chaining-mode': 'aws-cni'})},
      }),
      expect: {count: 1, noHelm: true, fix: /kubeProxyReplacement=true withheld: kube-proxy replacement does not apply in aws-cni chaining/},
    },
    {
      name: 'WireGuard asked, agents started before the ConfigMap change: not restarted, high',
      messageIds: ['not-in-effect'],
      snapshot: snapshot({
        agents: [agent('cilium-a', {status: status(encryptionOff), pod: pod('cilium-a', '2026-11-02T08:00:00Z')})],
        cluster: {config: {...config({'enable-wireguard': 'true'}), changedAt: {time: '2026-11-03T10:15:42Z', manager: 'helm', src: at('    time: "2026-11-03T10:15:42Z"', 9, 'cilium-config.yaml')}},
          nodes: [node('node-a', '6.1.0')]},
      }),
      expect: {count: 1, severity: 'high', message: /\[not-restarted\] 1 agent\(s\) started before the last configuration change \(cilium-config written by helm at 2026-11-03T10:15:42Z; cilium-a started 2026-11-02T08:00:00Z\)/, fix: /rollout restart daemonset\/cilium/},
    },
    {
      name: 'Hubble asked for but Disabled and nothing explains it: reason unknown, with what would decide it',
      messageIds: ['reason-unknown'],
      snapshot: snapshot({
        agents: [agent('cilium-a', {status: status({hubble: {state: 'Disabled', text: 'Disabled', src: at('Hubble:                  Disabled', 25)}})})],
        cluster: {config: config({'enable-hubble': 'true'})},
      }),
      expect: {count: 1, message: /Reason unknown: .* what would decide it: the agent's start-up log/, noHelm: true},
    },
    {
      name: 'Local Redirect Policy asked, KubeProxyReplacement False: the prerequisite is the reason, KPR the Helm fix',
      messageIds: ['not-in-effect'],
      snapshot: snapshot({
        agents: [agent('cilium-a', {status: status({kubeProxyReplacement: {mode: 'False', enabled: false, devices: [], src: at('KubeProxyReplacement:    False', 4)}})})],
        cluster: {config: config({'enable-local-redirect-policy': 'true', 'kube-proxy-replacement': 'false'}), helm: {source: 'h', values: {k8sServiceHost: 'api.cluster.invalid', k8sServicePort: 6443}}},
      }),
      expect: {count: 1, message: /Local Redirect Policy is asked for \(enable-local-redirect-policy: true\) but not in effect on cilium-a .*\[prerequisite\] kube-proxy replacement/, helm: {path: 'kubeProxyReplacement', value: true}},
    },
    {
      name: 'Local Redirect Policy in generic-veth chaining: KPR is withheld, and the fix says why',
      messageIds: ['not-in-effect'],
      snapshot: snapshot({
        agents: [agent('cilium-a', {status: status({kubeProxyReplacement: {mode: 'False', enabled: false, devices: [], src: at('KubeProxyReplacement:    False', 4)}})})],
        cluster: {config: config({'enable-local-redirect-policy': 'true', 'kube-proxy-replacement': 'false', 'cni-chaining-mode': 'generic-veth'})},
      }),
      expect: {count: 1, noHelm: true, fix: /kubeProxyReplacement=true withheld: kube-proxy replacement does not apply in generic-veth chaining/},
    },
    {
      name: 'BGP asked, no session established on the agent: reason unknown, and which evidence would decide it',
      messageIds: ['reason-unknown'],
      snapshot: snapshot({
        agents: [agent('cilium-a', {status: status({}), metrics: bgpMetrics([['10.55.20.111:179', 0]])})],
        cluster: {config: config({'enable-bgp-control-plane': 'true'})},
      }),
      expect: {count: 1, message: /BGP control plane is asked for .* \(0 of 1 BGP sessions established .*\)\. Reason unknown: .*cilium bgp peers/, evidence: {text: /session_state\{neighbor="10\.55\.20\.111:179"/, line: 210}},
    },
    {
      name: 'CiliumEndpointSlice asked, none exist for 120 endpoints, endpoint CRD disabled',
      messageIds: ['not-in-effect'],
      snapshot: snapshot({
        cluster: {config: config({'enable-cilium-endpoint-slice': 'true', 'disable-endpoint-crd': 'true'}),
          counts: {ciliumEndpoints: 120, ciliumEndpointSlices: 0, src: at('0 CiliumEndpointSlice objects', 0, 'ciliumendpointslices (count)')}},
      }),
      expect: {count: 1, agents: [], message: /on the cluster \(0 CiliumEndpointSlices for 120 CiliumEndpoints\).*\[prerequisite\]/, helm: {path: 'disableEndpointCRD', value: false}},
    },
    {
      name: 'a CiliumLocalRedirectPolicy exists while cilium-config turns the feature off: the config line is the reason, no Helm change',
      messageIds: ['policies-without-feature'],
      snapshot: snapshot({agents: [agent('cilium-a', {status: status(kprOn)})], cluster: {config: config({'enable-local-redirect-policy': 'false'}), localRedirectPolicies: [nodeLocalDns]}}),
      expect: {severity: 'medium', agents: [], noHelm: true, message: /1 CiliumLocalRedirectPolicy object\(s\) exist \(kube-system\/nodelocaldns \(service kube-system\/kube-dns\)\).*\[config\] enable-local-redirect-policy: false in cilium-config/, evidence: {text: 'enable-local-redirect-policy: false'}, fix: /localRedirectPolicy: true/},
    },
    {
      name: 'policies while the key is absent and kube-proxy replacement is off too: both named',
      messageIds: ['policies-without-feature'],
      snapshot: snapshot({agents: [agent('cilium-a', {status: status(kprOff)})], cluster: {config: config({'kube-proxy-replacement': 'false'}), localRedirectPolicies: [nodeLocalDns, metadataLrp]}}),
      expect: {message: /2 CiliumLocalRedirectPolicy.*address 169\.254\.169\.254.*absent from cilium-config \(off by default\).*kube-proxy replacement, which the feature needs, is off as well \(KubeProxyReplacement: False\)/, evidence: {text: /KubeProxyReplacement: +False/}, fix: /after enabling kube-proxy replacement/},
    },
  ],
})

describe('feature-not-effective on captured agent logs (fixtures/effective)', () => {
  const read = (f: string) => parseAgentLog(readFileSync(join(FIXTURES_DIR, 'effective', f), 'utf8'), f, false)
  it('the bandwidth-manager fallback is the reason, the log-conditions rule leaves it to this rule, and it is claimed', () => {
    const log = read('log-bandwidth-manager-old-kernel.log')
    const a = agent('cilium-4bwxv', {logs: [log], status: status({bandwidthManager: {enabled: false, text: 'Disabled', src: at('BandwidthManager:       Disabled', 11)}})})
    const s = snapshot({agents: [a], cluster: {config: config({'enable-bandwidth-manager': 'true'})}})
    const r = runRule(rule, s)
    expect(r.findings.map((f) => f.messageId)).to.deep.equal(['not-in-effect'])
    expect(r.findings[0].evidence.some((e) => e.source === 'log-bandwidth-manager-old-kernel.log' && e.line === 4)).to.equal(true)
    expect(runRule(logConditions, s).findings).to.deep.equal([])
    expect(log.entries.filter((e) => e.level === 'warning').every(isClaimed)).to.equal(true)
  })
  it('a BIG TCP kernel refusal with no status at all still shows the feature off, from the log', () => {
    const s = snapshot({agents: [agent('cilium-a', {logs: [read('log-big-tcp-kernel.log')]})], cluster: {config: config({'enable-ipv4-big-tcp': 'true'})}})
    const r = runRule(rule, s)
    expect(r.findings).to.have.length(1)
    expect(r.findings[0].message).to.match(/IPv4 BIG TCP is asked for .* \(Cannot enable --enable-ipv4-big-tcp, needs kernel 6\.3 or newer\)\. Reason: \[logged-fallback\]/)
  })
})
