import {expect} from 'chai'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {parseStatusJson} from '../../src/parse/status-json.js'
import {AgentStatus} from '../../src/snapshot/schema.js'
import {FIXTURES_DIR, readReference, requireReference} from '../helpers/reference.js'

function parse(text: string, file = 'status.json'): AgentStatus {
  const r = parseStatusJson(text, file)
  AgentStatus.parse(r)
  return r
}

const fixture = (name: string) => readFileSync(join(FIXTURES_DIR, 'parse', 'status', name), 'utf8')
/** MarshalIndent-equivalent pretty printing, as cilium-dbg prints it. */
const pretty = (doc: unknown) => JSON.stringify(doc, null, 2)

describe('parseStatusJson: real sample', function () {
  before(function () { requireReference(this) })

  it('1.16 --verbose -o json (cut mid-document): reported as invalid, nothing invented', function () {
    const text = readReference('status-json_1.16_issue35873-verbose-o-json-TRUNCATED.json')
    const r = parse(text)
    expect(r.format).to.equal('json')
    expect(r.cilium).to.equal(undefined)
    expect(r.bpfMaps).to.equal(undefined)
    expect(r.unrecognized).to.have.length(1)
    expect(r.unrecognized[0].text).to.match(/^not valid JSON .*cilium-dbg status -o json$/)
  })

  it('1.16 sample closed after its last complete map entry: its real keys are read', function () {
    const text = readReference('status-json_1.16_issue35873-verbose-o-json-TRUNCATED.json')
    const cut = text.lastIndexOf('}')
    const r = parse(`${text.slice(0, cut + 1)}]}}`, 'cut.json')
    expect(r.unrecognized).to.deep.equal([])
    expect(r.attachMode).to.deep.include({value: 'TCX'}) // "tcx" printed the way the text form does
    expect(r.attachMode!.src).to.deep.equal({file: 'cut.json', line: 2, text: '"attach-mode": "tcx",'})
    expect(r.bandwidthManager).to.include({enabled: false, text: 'Disabled'}) // "devices": null
    expect(r.bpfMaps).to.include({dynamicSizing: true, ratio: 0.0025})
    expect(r.bpfMaps!.src.line).to.equal(9)
    expect(r.bpfMaps!.maps.map((m) => [m.name, m.id, m.size])).to.deep.equal([
      ['Auth', 'auth', 524288],
      ['Non-TCP connection tracking', 'ct-any', 65536],
      ['TCP connection tracking', 'ct-tcp', 131072],
      ['Endpoint policy', 'endpoints', 65535], // 1.16: no "Endpoints" row, so this is the lxc map
      ['IP cache', 'ipcache', 512000],
    ])
    expect(r.bpfMaps!.maps[3].src).to.deep.include({line: 25, text: '"name": "Endpoint policy",'})
  })
})

