import {expect} from 'chai'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {parseStatusText} from '../../src/parse/status-text.js'
import {AgentStatus} from '../../src/snapshot/schema.js'
import {FIXTURES_DIR, readReference, requireReference} from '../helpers/reference.js'

function parse(text: string, file = 'status.txt'): AgentStatus {
  const r = parseStatusText(text, file)
  AgentStatus.parse(r)
  return r
}

const ref = (name: string) => parse(readReference(name), name)
const fixture = (name: string) => readFileSync(join(FIXTURES_DIR, 'parse', 'status', name), 'utf8')
const sizes = (r: AgentStatus) => Object.fromEntries((r.bpfMaps?.maps ?? []).map((m) => [m.id === 'other' ? m.name : m.id, m.size]))

describe('parseStatusText: real samples', function () {
  before(function () { requireReference(this) })

  it('1.10.0 verbose baseline: Strict KPR, Host Routing Legacy, old map names, word-form health row', function () {
    const f = 'status-verbose_1.10.0_baseline-minikube.txt'
    const r = ref(f)
    expect(r.unrecognized).to.deep.equal([])
    expect(r.verbose).to.equal(true)
    expect(r.earlyExit).to.equal(false)
    expect(r.kvstore).to.include({state: 'Ok', message: 'Disabled'})
    expect(r.kubernetes).to.include({state: 'Ok', message: '1.20 (v1.20.2) [linux/amd64]'})
    expect(r.cilium).to.include({state: 'Ok', version: '1.10.0'})
    expect(r.cilium!.src).to.deep.equal({file: f, line: 5, text: 'Cilium:                 Ok   1.10.0 (v1.10.0-952d9d3)'})
    expect(r.kubeProxyReplacement).to.deep.include({
      mode: 'Strict', enabled: true, devices: [{name: 'eth1', ips: ['192.168.99.102'], directRouting: true}],
    })
    expect(r.ipam!.pools).to.deep.equal([{family: 'IPv4', used: 2, total: 254, cidr: '10.0.0.0/24'}])
    expect(r.routing).to.include({host: 'Legacy'})
    expect(r.routing!.network).to.equal(undefined)
    expect(r.masquerading).to.include({mode: 'BPF'})
    expect(r.controllers).to.include({healthy: 19, total: 19})
    expect(r.controllers!.rows).to.deep.equal([]) // healthy rows are counted, not kept
    expect(r.verbose).to.equal(true) // the idle rows still say --verbose
    expect(r.hubble).to.include({state: 'Ok', currentFlows: 1802, maxFlows: 4095, flowsPerSecond: 0.2, metrics: 'Disabled'})
    expect(r.kprDetails!.find((k) => k.key === 'Socket LB Protocols')!.value).to.equal('TCP, UDP')
    expect(r.kprDetails!.find((k) => k.key === 'Services.NodePort')!.value).to.equal('Enabled (Range: 30000-32767)')
    expect(r.bpfMaps).to.include({dynamicSizing: true, ratio: 0.0025})
    expect(r.bpfMaps!.maps).to.have.length(23)
    // ≤1.17 names: "Endpoint policy" is the lxc map, "Global policy" the policy map
    expect(sizes(r)).to.include({'endpoints': 65535, 'policy': 16384, 'ipmasq4': 16384, 'tunnel': 65536, 'Events': 8, 'Per endpoint policy': 65536})
    expect(r.encryption).to.include({mode: 'Disabled'})
    expect(r.clusterHealth).to.include({reachable: 1, total: 1})
    expect(r.clusterHealth!.nodes).to.have.length(1)
    expect(r.clusterHealth!.nodes[0]).to.include({
      name: 'minikube', localhost: true, host: 'reachable', endpoints: 'reachable', hostOk: true, endpointsOk: true,
    })
    expect(r.clusterHealth!.nodes[0].ips).to.deep.equal(['192.168.99.102'])
    expect(r.modulesHealth).to.equal(undefined) // 1.10 has no Modules Health
  })

  it('1.11.0 verbose head: Strict with padded devices, IPTables masquerading, controller table cut after one row', function () {
    const r = ref('status-verbose_1.11.0_issue18347-hostfw-enabled-strict-TRUNCATED.txt')
    expect(r.cilium!.version).to.equal('1.11.0')
    expect(r.kubeProxyReplacement!.devices).to.deep.equal([{name: 'eth1', ips: ['192.168.33.20'], directRouting: true}])
    expect(r.ipam!.pools[0]).to.deep.equal({family: 'IPv4', used: 3, total: 254, cidr: '172.16.1.0/24'})
    expect(r.masquerading).to.include({mode: 'IPTables'})
    expect(r.controllers).to.include({healthy: 24, total: 24})
    expect(r.controllers!.rows).to.deep.equal([]) // the one printed row is healthy
    expect(r.routing!.host).to.equal('Legacy')
  })

  it('1.15.1 plain head: KPR True with the 1-IP device spacing quirk, cut at an empty IPAM line', function () {
    const r = ref('status_1.15.1_issue30910-head-TRUNCATED.txt')
    expect(r.verbose).to.equal(false)
    expect(r.cilium).to.include({state: 'Ok', version: '1.15.1'})
    expect(r.kubeProxyReplacement).to.deep.include({mode: 'True', enabled: true})
    expect(r.kubeProxyReplacement!.devices).to.deep.equal([{name: 'enp0s4', ips: ['10.4.1.6'], directRouting: true}])
    expect(r.nodeMonitor!.text).to.match(/on 10 CPUs/)
    expect(r.ipam).to.equal(undefined)
    expect(r.unrecognized).to.deep.equal([{line: 10, text: 'IPAM:'}])
  })

  it('1.15.2 fragment: KPR details without header, dynamic CT/NAT sizes, Tunnel map', function () {
    const r = ref('status-verbose_1.15.2_issue31567-kpr-bpfmaps-FRAGMENT.txt')
    expect(r.kprDetails!.find((k) => k.key === 'Graceful Termination')!.value).to.equal('Enabled')
    expect(r.kprDetails!.find((k) => k.key === 'Services.HostPort')!.value).to.equal('Enabled')
    expect(r.bpfMaps!.maps).to.have.length(21)
    expect(sizes(r)).to.include({'ct-tcp': 9486680, 'ct-any': 4743340, 'nat': 9486680, 'neigh': 9486680, 'sock-revnat': 4743340, 'endpoints': 65535, 'policy': 16384, 'tunnel': 65536})
    expect(r.encryption!.mode).to.equal('Disabled')
    // the fragment ends on an empty "Cluster health:" header
    expect(r.clusterHealth).to.equal(undefined)
    expect(r.unrecognized).to.deep.equal([{line: 35, text: 'Cluster health:'}])
  })

  it('1.15.6 verbose head: 2-IP device, 128 CPUs, [restored] owners, BIG TCP', function () {
    const r = ref('status-verbose_1.15.6_issue33669-head-TRUNCATED.txt')
    expect(r.cilium!.version).to.equal('1.15.6')
    expect(r.kubeProxyReplacement!.devices).to.deep.equal([
      {name: 'ens192', ips: ['192.168.221.125', 'fe80::250:56ff:fe92:e8a3'], directRouting: true},
    ])
    expect(r.nodeMonitor!.text).to.match(/128 CPUs/)
    expect(r.healthDaemon).to.include({state: 'Ok', message: ''})
    expect(r.ipam!.pools[0]).to.include({used: 4, total: 254})
    expect(r.bigTcp!.ipv4!.enabled).to.equal(false)
    expect(r.verbose).to.equal(true) // Allocated addresses
    expect(r.unrecognized).to.deep.equal([{line: 19, text: 'IPv6'}]) // cut mid-label
  })

  it('1.16 plain fragment: 7/8 reachable, word-form unhealthy row, 3-state modules summary', function () {
    const r = ref('status_1.16_k8s-snap1495-health-endpoint-unreachable-FRAGMENT.txt')
    expect(r.clusterHealth).to.include({reachable: 7, total: 8})
    expect(r.clusterHealth!.nodes).to.have.length(1)
    expect(r.clusterHealth!.nodes[0]).to.include({
      name: 'juju-8966e0-1-lxd-3', localhost: false, host: 'reachable', endpoints: 'unreachable', hostOk: true, endpointsOk: false,
    })
    expect(r.clusterHealth!.nodes[0].ips).to.deep.equal(['10.0.120.206'])
    expect(r.modulesHealth).to.include({stopped: 0, degraded: 0, ok: 52})
    expect(r.modulesHealth!.unknown).to.equal(undefined)
    expect(r.modulesHealth!.modules).to.deep.equal([])
    expect(r.unrecognized).to.deep.equal([{line: 1, text: '[..]'}])
  })

  it('1.17 fragment: KPR False taken from the details table, Hubble ring 100% full, cut ratio', function () {
    const r = ref('status-verbose_1.17_issue23517-kpr-false-annotations-FRAGMENT.txt')
    expect(r.kubeProxyReplacement).to.deep.include({mode: 'False', enabled: false, devices: []})
    expect(r.hubble).to.include({currentFlows: 4095, maxFlows: 4095, flowsPerSecond: 9.52})
    expect(r.proxy!.text).to.match(/Envoy: external$/)
    expect(r.kprDetails!.find((k) => k.key === 'Annotations')!.value).to.equal('service.cilium.io/node, service.cilium.io/type')
    expect(r.bpfMaps).to.include({dynamicSizing: true, ratio: 0.0025})
    // orphan controller rows (the header was not in the fragment) are reported, not invented
    expect(r.controllers).to.equal(undefined)
    expect(r.unrecognized.map((u) => u.line)).to.deep.equal([1, 2, 3, 4, 5])
  })

  it('1.17.6-cee.1 verbose: BPF host routing, TCX, 1.17 health header, verbose node blocks, enterprise-agent tree', function () {
    const r = ref('status-verbose_1.17.6-cee.1_isovalent-native-bpf-tcx-TRUNCATED-unattributed.txt')
    expect(r.unrecognized).to.deep.equal([])
    expect(r.kvstore).to.include({state: 'Disabled', message: ''})
    expect(r.kubernetes!.message).to.equal('1.33 (v1.33.3) [linux/amd64]')
    expect(r.cilium!.version).to.equal('1.17.6-cee.1')
    expect(r.routing).to.include({network: 'Native', host: 'BPF'})
    expect(r.attachMode!.value).to.equal('TCX')
    expect(r.deviceMode).to.include({value: 'veth'})
    expect(r.masquerading!.mode).to.equal('BPF')
    expect(r.controllers).to.include({healthy: 36, total: 36})
    expect(r.controllers!.rows).to.deep.equal([])
    expect(r.hubble).to.include({currentFlows: 2570, maxFlows: 4095, flowsPerSecond: 1.51})
    expect(sizes(r)).to.include({'endpoints': 65535, 'policy': 16384, 'ratelimit-metrics': 64})
    expect(r.clusterHealth).to.include({reachable: 3, total: 3})
    expect(r.clusterHealth!.nodes.map((n) => n.name)).to.deep.equal(['k8s-node-3', 'k8s-node-1', 'k8s-node-2'])
    expect(r.clusterHealth!.nodes[0]).to.include({localhost: true, host: '2/2', endpoints: '2/2', hostOk: true, endpointsOk: true})
    expect(r.clusterHealth!.nodes[1].ips).to.deep.equal(['10.75.59.81'])
    const m = r.modulesHealth!
    // the 1.16–1.17 verbose form prints no summary: the counts come from the tree (47 OK leaves, the
    // last one cut inside its line), and OK leaves are counted, not kept
    expect(m).to.include({ok: 47, degraded: 0, stopped: 0})
    expect(m.modules).to.deep.equal([])
    expect(m.src.text).to.equal('Modules Health:')
  })

  it('1.18.0 verbose: Tunnel [vxlan] + Legacy, 1.18 map names, 1/2 reachable with a timed-out endpoint, STOPPED modules at a 136-col margin', function () {
    const r = ref('status-verbose_1.18.0_health-endpoint-timeout-vxlan-legacy-TRUNCATED-unattributed.txt')
    expect(r.unrecognized).to.deep.equal([])
    expect(r.cilium!.version).to.equal('1.18.0')
    expect(r.kubeProxyReplacement!.devices).to.deep.equal([
      {name: 'ens18', ips: ['91.217.196.183', 'fe80::be24:11ff:fe70:1081'], directRouting: true},
    ])
    expect(r.routing).to.deep.include({network: 'Tunnel', tunnelProtocol: 'vxlan', host: 'Legacy'})
    expect(r.attachMode!.value).to.equal('Legacy TC')
    expect(r.controllers).to.include({healthy: 35, total: 35})
    expect(r.controllers!.rows).to.deep.equal([])
    expect(r.kprDetails!.find((k) => k.key === 'Graceful Termination')).to.equal(undefined) // removed in 1.18
    // 1.18+ names: "Endpoints" is the lxc map, "Endpoint policy" the per-endpoint policy map
    expect(sizes(r)).to.include({'endpoints': 65535, 'policy': 16384, 'policy-stats': 65530, 'ct-tcp': 147056, 'ct-any': 73528, 'nat': 147056, 'sock-revnat': 73528})
    expect(r.bpfMaps!.maps.find((m) => m.name === 'Endpoint policy')!.id).to.equal('policy')
    expect(r.clusterHealth).to.include({reachable: 1, total: 2})
    expect(r.clusterHealth!.text).to.match(/Probe interval: 1m36.566274746s/)
    const [local, master] = r.clusterHealth!.nodes
    expect(local).to.include({name: 'k8s-worker-n1', localhost: true, hostOk: true, endpointsOk: true})
    expect(master).to.include({name: 'k8s-master-n1', localhost: false, host: '2/2', endpoints: '0/2', hostOk: true, endpointsOk: false})
    expect(master.ips).to.deep.equal(['91.217.196.189'])
    const m = r.modulesHealth!
    expect(m).to.include({ok: 41, degraded: 0, stopped: 8}) // no summary line: counted from the tree
    expect(m.modules).to.have.length(8)
    expect(m.modules.every((x) => x.level === 'STOPPED')).to.equal(true)
    expect(m.modules.find((x) => x.name === 'job-proxy-bootstrapper')).to.include({
      path: 'agent.controlplane.fqdn.dns-proxy.job-proxy-bootstrapper', level: 'STOPPED', age: '2m59s', count: 1,
    })
    // child of a last-child ancestor ("└── namemanager"): depth measured from the root column
    expect(m.modules.find((x) => x.name === 'job-remove-restored-prefixes')).to.include({
      path: 'agent.controlplane.fqdn.namemanager.job-remove-restored-prefixes', age: '3m', count: 1,
    })
    expect(m.modules.map((x) => x.path)).to.include('agent.controlplane.l2-announcer.job-l2-announcer-lease-gc')
  })

  it('1.18.7 plain EKS: 6/14 ENI IPAM, two KPR devices, Masquerading Disabled, 1/3 reachable with 0/1 rows, Stopped(12)', function () {
    const f = 'status_1.18.7_health-1of3-masq-disabled-eks.txt'
    const r = ref(f)
    expect(r.unrecognized).to.deep.equal([])
    expect(r.verbose).to.equal(false)
    expect(r.earlyExit).to.equal(false)
    expect(r.cilium).to.include({state: 'Ok', message: '1.18.7 (v1.18.7-2adae214)', version: '1.18.7'})
    expect(r.kubernetes!.message).to.equal('1.34 (v1.34.4-eks-f69f56f) [linux/amd64]')
    expect(r.kubeProxyReplacement!.devices).to.deep.equal([
      {name: 'ens5', ips: ['10.0.10.206', 'fe80::415:62ff:fe24:a815'], directRouting: true},
      {name: 'ens6', ips: ['10.0.10.91', 'fe80::40b:e8ff:fe94:c59f'], directRouting: false},
    ])
    expect(r.ipam!.pools).to.deep.equal([{family: 'IPv4', used: 6, total: 14}])
    expect(r.routing).to.deep.include({network: 'Native', host: 'BPF'})
    expect(r.masquerading).to.include({mode: 'Disabled'})
    expect(r.controllers).to.deep.include({healthy: 38, total: 38, rows: []})
    expect(r.hubble).to.include({state: 'Ok', currentFlows: 4095, maxFlows: 4095, flowsPerSecond: 8.09})
    expect(r.clusterHealth).to.include({reachable: 1, total: 3})
    expect(r.clusterHealth!.src.line).to.equal(25)
    expect(r.clusterHealth!.nodes.map((n) => [n.name, n.ips[0], n.host, n.endpoints, n.hostOk, n.endpointsOk])).to.deep.equal([
      ['ip-10-0-10-244.ap-southeast-1.compute.internal', '10.0.10.244', '0/1', '0/1', false, false],
      ['ip-10-0-10-72.ap-southeast-1.compute.internal', '10.0.10.72', '0/1', '0/1', false, false],
    ])
    expect(r.clusterHealth!.nodes[1].src).to.deep.equal({
      file: f, line: 28, text: 'ip-10-0-10-72.ap-southeast-1.compute.internal    10.0.10.72      0/1                      0/1',
    })
    expect(r.modulesHealth).to.deep.include({stopped: 12, degraded: 0, ok: 77, modules: []})
  })

  it('1.19.3 verbose head: dual-stack IPAM with an unsafe-integer IPv6 total, 3-IP device spacing', function () {
    const r = ref('status-verbose_1.19.3_issue45252-head-TRUNCATED.txt')
    expect(r.cilium!.version).to.equal('1.19.3')
    expect(r.kubernetes!.message).to.equal('1.35 (v1.35.0) [linux/arm64]')
    expect(r.kubeProxyReplacement!.devices).to.deep.equal([
      {name: 'eth0', ips: ['172.19.0.2', 'fc00:c111::2', 'fe80::7858:ebff:fe67:781a'], directRouting: true},
    ])
    expect(r.ipam!.pools).to.deep.equal([
      {family: 'IPv4', used: 4, total: 254, cidr: '10.1.1.0/24'},
      {family: 'IPv6', used: 4, total: Number.MAX_SAFE_INTEGER, cidr: 'fd00:10:1:1::/64'},
    ])
  })

  it('1.19 routing/controllers fragment: Tunnel [vxlan], TCX, table cut mid-row', function () {
    const r = ref('status-verbose_1.19_issue45252-routing-controllers-FRAGMENT.txt')
    expect(r.routing).to.deep.include({network: 'Tunnel', tunnelProtocol: 'vxlan', host: 'Legacy'})
    expect(r.attachMode!.value).to.equal('TCX')
    expect(r.controllers).to.include({healthy: 38, total: 38})
    expect(r.controllers!.rows).to.deep.equal([]) // six healthy rows, counted in the header only
    // the cut last row is reported, neither invented as a controller nor glued to the row above
    expect(r.unrecognized).to.deep.equal([{line: 14, text: 'endpoint-2988-regeneration-recovery'}])
  })

  it('1.19 KPR tail/BPF maps/health fragment: 1.18+ names, 2/2 reachable with no rows', function () {
    const r = ref('status-verbose_1.19_issue45252-kpr-tail-bpfmaps-health-FRAGMENT.txt')
    expect(r.kprDetails!.find((k) => k.key === 'Annotations')!.value).to.equal('(n/a)')
    expect(sizes(r)).to.include({'endpoints': 65535, 'policy': 16384, 'policy-stats': 65536, 'ratelimit-metrics': 64})
    expect(r.bpfMaps!.maps).to.have.length(22)
    expect(r.clusterHealth).to.deep.include({reachable: 2, total: 2, nodes: []})
    expect(r.unrecognized).to.deep.equal([])
  })

  it('1.19 modules-tree fragment without a root: leaves still parsed with their level and counts', function () {
    const r = ref('status-verbose_1.19_issue45252-modules-tree-FRAGMENT.txt')
    const m = r.modulesHealth!
    expect(m).to.include({ok: 7, degraded: 0, stopped: 0})
    expect(m.modules).to.deep.equal([])
    expect(m.src.line).to.equal(1)
    expect(r.unrecognized).to.deep.equal([])
  })

  it('1.19 "before" PR #46739 shape: root on the Modules Health line, huge margin', function () {
    const r = ref('status-verbose_1.19_pr46739-modules-health-before-FRAGMENT.txt')
    const m = r.modulesHealth!
    expect(m).to.include({ok: 1, degraded: 0, stopped: 0}) // from the one OK leaf, which is not kept
    expect(m.modules).to.deep.equal([])
    expect(m.src.line).to.equal(2)
  })

  it('1.20-dev "after" PR #46739 shape: summary always printed, 2-space tree', function () {
    const r = ref('status-verbose_1.20-dev_pr46739-modules-health-after-FRAGMENT.txt')
    expect(r.modulesHealth).to.include({stopped: 0, degraded: 0, ok: 90})
    expect(r.modulesHealth!.modules).to.deep.equal([]) // the fragment ends on an interior node
    expect(r.verbose).to.equal(true)
  })
})

