import {expect} from 'chai'
import {parseAgentLog} from '../../src/parse/agent-log.js'
import {causeOf} from '../../src/logs/causes.js'
import {conditionOf, LOG_CONDITIONS} from '../../src/logs/catalog.js'
import {isClaimed} from '../../src/logs/claimed.js'

/*
 * One row per message template added to the log catalog: the line as Cilium (or Envoy, or client-go) prints it, and
 * the condition or cause it must be read as. Lines are taken from the source's format strings and the public samples
 * the corpus index names, with invented names and addresses.
 */

const entry = (line: string) => {
  const log = parseAgentLog(`${line}\n`, 't.log')
  expect(log.entries, `kept: ${line}`).to.have.length(1)
  return log.entries[0]
}

describe('log catalog: templates added for issue 11', function () {
  const conditions: Array<[string, string, string]> = [
    ['hubble lost-messages line (warning until 1.13)', 'level=warning msg="hubble events queue is processing messages again: 12 messages were lost" subsys=hubble', 'hubble-queue-full'],
    ['DNS proxy lock, ≤1.14 wording', 'level=warning msg="Lock acquisition time took longer than expected. Potentially too many parallel DNS requests being processed, consider adjusting --dnsproxy-lock-count and/or --dnsproxy-lock-timeout" dnsName=a.example. duration=628ms expected=500ms subsys=daemon', 'dnsproxy-overloaded'],
    ['DNS proxy lock, slog per-name wording', 'time=2026-01-01T00:00:00Z level=warn msg="Name lock acquisition time took longer than expected. Potentially too many parallel DNS requests being processed, consider adjusting --dnsproxy-lock-count and/or --dnsproxy-lock-timeout" module=agent.controlplane.fqdn dnsName=a.example. duration=2s expected=500ms', 'dnsproxy-overloaded'],
    ['L7 policy not applied', 'level=warning msg="Failed to apply L7 proxy policy changes. These will be re-applied in future updates." error="proxy updates failed: context deadline exceeded" subsys=endpoint-manager', 'l7-policy-apply-failed'],
    ['Envoy access-log EAGAIN', '[2018-03-04 22:59:51.822][388][warning][router] accesslog.cc:171] Cilium access log send failed: Resource temporarily unavailable', 'envoy-accesslog-overflow'],
    ['raw klog reflector line', 'E0421 14:58:51.838219     579 reflector.go:123] github.com/cilium/cilium/pkg/k8s/identitybackend/identity.go:445: Failed to list *v2.CiliumIdentity: ciliumidentities.cilium.io is forbidden: User "system:serviceaccount:kube-system:cilium" cannot list resource "ciliumidentities" in API group "cilium.io" at the cluster scope', 'k8s-list-failing'],
    ['klog bridged at warning', 'level=warning msg="github.com/cilium/cilium/operator/watchers/node.go:78: failed to list *v1.Node: nodes is forbidden: User \\"system:serviceaccount:kube-system:cilium-operator\\" cannot list resource \\"nodes\\" in API group \\"\\" at the cluster scope" subsys=klog', 'k8s-list-failing'],
    ['operator lease forbidden', 'level=error msg="error retrieving resource lock kube-system/cilium-operator-resource-lock: leases.coordination.k8s.io \\"cilium-operator-resource-lock\\" is forbidden: User \\"system:serviceaccount:kube-system:cilium-operator\\" cannot get resource \\"leases\\" in API group \\"coordination.k8s.io\\" in the namespace \\"kube-system\\"" subsys=klog', 'leader-lease-forbidden'],
    ['operator lease forbidden, raw klog', 'E1208 10:50:14.993715       1 leaderelection.go:335] error retrieving resource lock kube-system/cilium-operator-resource-lock: leases.coordination.k8s.io "cilium-operator-resource-lock" is forbidden: User "system:serviceaccount:kube-system:cilium-operator" cannot get resource "leases" in API group "coordination.k8s.io" in the namespace "kube-system"', 'leader-lease-forbidden'],
    ['operator lease forbidden, slog JSON', '{"time":"2026-03-23T12:45:09.1Z","level":"error","msg":"error retrieving resource lock kube-system/cilium-operator-resource-lock: leases.coordination.k8s.io \\"cilium-operator-resource-lock\\" is forbidden: User \\"system:serviceaccount:kube-system:cilium-operator\\" cannot get resource \\"leases\\" in API group \\"coordination.k8s.io\\" in the namespace \\"kube-system\\"","subsys":"klog"}', 'leader-lease-forbidden'],
    ['klog reflector line, slog text through the klog bridge', 'time=2026-08-06T07:57:37.8Z level=error source=/go/src/github.com/cilium/cilium/pkg/logging/klog_bridge.go:175 msg="k8s.io/client-go@v0.33.1/tools/cache/reflector.go:569: failed to list *v2.CiliumNode: ciliumnodes.cilium.io is forbidden: User \\"system:serviceaccount:kube-system:cilium-operator\\" cannot list resource \\"ciliumnodes\\" in API group \\"cilium.io\\" at the cluster scope" subsys=klog', 'k8s-list-failing'],
    ['datapath-mode auto fell back', 'time=2026-09-02T10:15:03.512Z level=warn msg="datapath autodiscovery failed, reverting from netkit to veth" module=agent.datapath.connector error="netkit device probe failed, requires kernel 6.7.0+ and CONFIG_NETKIT"', 'netkit-auto-fallback'],
    ['identity space full, as endpoint regeneration logs it', 'level=warning msg="Regeneration of endpoint failed" bpfCompilation=0s containerID=3f1c2a9e71 endpointID=2211 error="unable to resolve identity: unable to allocate identity: no more available IDs in configured space" identity=4 subsys=endpoint', 'identity-exhausted'],
    ['rotated IPsec key not loaded', 'level=error msg="Failed to load IPsec keyfile" error="missing IPSec key or invalid format" subsys=ipsec', 'ipsec-key-reload-failed'],
    ['health endpoint restarted', 'level=warning msg="health endpoint is unreachable, restarting health endpoint" error="cilium-health endpoint hasn\'t yet been initialized" subsys=daemon', 'health-endpoint-restarting'],
    ['stale CEPs at restore (benign)', 'level=error msg="Failed to get possibly stale ciliumendpoints from apiserver, skipping." error="the server could not find the requested resource" subsys=daemon', 'cep-stale-restore'],
    ['BPF masquerade to iptables', 'level=warning msg="BPF masquerade requires NodePort (--enable-node-port=\\"true\\"). Falling back to iptables-based masquerading." subsys=daemon', 'bpf-masquerade-fallback'],
  ]
  for (const [name, line, id] of conditions) {
    it(`${name} → ${id}`, function () {
      const e = entry(line)
      expect(conditionOf(e.msg, e.src.text)?.id).to.equal(id)
      expect(isClaimed(e)).to.equal(true)
    })
  }

  const causes: Array<[string, string]> = [
    ['error="failed to set memlock rlimit: operation not permitted"', 'memlock-rlimit-denied'],
    ['error="map create: operation not permitted (MEMLOCK may be too low, consider rlimit.RemoveMemlock)"', 'memlock-too-low'],
    ['msg="kernel version: NOT OK: minimal supported kernel version is >= 4.8.0; kernel version that is running is: 4.4.0"', 'kernel-too-old'],
    ['msg="Policy routing:NOT OK. Please enable kernel configuration item CONFIG_IP_MULTIPLE_TABLES"', 'kernel-feature'],
    ['error="netkit connector not available: netkit devices cannot be used with --enable-bpf-tproxy=true"', 'netkit-tproxy'],
    ['error="netkit connector not available: netkit device probe failed, requires kernel 6.7.0+ and CONFIG_NETKIT"', 'netkit-kernel'],
    ['error="failed to init bpf map: Unable create map base directory /sys/fs/bpf/tc/globals/cilium_auth_map: mkdir /sys/fs/bpf/tc: permission denied"', 'lsm-denied'],
    ['error="requirements failed: Require support for dead code elimination (Linux 5.1 or newer)"', 'kernel-probe'],
    // unchanged neighbours: the new causes must not take their lines
    ['error="Unable to create map /sys/fs/bpf/tc/globals/cilium_lxc: operation not permitted"', 'bpf-permission'],
    ['error="dial tcp 10.96.0.1:443: connect: operation not permitted"', 'apiserver-dial-blocked'],
  ]
  for (const [text, id] of causes) {
    it(`cause of ${text.slice(0, 70)}… is ${id}`, function () {
      expect(causeOf(text).id).to.equal(id)
    })
  }

  it('the fix names the reason the agent logged, unescaped', function () {
    const e = entry('level=warning msg="BPF masquerade requires NodePort (--enable-node-port=\\"true\\"). Falling back to iptables-based masquerading." subsys=daemon')
    const fix = conditionOf(e.msg, e.src.text)!.fix(e.src.text)
    expect(fix).to.include('"BPF masquerade requires NodePort (--enable-node-port="true")"').and.to.include('kubeProxyReplacement')
    const tproxy = 'level=warn msg="datapath autodiscovery failed, reverting from netkit to veth" error="netkit devices cannot be used with --enable-bpf-tproxy=true"'
    expect(conditionOf('datapath autodiscovery failed, reverting from netkit to veth', tproxy)!.fix(tproxy)).to.include('bpf.tproxy: false')
  })

  it('the 1.18+ netkit start failure is the netkit kind, the auto-mode warning with the same error is not', function () {
    expect(entry('time=2026-01-01T00:00:00Z level=error msg="failed to start: netkit connector not available: netkit device probe failed, requires kernel 6.7.0+ and CONFIG_NETKIT" module=agent').kind).to.equal('netkit-kernel')
    expect(entry('time=2026-01-01T00:00:00Z level=warn msg="datapath autodiscovery failed, reverting from netkit to veth" error="netkit device probe failed, requires kernel 6.7.0+ and CONFIG_NETKIT"').kind).to.equal('warning')
  })

  it('near misses stay unclaimed: other access-log errors, a lease read that worked, a plain klog info line', function () {
    const refused = entry('[2018-03-04 22:59:51.822][388][warning][router] accesslog.cc:171] Cilium access log send failed: Connection refused')
    expect(conditionOf(refused.msg, refused.src.text)).to.equal(undefined)
    expect(parseAgentLog('I0421 14:58:51.838219     579 leaderelection.go:243] attempting to acquire leader lease  kube-system/cilium-operator-resource-lock...\n', 'k.log').entries).to.have.length(0)
    expect(parseAgentLog('[2025-04-17 08:15:10.888][7][info][main] [external/envoy/source/server/server.cc:426] initializing epoch 0\n', 'e.log').entries).to.have.length(0)
  })

  it('pod/container prefixes (stern, kubectl --prefix) are read past, with the kubectl timestamp behind them', function () {
    const log = parseAgentLog([
      'cilium-rrl5g cilium-agent 2024-03-27T11:57:33.669955939Z level=warning msg="hubble events queue is full: dropping messages; consider increasing the queue size (hubble-event-queue-size) or provisioning more CPU" subsys=hubble',
      '[pod/cilium-rrl5g/cilium-agent] level=error msg="x" subsys=daemon',
      'cilium-rrl5g cilium-agent level=info msg="ok" subsys=daemon',
    ].join('\n'), 'p.log')
    expect(log.entries.map((e) => [e.level, e.time])).to.deep.equal([['warning', '2024-03-27T11:57:33.669955939Z'], ['error', undefined]])
    expect(log.levels).to.deep.equal({warning: 1, error: 1, info: 1})
  })

  it('every condition has a URL and a fix that names something to change', function () {
    for (const c of LOG_CONDITIONS) {
      expect(c.url, c.id).to.match(/^https:\/\//)
      expect(c.fix('').length, c.id).to.be.greaterThan(20)
    }
  })
})