describe('parseStatusJson: synthetic documents', function () {
  it('1.18-shaped verbose document: every section normalized to the text vocabulary, with key lines', function () {
    const r = parse(fixture('synthetic-1.18-verbose.json'), 'agent.json')
    expect(r.unrecognized).to.deep.equal([])
    expect(r.format).to.equal('json')
    expect(r.verbose).to.equal(true)
    expect(r.earlyExit).to.equal(false)
    expect(r.cilium).to.include({state: 'Ok', version: '1.18.3'})
    expect(r.cilium!.src).to.deep.equal({file: 'agent.json', line: 62, text: '"cilium": {'})
    expect(r.kvstore).to.include({state: 'Disabled', message: ''})
    expect(r.kubernetes!.message).to.equal('1.33 (v1.33.1) [linux/amd64]')
    // the agent pre-fills deviceList IPs with empty strings: dropped
    expect(r.kubeProxyReplacement).to.deep.include({
      mode: 'True', enabled: true, devices: [{name: 'eth0', ips: ['172.18.0.3', 'fc00:f853:ccd:e793::3'], directRouting: true}],
    })
    const kd = Object.fromEntries(r.kprDetails!.map((k) => [k.key, k.value]))
    expect(kd).to.include({
      'Status': 'True', 'Socket LB': 'Enabled', 'Socket LB Coverage': 'Full', 'Mode': 'SNAT',
      'Backend Selection': 'Maglev (Table Size: 16381)', 'XDP Acceleration': 'Disabled',
      'Services.NodePort': 'Enabled (Range: 30000-32767)', 'Annotations': 'service.cilium.io/node, service.cilium.io/type',
    })
    expect(r.kprDetails!.find((k) => k.key === 'Status')!.src.text).to.equal('"mode": "True"')
    expect(r.staleStatus!.text).to.equal('"cilium-health-ep" since 2026-01-01T00:10:05.000Z')
    expect(r.nodeMonitor).to.include({lost: 12, text: 'Listening for events on 8 CPUs with 64x4096 of shared memory'})
    expect(r.healthDaemon).to.include({state: 'Ok'})
    expect(r.healthDaemon!.src.text).to.equal('"ciliumHealth": {')
    expect(r.ipam!.pools).to.deep.equal([{family: 'IPv4', used: 2, total: 254, cidr: '10.244.1.0/24'}])
    expect(r.clusterMesh).to.include({ready: 1, total: 2})
    expect(r.bigTcp!.ipv4!.enabled).to.equal(false)
    expect(r.bigTcp!.ipv6!.enabled).to.equal(true)
    expect(r.bandwidthManager).to.include({enabled: true, text: 'EDT with BPF [BBR] [eth0]'})
    expect(r.routing).to.deep.include({network: 'Tunnel', tunnelProtocol: 'vxlan', host: 'Legacy'})
    expect(r.attachMode!.value).to.equal('TCX')
    expect(r.deviceMode).to.include({value: 'veth'})
    expect(r.masquerading).to.include({mode: 'BPF', text: 'BPF   10.244.0.0/16 [IPv4: Enabled, IPv6: Disabled]'})
    expect(r.controllers).to.include({healthy: 2, total: 3})
    expect(r.controllers!.rows[0]).to.deep.include({
      name: 'cilium-health-ep', failureCount: 3, lastSuccess: '2026-01-01T00:08:00.000Z', lastError: '2026-01-01T00:10:00.000Z',
      message: 'Get "http://10.244.1.9:4240/hello": context deadline exceeded',
    })
    expect(r.controllers!.rows[0].src).to.deep.equal({file: 'agent.json', line: 112, text: '"name": "cilium-health-ep",'})
    expect(r.controllers!.rows).to.have.length(1) // the two healthy rows are counted, not kept
    expect(r.proxy!.text).to.equal('OK, ip 10.244.1.1, 2 redirects active on ports 10000-20000, Envoy: external')
    expect(r.hubble).to.include({state: 'Ok', currentFlows: 4095, maxFlows: 4095, flowsPerSecond: 10, metrics: 'Ok (Server listening on :9965)'})
    expect(r.bpfMaps).to.include({dynamicSizing: true, ratio: 0.0025})
    const ids = Object.fromEntries(r.bpfMaps!.maps.map((m) => [m.id, m.size]))
    expect(ids).to.include({'endpoints': 65535, 'policy': 16384, 'policy-stats': 65536, 'ct-tcp': 147056})
    expect(r.encryption).to.include({mode: 'Disabled', text: 'Disabled'})
    expect(r.clusterHealth).to.equal(undefined) // not part of StatusResponse
    expect(r.modulesHealth).to.equal(undefined)
  })

  it('1.14-shaped document: host-routing, hubble.metrics, Strict KPR with names only, masquerading off', function () {
    const r = parse(pretty({
      'cilium': {msg: 'OK', state: 'Ok'},
      'controllers': [],
      'host-routing': {mode: 'BPF'},
      'hubble': {metrics: {state: 'Disabled'}, msg: 'Current/Max Flows: 10/4095', state: 'Ok'},
      'kube-proxy-replacement': {devices: ['eth0', 'eth1'], directRoutingDevice: 'eth1', mode: 'Strict'},
      'masquerading': {enabled: false},
    }))
    expect(r.cilium!.version).to.equal(undefined)
    expect(r.routing).to.deep.include({host: 'BPF'})
    expect(r.routing!.network).to.equal(undefined)
    expect(r.hubble).to.include({state: 'Ok', metrics: 'Disabled'})
    expect(r.kubeProxyReplacement!.devices).to.deep.equal([
      {name: 'eth0', ips: [], directRouting: false}, {name: 'eth1', ips: [], directRouting: true},
    ])
    expect(r.masquerading).to.include({mode: 'Disabled'})
    expect(r.controllers).to.deep.include({healthy: 0, total: 0, rows: []})
    expect(r.verbose).to.equal(false)
  })

  it('ratio outside (0,1] means dynamic sizing off; masquerading follows the text printer\'s decisions', function () {
    expect(parse(pretty({'bpf-maps': {'dynamic-size-ratio': 0, 'maps': []}})).bpfMaps!.dynamicSizing).to.equal(false)
    const masq = (m: object) => parse(pretty({masquerading: m})).masquerading!
    expect(masq({'enabled': true, 'enabledProtocols': {ipv4: true}, 'ip-masq-agent': true, 'mode': 'BPF'}).mode).to.equal('BPF (ip-masq-agent)')
    expect(masq({enabled: true, enabledProtocols: {ipv4: true, ipv6: true}, mode: 'iptables'})).to.include({
      mode: 'IPTables', text: 'IPTables [IPv4: Enabled, IPv6: Enabled]',
    })
    expect(masq({enabled: true, enabledProtocols: {}, mode: 'BPF'}).mode).to.equal('Disabled') // no family enabled
    expect(masq({enabled: true}).mode).to.equal('Enabled') // agents without enabledProtocols
    expect(masq({}).mode).to.equal('Disabled')
  })

  it('a recovered controller keeps its last failure message; hubble msg and odd enum values as printed', function () {
    const r = parse(pretty({
      'attach-mode': 'tc',
      'controllers': [{name: 'k8s-heartbeat', status: {'consecutive-failure-count': 0, 'last-failure-msg': 'timeout', 'last-success-timestamp': '2026-01-01T00:00:00.000Z'}}],
      'datapath-mode': 'something-new',
      'hubble': {msg: 'Server not initialized', state: 'Warning'},
    }))
    expect(r.controllers).to.include({healthy: 1, total: 1})
    expect(r.controllers!.rows).to.deep.equal([]) // recovered (0 failures): counted as healthy, not kept
    expect(r.hubble).to.include({state: 'Warning', text: 'Warning Server not initialized'})
    expect(r.attachMode!.value).to.equal('Legacy TC')
    expect(r.deviceMode!.value).to.equal('?')
  })

  it('compact (one-line) JSON still parses; lines are then 1', function () {
    const r = parse(JSON.stringify({cilium: {msg: '1.17.4 (v1.17.4-abc)', state: 'Warning'}}))
    expect(r.cilium).to.include({state: 'Warning', version: '1.17.4'})
    expect(r.cilium!.src.line).to.be.oneOf([0, 1])
  })

  it('invalid input: one unrecognized entry, never a throw', function () {
    for (const input of ['', '{', 'KVStore: Ok', '\u0000\u00ff', '[1,2]', 'null', '42']) {
      const r = parse(input)
      expect(r.unrecognized, input).to.have.length(1)
      expect(r.cilium).to.equal(undefined)
    }
    expect(parse('[1]').unrecognized[0].text).to.match(/expected a JSON object .* got an array/)
  })

  it('wrongly typed values are ignored, not trusted', function () {
    const r = parse(pretty({'cilium': {state: 7}, 'controllers': 'nope', 'bpf-maps': {maps: [{name: 'NAT', size: 'big'}, null]}, 'ipam': {status: 5}}))
    expect(r.cilium).to.equal(undefined)
    expect(r.controllers).to.equal(undefined)
    expect(r.bpfMaps!.maps).to.deep.equal([])
    expect(r.ipam).to.equal(undefined)
  })
})
