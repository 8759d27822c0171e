import {expect} from 'chai'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {classify} from '../../src/ingest/classify.js'
import {parseBgpPeers} from '../../src/parse/bgp-peers.js'
import {FIXTURES_DIR} from '../helpers/reference.js'

const read = (f: string) => readFileSync(join(FIXTURES_DIR, 'bgp', f), 'utf8')

describe('cilium bgp peers / cilium-dbg bgp peers (fixtures/bgp/INDEX.md)', () => {
  it('cilium-cli: a peer per node with its state and uptime; family rows belong to the peer above', () => {
    const text = read('bgp-peers-cli-node-active.txt')
    expect(classify(text)).to.equal('bgp-peers')
    const {peers, unrecognized} = parseBgpPeers(text, 'peers.txt')
    expect(unrecognized).to.deep.equal([])
    expect(peers.map((p) => [p.node, p.peerAddress, p.localAsn, p.peerAsn, p.state, p.uptime, p.src.line])).to.deep.equal([
      ['rack1-wk-1', '192.0.2.1', 65001, 65000, 'established', '4h12m9s', 2],
      ['rack1-wk-2', '192.0.2.1', 65001, 65000, 'active', '0s', 4],
    ])
  })
  it('cilium-dbg in an agent: no node column, "Session", addresses with a port', () => {
    const text = read('bgp-peers-dbg-1.18-one-active.txt')
    expect(classify(text)).to.equal('bgp-peers')
    const {peers} = parseBgpPeers(text, 'peers.txt')
    expect(peers.map((p) => [p.node, p.peerAddress, p.state])).to.deep.equal([[undefined, '198.51.100.1:179', 'established'], [undefined, '198.51.100.2:179', 'active']])
  })
  const rows: Array<{name: string, text: string, peers: Array<[string | undefined, string, string]>, unrecognized?: number[]}> = [
    {
      name: 'a pasted row whose columns drifted by a space still reads (words, not positions)',
      text: 'Local AS     Peer AS      Peer Address               Session       Uptime   Family         Received   Advertised\n4200000101   4200000101   203.0.113.7:179          active        0s       ipv4/unicast   0          2\n',
      peers: [[undefined, '203.0.113.7:179', 'active']],
    },
    {
      name: 'cilium-cli naming a node once for its two peers',
      text: 'Node    Local AS   Peer AS   Peer Address   Session State   Uptime   Family         Received   Advertised\nedge-a  65010      65000     192.0.2.1      established     1m2s     ipv4/unicast   3          1\n        65010      65000     192.0.2.2      idle            0s       ipv4/unicast   0          0\n',
      peers: [['edge-a', '192.0.2.1', 'established'], ['edge-a', '192.0.2.2', 'idle']],
    },
    {
      name: 'a row that is no peer is counted, never guessed',
      text: 'Local AS   Peer AS   Peer Address   Session State   Uptime   Family   Received   Advertised\nerror: BGP control plane is not enabled on this node\n',
      peers: [],
      unrecognized: [2],
    },
  ]
  for (const r of rows) {
    it(r.name, () => {
      const out = parseBgpPeers(r.text, 'x.txt')
      expect(out.peers.map((p) => [p.node, p.peerAddress, p.state])).to.deep.equal(r.peers)
      expect(out.unrecognized).to.deep.equal(r.unrecognized ?? [])
    })
  }
})