describe('parseStatusText: synthetic cases', function () {
  it('degraded 1.20-dev verbose: failing controllers, DEGRADED modules, lost events, clustermesh, netkit configured', function () {
    const r = parse(fixture('synthetic-degraded-1.20-dev-verbose.txt'), 'syn.txt')
    expect(r.unrecognized).to.deep.equal([])
    expect(r.earlyExit).to.equal(false)
    expect(r.cilium!.version).to.equal('1.20.0-dev')
    expect(r.staleStatus!.text).to.match(/^"controller-health" since/)
    expect(r.nodeMonitor!.lost).to.equal(1542)
    expect(r.ipam!.pools.map((p) => [p.family, p.used, p.total])).to.deep.equal([['IPv4', 250, 254], ['IPv6', 12, 65534]])
    expect(r.clusterMesh).to.include({ready: 1, total: 2})
    expect(r.bigTcp!.ipv4!.enabled).to.equal(true)
    expect(r.bigTcp!.ipv6!.enabled).to.equal(false)
    expect(r.bandwidthManager).to.include({enabled: true, text: 'EDT with BPF [BBR] [eth0]'})
    expect(r.routing).to.deep.include({network: 'Tunnel', tunnelProtocol: 'geneve', host: 'BPF'})
    expect(r.deviceMode).to.deep.include({value: 'netkit', configured: 'auto'})
    expect(r.masquerading!.mode).to.equal('BPF (ip-masq-agent)')
    // a dangling ", " after the last device is dropped
    expect(r.kubeProxyReplacement!.devices).to.deep.equal([
      {name: 'eth0', ips: ['192.0.2.10'], directRouting: true},
      {name: 'eth1', ips: ['198.51.100.7', '2001:db8::7'], directRouting: false},
    ])
    expect(r.controllers).to.include({healthy: 33, total: 35})
    const [sync, health] = r.controllers!.rows
    expect(sync).to.include({name: 'bpf-map-sync-cilium_lb4_backends_v3', lastSuccess: 'never', lastError: '4s ago', failureCount: 12, message: '1 map sync errors'})
    expect(health).to.include({name: 'cilium-health-ep', failureCount: 5})
    expect(health.message).to.equal('Get "http://10.20.3.17:4240/hello": context deadline exceeded (Client.Timeout exceeded while awaiting headers)')
    expect(r.hubble).to.include({currentFlows: 65535, maxFlows: 65535, flowsPerSecond: 812.44, metrics: 'Ok (serving on :9965)'})
    expect(r.kprDetails!.find((k) => k.key === 'DSR Dispatch Mode')!.value).to.equal('Geneve')
    expect(r.kprDetails!.find((k) => k.key === 'Backend Selection')!.value).to.equal('Maglev (Table Size: 16381)')
    expect(r.bpfMaps!.dynamicSizing).to.equal(false)
    expect(r.bpfMaps!.ratio).to.equal(undefined)
    expect(r.encryption!.mode).to.equal('Wireguard')
    const [a, b] = r.clusterHealth!.nodes
    expect(a).to.include({name: 'node-a', localhost: true, hostOk: true, endpointsOk: true})
    expect(b).to.include({name: 'node-b', host: '1/3', endpoints: '0/1', hostOk: false, endpointsOk: false})
    expect(b.ips).to.deep.equal(['192.0.2.11', '2001:db8::11'])
    const m = r.modulesHealth!
    expect(m).to.include({stopped: 1, degraded: 2, ok: 5})
    expect(m.modules).to.have.length(3) // the 5 OK leaves are counted only
    expect(m.modules.filter((x) => x.level === 'STOPPED')).to.have.length(1)
    const degraded = m.modules.filter((x) => x.level === 'DEGRADED')
    expect(degraded.map((x) => x.path)).to.deep.equal(['agent.controlplane.loadbalancer-reconciler.job-reconcile', 'agent.datapath.bozo'])
    expect(degraded[0]).to.include({message: '2 objects failed -- map cilium_lb4_backends_v3 is full', age: '12s', count: 40})
    expect(degraded[1].message).to.equal('bozo -- BOOM!')
  })

  it('early exit with Cilium: Failure: earlyExit set, trailing sections absent, multi-line controller message kept', function () {
    const r = parse(fixture('synthetic-early-exit-1.16.txt'))
    expect(r.earlyExit).to.equal(true)
    expect(r.cilium).to.include({state: 'Failure'})
    expect(r.cilium!.version).to.equal(undefined)
    expect(r.kubernetes!.state).to.equal('Failure')
    expect(r.healthDaemon).to.include({state: 'Failure', message: 'cilium-health daemon unreachable'})
    expect(r.kubeProxyReplacement).to.deep.include({mode: 'False', enabled: false, devices: []})
    expect(r.nodeMonitor!.text).to.equal('Disabled')
    expect(r.controllers).to.include({healthy: 20, total: 22})
    expect(r.controllers!.rows[0]).to.include({name: 'k8s-heartbeat', failureCount: 31, lastError: '3s ago'})
    expect(r.controllers!.rows[1].message).to.equal('waiting for k8s caches\nto sync: timed out')
    expect(r.hubble).to.include({state: 'Disabled'})
    expect(r.clusterHealth).to.equal(undefined)
    expect(r.modulesHealth).to.equal(undefined)
    expect(r.verbose).to.equal(false)
    expect(r.unrecognized).to.deep.equal([])
  })

  it('Cilium: Ok or Disabled is not an early exit; the version is read from a failure message too', function () {
    expect(parse('Cilium:   Disabled   \n').earlyExit).to.equal(false)
    expect(parse('Cilium:   Ok   OK\n')).to.deep.include({earlyExit: false})
    expect(parse('Cilium:   Ok   OK\n').cilium!.version).to.equal(undefined)
    const r = parse('Cilium:   Warning   1.18.6 (v1.18.6-7d4d8932)    Kubernetes service is not ready\n')
    expect(r).to.deep.include({earlyExit: true})
    expect(r.cilium!.version).to.equal('1.18.6')
  })

  it('CRLF, ANSI colours and the kubectl "Defaulted container" line keep line numbers exact', function () {
    const text = [
      'Defaulted container "cilium-agent" out of: cilium-agent, config (init), mount-cgroup (init)',
      '\x1b[32mKVStore:\x1b[0m                 Ok   Disabled',
      'Cilium:                  Ok   1.16.5 (v1.16.5-ad688277)',
      'Controller Status:       2/2 healthy',
      '  Name             Last success   Last error   Count   Message',
      '  endpoint-gc      1m2s ago       never        0       no error   ',
      '  k8s-heartbeat    3s ago         never        0       no error   ',
      'Cluster health:          2/2 reachable   (2026-01-01T00:00:00Z)',
      'Modules Health:          Stopped(0) Degraded(0) OK(41)',
    ].join('\r\n') + '\r\n'
    const r = parse(text, 'crlf.txt')
    expect(r.unrecognized).to.deep.equal([])
    expect(r.kvstore!.src).to.deep.equal({file: 'crlf.txt', line: 2, text: 'KVStore:                 Ok   Disabled'})
    expect(r.cilium!.version).to.equal('1.16.5')
    expect(r.controllers).to.deep.include({healthy: 2, total: 2, rows: []})
    expect(r.clusterHealth!.src.line).to.equal(8)
    expect(r.modulesHealth).to.include({ok: 41})
    expect(r.verbose).to.equal(true) // idle controller rows are only listed with --verbose
  })

  it('CI log prefixes ("\\t " or "[timestamp] \\t ") are removed before reading labels', function () {
    const r = parse('[2026-01-01T00:00:00Z] \t KVStore:   Ok   Disabled\n[2026-01-01T00:00:00Z] \t Cilium:   Ok   1.16.1 (v1.16.1-1)\n')
    expect(r.kvstore!.state).to.equal('Ok')
    expect(r.cilium!.version).to.equal('1.16.1')
    expect(r.unrecognized).to.deep.equal([])
    expect(parse('\t Cilium:   Ok   1.15.3 (v1.15.3-x)\n').cilium!.version).to.equal('1.15.3')
  })

  it('--all-redirects proxy table is read as part of Proxy Status', function () {
    const r = parse([
      'Proxy Status:            OK, ip 10.0.0.1, 2 redirects active on ports 10000-20000, Envoy: embedded',
      '  Protocol            Redirect                   Proxy Port',
      '  http                1234:ingress:TCP:8080:     13402',
      '  dns                 5678:egress:UDP:53:        13401',
      'Global Identity Range:   min 256, max 65535',
    ].join('\n'))
    expect(r.proxy!.text).to.match(/2 redirects/)
    expect(r.unrecognized).to.deep.equal([])
    expect(r.verbose).to.equal(true)
  })

  it('cluster health header variants: Probe disabled, Warning, Client error', function () {
    const probe = parse('Cluster health:                          Probe disabled\n').clusterHealth!
    expect(probe).to.deep.include({text: 'Probe disabled', nodes: []})
    expect(probe.reachable).to.equal(undefined)
    const warn = parse('Cluster health:                                   Warning   cilium-health daemon unreachable\n').clusterHealth!
    expect(warn.text).to.equal('Warning   cilium-health daemon unreachable')
    expect(warn.total).to.equal(undefined)
    const client = parse('Cluster health:      Client error: Get "http://localhost/v1beta/status": dial unix /var/run/cilium/health.sock\n').clusterHealth!
    expect(client.text).to.match(/^Client error:/)
  })

  it('cluster health rows: 1.17+ counts with unknown paths and two IPs, ≤1.8 true/false, elision line', function () {
    const text = [
      'Cluster health:   3/5 reachable   (2026-01-01T00:00:00Z)',
      'Name              IP                       Node               Endpoints',
      '  node-1 (localhost)   10.0.0.1,fd00::1   2/2                1/2 (1 unknown)',
      '  node-2               10.0.0.2           0/2                0/0',
      '  ...',
      'Cluster health:   1/2 reachable   (2018-01-01T00:00:00Z)',
      '  Name       IP         Reachable   Endpoints reachable',
      '  old-node   10.0.0.9   false       true',
    ].join('\n')
    const r = parse(text)
    expect(r.unrecognized).to.deep.equal([])
    // two tables in one file (not a real output): the last header wins, rows of both are kept
    expect(r.clusterHealth).to.include({reachable: 1, total: 2})
    const nodes = r.clusterHealth!.nodes
    expect(nodes.map((n) => [n.name, n.localhost, n.ips.join(','), n.host, n.endpoints, n.hostOk, n.endpointsOk])).to.deep.equal([
      ['node-1', true, '10.0.0.1,fd00::1', '2/2', '1/2 (1 unknown)', true, false],
      ['node-2', false, '10.0.0.2', '0/2', '0/0', false, true],
      ['old-node', false, '10.0.0.9', 'false', 'true', false, true],
    ])
  })

  it('1.15 modules: summary with Unknown, and a column-0 tree with a trailing blank line', function () {
    expect(parse('Modules Health:          Stopped(0) Degraded(1) OK(11) Unknown(2)\n').modulesHealth)
      .to.deep.include({stopped: 0, degraded: 1, ok: 11, unknown: 2, modules: []})
    const text = [
      'Modules Health:',
      'agent',
      '├── controlplane',
      '│   └── l2-announcer',
      '│       └── job-l2-announcer-lease-gc      [DEGRADED] lease renewal failed -- context canceled (12s, x3)',
      '└── datapath',
      '    └── iptables                           [OK] in sync (1m, x120)',
      '',
    ].join('\n')
    const r = parse(text)
    expect(r.unrecognized).to.deep.equal([])
    const m = r.modulesHealth!
    expect(m).to.include({ok: 1, degraded: 1, stopped: 0}) // no summary: counted from the tree
    expect(m.modules.map((x) => [x.path, x.level, x.message, x.age, x.count])).to.deep.equal([
      ['agent.controlplane.l2-announcer.job-l2-announcer-lease-gc', 'DEGRADED', 'lease renewal failed -- context canceled', '12s', 3],
    ])
  })

  it('BPF maps: a name collision is resolved per table, and unknown names map to "other"', function () {
    const old = parse('BPF Maps:   dynamic sizing: on (ratio: 0.005000)\n  Name   Size\n  Endpoint policy   65535\n  Global policy   16384\n  Brand new map   7\n')
    expect(old.bpfMaps!.ratio).to.equal(0.005)
    expect(old.bpfMaps!.maps.map((m) => m.id)).to.deep.equal(['endpoints', 'policy', 'other'])
    const recent = parse('BPF Maps:   dynamic sizing: on (ratio: 0.002500)\n  Name   Size\n  Endpoint policy   16384\n  Policy stats   65536\n')
    expect(recent.bpfMaps!.maps.map((m) => m.id)).to.deep.equal(['policy', 'policy-stats'])
  })

  it('unknown labels and stray lines go to unrecognized with their line numbers', function () {
    const r = parse('KVStore:   Ok   Disabled\nFlux Capacitor:   1.21 GW\n   stray indented line\nnot a status line at all\n')
    expect(r.kvstore!.state).to.equal('Ok')
    expect(r.unrecognized).to.deep.equal([
      {line: 2, text: 'Flux Capacitor:   1.21 GW'},
      {line: 3, text: 'stray indented line'},
      {line: 4, text: 'not a status line at all'},
    ])
  })

  it('never throws on empty, garbage or binary input', function () {
    for (const input of ['', '\n\n\n', '\u0000\u0001\u00ff\ufffd'.repeat(50), 'Cilium:', 'Modules Health:   agent\n└──', '│   │   ├── [OK] (,x)']) {
      const r = parse(input)
      expect(r.format).to.equal('text')
    }
    // not a string at all (a caller bug): still an AgentStatus, with the reason recorded
    const r = parseStatusText(undefined as unknown as string, 'x')
    expect(AgentStatus.safeParse(r).success).to.equal(true)
  })

  it('a 5000-node cluster-health table parses completely', function () {
    const rows: string[] = ['Cilium:   Ok   1.18.7 (v1.18.7-2adae214)', 'Cluster health:   0/5000 reachable   (2026-01-01T00:00:00Z)', 'Name   IP   Node   Endpoints']
    for (let i = 0; i < 5000; i++) rows.push(`  node-${i}.example.internal   10.${(i >> 8) & 255}.${i & 255}.7   0/1   0/1`)
    const r = parse(rows.join('\n'))
    expect(r.clusterHealth!.nodes).to.have.length(5000)
    expect(r.clusterHealth!.nodes[4999]).to.include({name: 'node-4999.example.internal', host: '0/1', hostOk: false})
    expect(r.clusterHealth!.nodes[4999].src.line).to.equal(5003)
    expect(r.unrecognized).to.deep.equal([])
  })
})
