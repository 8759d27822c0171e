import {expect} from 'chai'
import {readFileSync} from 'node:fs'
import {buildSnapshot} from '../../src/ingest/build.js'
import {collectFromPath} from '../../src/ingest/from-path.js'
import {parseCiliumNodes} from '../../src/parse/cilium-nodes.js'

// imitates cilium#41130 (fixtures/resilience/INDEX.md)
const FILE = 'fixtures/resilience/ciliumnodes-allocator-full.yaml'

describe('CiliumNode list (kubectl get ciliumnodes -o yaml)', () => {
  it('reads pod CIDRs, the operator error with its line, and no SPI from an empty encryption block', () => {
    const nodes = parseCiliumNodes(readFileSync(FILE, 'utf8'), FILE)
    expect(nodes.map((n) => n.name)).to.deep.equal(['demo-control-plane', 'demo-worker', 'demo-worker2'])
    expect(nodes[0].podCIDRs).to.deep.equal(['10.0.0.0/24'])
    expect(nodes[2].podCIDRs).to.deep.equal([])
    expect(nodes[2].operatorError?.text).to.equal('allocator full')
    expect(nodes[2].operatorError?.src.line).to.equal(121)
    expect(nodes.every((n) => n.encryptionKey === undefined)).to.equal(true)
  })
  it('reads the crd/ENI pool, used addresses and the IPsec SPI from JSON', () => {
    const json = JSON.stringify({apiVersion: 'v1', kind: 'List', items: [{apiVersion: 'cilium.io/v2', kind: 'CiliumNode', metadata: {name: 'n1'},
      spec: {encryption: {key: 4}, ipam: {pool: {'10.19.1.20': {}, '10.19.1.21': {}, '10.19.1.22': {}}}},
      status: {ipam: {used: {'10.19.1.20': {owner: 'default/web-1'}}}}}]}, null, 2)
    const [n] = parseCiliumNodes(json, 'cn.json')
    expect(n.poolSize).to.equal(3)
    expect(n.used).to.equal(1)
    expect(n.encryptionKey?.spi).to.equal(4)
    expect(n.encryptionKey?.src.text).to.match(/"key": 4/)
  })
  it('reaches the snapshot through --from, with the CiliumNode count', () => {
    const s = buildSnapshot(collectFromPath(FILE))
    expect(s.cluster.counts?.ciliumNodes).to.equal(3)
    expect(s.cluster.ciliumNodes?.map((n) => n.name)).to.deep.equal(['demo-control-plane', 'demo-worker', 'demo-worker2'])
  })
})
