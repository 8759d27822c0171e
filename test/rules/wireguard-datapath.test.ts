import {expect} from 'chai'
import {readFileSync} from 'node:fs'
import rule from '../../rules/wireguard-datapath.js'
import {runRule} from '../../src/rules/engine.js'
import {parseEncryptStatus} from '../../src/parse/encrypt-status.js'
import {parseEncryptStatusJson} from '../../src/parse/encrypt-status-json.js'
import type {AgentStatus, EncryptStatus, MetricSample, WireguardPeer} from '../../src/snapshot/schema.js'
import {agent, at, config, snapshot, status} from '../helpers/snapshot.js'
import {ruleTester} from './_rule-tester.js'

// fixtures/resilience/INDEX.md lists the public sample each one imitates
const JSON_FILE = 'debuginfo-encryption-1.16-wireguard-no-handshake.json'
const MD = 'debuginfo-1.10-wireguard-section.md'
const fromJson = () => parseEncryptStatusJson(readFileSync(`fixtures/resilience/${JSON_FILE}`, 'utf8'), JSON_FILE)
const fromMd = () => parseEncryptStatus(readFileSync(`fixtures/resilience/${MD}`, 'utf8'), MD)

const peer = (endpoint: string, handshake: boolean, line: number): WireguardPeer =>
  ({endpoint, handshake, lastHandshake: handshake ? '2026-03-02T10:23:51.417Z' : '0001-01-01T00:00:00.000Z', src: at(`"last-handshake-time": "…"`, line, 'debuginfo.json')})
const wgPeers = (...peers: WireguardPeer[]): EncryptStatus =>
  ({mode: 'Wireguard', errorRows: [], interfaces: [{name: 'cilium_wg0', peerCount: peers.length, peers, src: at('"name": "cilium_wg0"', 5, 'debuginfo.json')}], src: at('"wireguard": {', 2, 'debuginfo.json')})

const wgStatus = (nodeEncryption: string, version = '1.18.6'): AgentStatus => status({
  cilium: {state: 'Ok', message: `${version} (v${version}-0a1b2c3d)`, version, src: at(`Cilium:   Ok   ${version}`, 9, 'status.txt')},
  encryption: {mode: 'Wireguard', text: 'Wireguard', nodeEncryption, interfaces: [{name: 'cilium_wg0', port: 51871, peers: 2}], src: at(`Encryption:   Wireguard   [NodeEncryption: ${nodeEncryption}, …]`, 30, 'status.txt')},
})
const drop = (reason: string, value: number): MetricSample =>
  ({name: 'cilium_drop_count_total', labels: {direction: 'INGRESS', reason}, value, src: at(`cilium_drop_count_total{direction="INGRESS",reason="${reason}"} ${value}`, 41, 'metrics.prom')})
const metrics = (...samples: MetricSample[]) => ({format: 'exposition' as const, unrecognized: [], samples})
const FRAG = 'First logical datagram fragment not found'

