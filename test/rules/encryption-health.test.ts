import {readFileSync} from 'node:fs'
import rule from '../../rules/encryption-health.js'
import {parseStatusText} from '../../src/parse/status-text.js'
import {parseEncryptStatus} from '../../src/parse/encrypt-status.js'
import {parseEncryptStatusJson} from '../../src/parse/encrypt-status-json.js'
import type {AgentStatus, CiliumNodeInfo, Node} from '../../src/snapshot/schema.js'
import {agent, at, config, snapshot, status} from '../helpers/snapshot.js'
import {ruleTester} from './_rule-tester.js'

// fixtures/resilience/INDEX.md lists the public sample each one imitates
const fromFixture = (name: string) => parseStatusText(readFileSync(`fixtures/resilience/${name}`, 'utf8'), name)
const OLD_WG = 'status-1.13-wireguard-missing-peer.txt'
const NODE_ENC = 'status-1.16-wireguard-node-encryption-disabled.txt'
const WG_TEXT = 'encrypt-status-1.17-wireguard.txt'
const WG_JSON = 'debuginfo-encryption-1.16-wireguard-no-handshake.json'
const encryptText = () => parseEncryptStatus(readFileSync(`fixtures/resilience/${WG_TEXT}`, 'utf8'), WG_TEXT)
const debuginfo = (nodeEncryption: string) => {
  const e = parseEncryptStatusJson(readFileSync(`fixtures/resilience/${WG_JSON}`, 'utf8'), WG_JSON)
  return {...e, nodeEncryption}
}
const helm = (values: Record<string, unknown>) => ({source: 'helm get values cilium', values})

const nodes = (n: number): Node[] => Array.from({length: n}, (_, i) => ({name: `node-${i}`, podCIDRs: [], labels: {}, src: at(`name: node-${i}`, i * 20 + 3, 'nodes.yaml')}))
const enc = (mode: string, extra: Partial<NonNullable<AgentStatus['encryption']>> = {}, line = 30) =>
  status({encryption: {mode, text: mode, src: at(`Encryption:   ${mode}`, line, 'status.txt'), ...extra}})
const wg = (peers: number, nodeEncryption?: string) => enc('Wireguard', {interfaces: [{name: 'cilium_wg0', port: 51871, peers}], ...(nodeEncryption ? {nodeEncryption} : {})})
const spi = (name: string, key: number): CiliumNodeInfo => ({name, podCIDRs: [], encryptionKey: {spi: key, src: at(`key: ${key}`, 12, `ciliumnodes.yaml`)}, src: at(`name: ${name}`, 5, 'ciliumnodes.yaml')})