ruleTester(rule, {
  valid: [
    {name: 'every peer has a handshake, however old', snapshot: snapshot({agents: [agent('cilium-a', {encrypt: wgPeers(peer('192.0.2.32:51871', true, 16), peer('192.0.2.33:51871', true, 26))})]})},
    {name: 'WireGuard with drops of another reason', snapshot: snapshot({agents: [agent('cilium-a', {status: wgStatus('Enabled'), metrics: metrics(drop('Policy denied', 12), drop(FRAG, 0))})]})},
    {name: 'encrypt status without peer details (Number of peers only)', snapshot: snapshot({agents: [agent('cilium-a', {encrypt: {mode: 'Wireguard', errorRows: [], interfaces: [{name: 'cilium_wg0', peerCount: 2, src: at('Interface: cilium_wg0', 2)}], src: at('Encryption: Wireguard')}})]})},
  ],
  invalid: [
    {
      name: 'debuginfo JSON: one peer of three never handshaked on one agent → medium', messageIds: ['never-handshaked'],
      snap: () => snapshot({agents: [agent('cilium-x9p4t', {encrypt: fromJson()})]}),
      expect: {count: 1, severity: 'medium', agents: ['cilium-x9p4t'], message: /cilium-x9p4t → 192\.0\.2\.33:51871 \(1 of 3\)/, evidence: {line: 28, text: /0001-01-01T00:00:00\.000Z/}, fix: /UDP 51871 in both directions between the node IPs, to and from 192\.0\.2\.33 \(/},
    },
    {
      name: 'debuginfo markdown (1.10): the second peer never handshaked', messageIds: ['never-handshaked'],
      snap: () => snapshot({agents: [agent('cilium-7kq2d', {encrypt: fromMd()})]}),
      expect: {count: 1, severity: 'medium', message: /192\.0\.2\.13:51871 \(1 of 2\)/, evidence: {line: 19}},
    },
    {
      name: 'the same peer unanswered from two agents: that node is at fault → high', messageIds: ['never-handshaked'],
      snapshot: snapshot({agents: [
        agent('cilium-a', {encrypt: wgPeers(peer('192.0.2.32:51871', true, 16), peer('192.0.2.34:51871', false, 26))}),
        agent('cilium-b', {encrypt: wgPeers(peer('192.0.2.31:51871', true, 16), peer('192.0.2.34:51871', false, 26))}),
      ]}),
      expect: {count: 1, severity: 'high', agents: ['cilium-a', 'cilium-b'], message: /Peer 192\.0\.2\.34:51871 is unanswered from several agents/},
    },
    {
      name: 'an agent with no working peer at all: this node is at fault → high', messageIds: ['never-handshaked'],
      snapshot: snapshot({agents: [agent('cilium-c', {encrypt: wgPeers(peer('192.0.2.31:51871', false, 16), peer('192.0.2.32:51871', false, 26))})]}),
      expect: {count: 1, severity: 'high', message: /cilium-c never completed a handshake with any of their peers/},
    },
    {
      name: 'fragment drops, node encryption on, 1.18.6: upgrade and host routes', messageIds: ['fragment-drops'],
      snapshot: snapshot({agents: [agent('cilium-a', {status: wgStatus('Enabled'), metrics: metrics(drop(FRAG, 731))})]}),
      expect: {count: 1, severity: 'medium', agents: ['cilium-a'], message: /^731 packets dropped .* with node-to-node encryption/, evidence: {text: /NodeEncryption: Enabled/}, fix: /Upgrade to Cilium 1\.19\.5.*95.*37919.*encryption\.nodeEncryption=false/, noHelm: true},
    },
    {
      name: 'fragment drops on 1.19.5 without node encryption and a hand-set MTU: the MTU, no upgrade', messageIds: ['fragment-drops'],
      snapshot: snapshot({agents: [agent('cilium-a', {status: wgStatus('Disabled', '1.19.5'), metrics: metrics(drop(FRAG, 40))})], cluster: {config: config({'enable-wireguard': 'true', mtu: '1450'})}}),
      expect: [{count: 1, fix: /set by hand \(1450\)/}, {fix: /^(?![\s\S]*Upgrade)/}],
    },
    {
      name: 'fragment drops, no known cause: says so and what would decide it', messageIds: ['fragment-drops'],
      snapshot: snapshot({agents: [agent('cilium-a', {status: wgStatus('Disabled', '1.20.0'), metrics: metrics(drop(FRAG, 5))})]}),
      expect: {count: 1, fix: /could not be determined.*ip link show cilium_wg0/},
    },
  ],
})

describe('wireguard-datapath without WireGuard', () => {
  it('is not applicable, even with fragment drops (IPsec or no encryption)', () => {
    const s = snapshot({agents: [agent('cilium-a', {status: status({encryption: {mode: 'IPsec', text: 'IPsec', src: at('Encryption:   IPsec', 30)}}), metrics: metrics(drop(FRAG, 9))})]})
    const r = runRule(rule, s)
    expect(r.outcome.result).to.equal('not-applicable')
    expect(r.findings).to.have.length(0)
  })
})