ruleTester(rule, {
  valid: [
    {name: 'Disabled everywhere (the real 1.10–1.19 form)', snapshot: snapshot({agents: [agent('cilium-a', {status: enc('Disabled')}), agent('cilium-b', {status: enc('Disabled')})]})},
    {name: 'WireGuard with nodes − 1 peers on 3 nodes', snapshot: snapshot({agents: [agent('cilium-a', {status: wg(2)}), agent('cilium-b', {status: wg(2)})], cluster: {nodes: nodes(3)}})},
    {name: 'more peers than nodes − 1 (clustermesh peers count too)', snapshot: snapshot({agents: [agent('cilium-a', {status: wg(7)})], cluster: {nodes: nodes(3)}})},
    {name: 'NodeEncryption OptedOut is deliberate', snapshot: snapshot({agents: [agent('cilium-cp', {status: wg(2, 'OptedOut')})], cluster: {nodes: nodes(3), config: config({'encrypt-node': 'true'})}})},
    {name: 'every CiliumNode on the same SPI', snapshot: snapshot({cluster: {ciliumNodes: [spi('n1', 3), spi('n2', 3)]}})},
    {name: 'encrypt status: 3 peers on 4 nodes', snap: () => snapshot({agents: [agent('cilium-a', {encrypt: encryptText()})], cluster: {nodes: nodes(4)}})},
    {name: 'Helm asks for node encryption but cilium-config says false: the agents follow cilium-config (drift is config-drift\'s)', snap: () => snapshot({agents: [agent('cilium-a', {status: wg(2, 'Disabled')})], cluster: {nodes: nodes(3), config: config({'encrypt-node': 'false'}), helm: helm({encryption: {enabled: true, type: 'wireguard', nodeEncryption: true}})}})},
    {name: 'debuginfo NodeEncryption: Enabled as asked', snap: () => snapshot({agents: [agent('cilium-a', {encrypt: debuginfo('Enabled')})], cluster: {nodes: nodes(4), config: config({'encrypt-node': 'true'})}})},
  ],
  invalid: [
    {
      name: '1.13 agent with 1 peer on a 3-node cluster (peers from its cluster-health table)', messageIds: ['wireguard-peers-missing'],
      snap: () => snapshot({agents: [agent('cilium-7kq2d', {status: fromFixture(OLD_WG)})]}),
      expect: {count: 1, severity: 'high', agents: ['cilium-7kq2d'], message: /cilium-7kq2d 1\/2 \(expected from 3 nodes in its cluster-health table\)/, evidence: {line: 19, text: /Peers: 1/}, fix: /UDP 51871/},
    },
    {
      name: 'Node objects decide the expected peers', messageIds: ['wireguard-peers-missing'],
      snapshot: snapshot({agents: [agent('cilium-a', {status: wg(3)}), agent('cilium-b', {status: wg(4)})], cluster: {nodes: nodes(5)}}),
      expect: {count: 1, agents: ['cilium-a'], message: /cilium-a 3\/4 \(expected from 5 nodes \(Node objects\)\)/},
    },
    {
      name: 'node encryption asked for, 1.16 agent reports NodeEncryption: Disabled', messageIds: ['node-encryption-not-effective'],
      snap: () => snapshot({agents: [agent('cilium-x9p4t', {status: fromFixture(NODE_ENC)})], cluster: {config: config({'enable-wireguard': 'true', 'encrypt-node': 'true'})}}),
      expect: {count: 1, severity: 'medium', message: /encrypt-node: true/, evidence: {text: /NodeEncryption: Disabled/}, fix: /restart/},
    },
    {
      name: 'a WireGuard error instead of the device list', messageIds: ['wireguard-error'],
      snapshot: snapshot({agents: [agent('cilium-a', {status: enc('Wireguard', {error: 'failed to get wireguard device: link not found'})})]}),
      expect: {count: 1, severity: 'high', message: /link not found/},
    },
    {
      name: 'one agent still Disabled while two run WireGuard', messageIds: ['mixed-modes'],
      snapshot: snapshot({agents: [agent('cilium-a', {status: wg(2)}), agent('cilium-b', {status: wg(2)}), agent('cilium-c', {status: enc('Disabled', {}, 31)})], cluster: {nodes: nodes(3)}}),
      expect: {count: 1, severity: 'high', agents: ['cilium-c'], message: /1 Disabled \(cilium-c\), 2 Wireguard/, evidence: {line: 31}},
    },
    {
      name: 'CiliumNodes on SPI 3 and SPI 4', messageIds: ['spi-mismatch'],
      snapshot: snapshot({cluster: {ciliumNodes: [spi('n1', 4), spi('n2', 4), spi('n3', 3)]}}),
      expect: {count: 1, severity: 'medium', message: /SPI 4 on 2 \(n1, n2\), SPI 3 on 1 \(n3\)\. Either a key rotation/},
    },
    {
      name: 'different SPIs while an agent holds two keys: a rotation under way → info', messageIds: ['spi-mismatch'],
      snapshot: snapshot({agents: [agent('cilium-a', {metrics: {format: 'exposition', unrecognized: [], samples: [{name: 'cilium_ipsec_keys', labels: {}, value: 2, src: at('cilium_ipsec_keys 2', 3, 'metrics.prom')}]}})],
        cluster: {ciliumNodes: [spi('n1', 4), spi('n2', 3)]}}),
      expect: {count: 1, severity: 'info', message: /rotation is in progress \(1 agent\(s\) hold two keys\)/},
    },
    {
      name: 'different SPIs and every agent on one key: the rotation ended, a node missed it → medium', messageIds: ['spi-mismatch'],
      snapshot: snapshot({agents: [agent('cilium-a', {metrics: {format: 'exposition', unrecognized: [], samples: [{name: 'cilium_ipsec_keys', labels: {}, value: 1, src: at('cilium_ipsec_keys 1', 3, 'metrics.prom')}]}})],
        cluster: {ciliumNodes: [spi('n1', 4), spi('n2', 3)]}}),
      expect: {count: 1, severity: 'medium', message: /rotation has ended and the nodes on the older SPI/},
    },
    {
      name: 'encrypt status "Number of peers: 3" on a 5-node cluster (no status line)', messageIds: ['wireguard-peers-missing'],
      snap: () => snapshot({agents: [agent('cilium-x9p4t', {encrypt: encryptText()})], cluster: {nodes: nodes(5)}}),
      expect: {count: 1, agents: ['cilium-x9p4t'], message: /cilium-x9p4t 3\/4 \(expected from 5 nodes/, evidence: {line: 2, text: /Interface: cilium_wg0/}},
    },
    {
      name: 'status line and encrypt status for one agent: one count, the status line\'s', messageIds: ['wireguard-peers-missing'],
      snap: () => snapshot({agents: [agent('cilium-a', {status: wg(1), encrypt: encryptText()})], cluster: {nodes: nodes(5)}}),
      expect: {count: 1, message: /cilium-a 1\/4 /},
    },
    {
      name: 'only Helm asks for node encryption (no cilium-config read), the agent reports Disabled', messageIds: ['node-encryption-not-effective'],
      snap: () => snapshot({agents: [agent('cilium-a', {status: wg(2, 'Disabled')})], cluster: {nodes: nodes(3), helm: helm({encryption: {enabled: true, type: 'wireguard', nodeEncryption: true}})}}),
      expect: {count: 1, message: /asked for \(Helm encryption\.nodeEncryption: true\)/, evidence: {text: /encryption\.nodeEncryption: true/}, fix: /helm upgrade.*restart/},
    },
    {
      name: 'debuginfo "node-encryption": "Disabled" against encrypt-node: true', messageIds: ['node-encryption-not-effective'],
      snap: () => snapshot({agents: [agent('cilium-a', {encrypt: debuginfo('Disabled')})], cluster: {nodes: nodes(4), config: config({'encrypt-node': 'true'})}}),
      expect: {count: 1, agents: ['cilium-a'], evidence: {line: 2, text: /^"wireguard": \{$/}},
    },
    {
      name: 'different SPIs while encrypt status shows two keys in use: a rotation under way → info', messageIds: ['spi-mismatch'],
      snapshot: snapshot({agents: [agent('cilium-a', {encrypt: {mode: 'IPsec', keysInUse: 2, errorRows: [], src: at('Encryption: IPsec', 1, 'encrypt-status.txt')}})], cluster: {ciliumNodes: [spi('n1', 4), spi('n2', 3)]}}),
      expect: {count: 1, severity: 'info', message: /rotation is in progress \(1 agent\(s\) hold two keys\)/},
    },
  ],
  notEvaluated: [{name: 'status without an Encryption line', snapshot: snapshot({agents: [agent('cilium-a', {status: status()})]})}],
})
