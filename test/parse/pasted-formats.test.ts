import {expect} from 'chai'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {classify} from '../../src/ingest/classify.js'
import {SnapshotBuilder} from '../../src/ingest/build.js'
import {loadRules, runRules} from '../../src/rules/engine.js'
import {parseCiliumHealth} from '../../src/parse/cilium-health.js'
import {parseClusterMeshStatus} from '../../src/parse/clustermesh-status.js'
import {parseNodeList} from '../../src/parse/node-list.js'
import {parseStatusText} from '../../src/parse/status-text.js'
import {statusHeadCut} from '../../src/parse/truncation.js'

/* More pasted formats recognized by content (issue 11, item 3): each value keeps its file and line. */

const corpus = (f: string) => readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'corpus', f), 'utf8')

describe('pasted formats: cilium-health status --probe', function () {
  const cases: Array<{file: string, reachable: number, total: number, bad: Record<string, [string, string]>, line?: number}> = [
    {file: 'cilium-health-probe-0.x-icmp-http-via-l3-healthy.txt', reachable: 2, total: 2, bad: {}},
    {file: 'cilium-health-probe-endpoints-http-deadline.txt', reachable: 0, total: 3,
      bad: {'shop-node-a': ['2/2', '1/2'], 'shop-node-b': ['2/2', '1/2'], 'shop-node-c': ['2/2', '1/2']}, line: 9},
  ]
  for (const c of cases) {
    it(`${c.file}: ${c.reachable}/${c.total} reachable, probes counted per path`, function () {
      expect(classify(corpus(c.file))).to.equal('cilium-health')
      const h = parseCiliumHealth(corpus(c.file), c.file).clusterHealth!
      expect([h.reachable, h.total]).to.deep.equal([c.reachable, c.total])
      for (const n of h.nodes) {
        if (c.bad[n.name]) expect([n.host, n.endpoints], n.name).to.deep.equal(c.bad[n.name])
        else expect(n.hostOk && n.endpointsOk, n.name).to.equal(true)
      }
      // the failing probe line is the node's evidence
      if (c.line) expect(h.nodes[0].src).to.deep.include({file: c.file, line: c.line})
    })
  }

  it('the 1.0-era "ICMP:" and "HTTP via L3:" probes are counted, not skipped', function () {
    const h = parseCiliumHealth(corpus('cilium-health-probe-0.x-icmp-http-via-l3-healthy.txt'), 'x').clusterHealth!
    expect(h.nodes.map((n) => [n.host, n.endpoints])).to.deep.equal([['2/2', '2/2'], ['2/2', '2/2']])
  })

  it('secondary addresses (--verbose) count under their host or endpoint block', function () {
    const text = 'Probe time:   2026-01-01T00:00:00Z\nNodes:\n  n1 (localhost):\n    Host connectivity to 192.0.2.1:\n      ICMP to stack:   OK, RTT=1ms\n' +
      '      Secondary connectivity to 192.0.2.9:\n        ICMP to stack:   Connection timed out\n    Endpoint connectivity to 10.0.0.1:\n      ICMP to stack:   OK, RTT=1ms\n'
    const [n] = parseCiliumHealth(text, 'h.txt').clusterHealth!.nodes
    expect([n.host, n.endpoints, n.hostOk]).to.deep.equal(['1/2', '1/1', false])
    expect(n.src.line).to.equal(7)
  })

  it('the client error alone (the health daemon did not answer) is a cluster health with no count, on its line', function () {
    for (const line of ['Error: Cannot get status/probe: context deadline exceeded',
      'Error: Cannot get status/probe: Put http://%2Fvar%2Frun%2Fcilium%2Fhealth.sock/v1beta/status/probe: dial unix /var/run/cilium/health.sock: connect: no such file or directory']) {
      const text = `Defaulted container "cilium-agent" out of: cilium-agent, clean-cilium-state (init)\n${line}\ncommand terminated with exit code 255\n`
      expect(classify(text), line).to.equal('cilium-health')
      const h = parseCiliumHealth(text, 'e.txt').clusterHealth!
      expect(h.reachable).to.equal(undefined)
      expect(h.text).to.match(/^Cannot get status\/probe: /)
      expect(h.src.line).to.equal(2)
    }
    // any other line starting with "Error:" is not taken for cilium-health
    expect(classify('Error: unknown command "helth" for "cilium"\n')).to.not.equal('cilium-health')
  })
})

describe('pasted formats: a status cut by head -n (at a line boundary)', function () {
  const top = 'KVStore:                Ok   Disabled\nKubernetes:             Ok   1.20 (v1.20.2) [linux/amd64]\n'
  const running = `${top}Cilium:                 Ok       OK\nIPAM:                   IPv4: 3/255 allocated from 10.61.7.0/24, \nHost Routing:           Legacy\n`
  const cases: Array<[string, string, number | undefined]> = [
    ['a running agent\'s status without its closing Cluster health line is cut at its last line', running, 5],
    ['kubectl\'s "Defaulted container" line before it changes nothing', `Defaulted container "cilium-agent" out of: cilium-agent\n${running}`, 6],
    ['a last line no reader understood (cut in the middle) is dropped', `${running}IPv6\n`, 5],
    ['a whole status (it ends with Cluster health) is not cut', `${running}Cluster health:         2/2 reachable   (2026-01-01T00:00:00Z)\n`, undefined],
    ['health probing off still prints the line: not cut', `${running}Cluster health:         Probe disabled\n`, undefined],
    ['an agent that is not Ok stops before Cluster health: not cut', `${top}Cilium:                 Failure   Kubernetes APIs unavailable\n`, undefined],
    ['a section pasted on its own (not from KVStore:) is a fragment, not a cut', 'Host Routing:           Legacy\nMasquerading:           BPF   [eth0]   10.0.0.0/16\n', undefined],
  ]
  for (const [name, text, line] of cases) {
    it(name, function () {
      const cut = statusHeadCut(text, parseStatusText(text, 's.txt'))
      if (line === undefined) return expect(cut).to.equal(undefined)
      expect(cut?.truncation?.line).to.equal(line)
      expect(cut?.truncation?.reason).to.match(/before its "Cluster health:" line/)
      expect(cut?.text.trimEnd().split('\n')).to.have.length(line)
    })
  }
})

describe('pasted formats: cilium-dbg node list', function () {
  it('1.15+ with Source under Cluster Mesh: cluster prefix, empty IPv6 cells, source, each row on its line', function () {
    const f = 'node-list-1.15-source-clustermesh-healthy.txt'
    expect(classify(corpus(f))).to.equal('node-list')
    const rows = parseNodeList(corpus(f), f)
    expect(rows).to.have.length(6)
    expect(rows[2]).to.deep.include({name: 'fleet-a/ip-192-0-2-61.ap-south-1.compute.internal', cluster: 'fleet-a', node: 'ip-192-0-2-61.ap-south-1.compute.internal',
      ipv4: '192.0.2.61', ipv4Cidr: '10.81.0.0/24', source: 'local'})
    expect(rows[2].ipv6).to.equal(undefined)
    expect(rows[2].src).to.deep.include({file: f, line: 4})
    expect(rows.filter((r) => r.source === 'kvstore')).to.have.length(5)
  })

  it('the old layout (no Source, "<nil>" for an absent address, names with and without a cluster)', function () {
    const f = 'node-list-1.5-nil-ipv6-local-twice.txt'
    expect(classify(corpus(f))).to.equal('node-list')
    const rows = parseNodeList(corpus(f), f)
    expect(rows.map((r) => [r.cluster, r.node, r.ipv4, r.ipv6, r.source])).to.deep.equal([
      ['mesh-one', 'lab-vm1', '192.0.2.10', undefined, undefined], ['mesh-two', 'lab-vm2', '192.0.2.23', undefined, undefined], [undefined, 'lab-vm2', '192.0.2.23', undefined, undefined]])
  })

  it('IPv6 cells are read by column, and a header-less text is refused with one clear line', function () {
    const text = 'Name                           IPv4 Address   Endpoint CIDR   IPv6 Address   Endpoint CIDR   Source\n' +
      'kind-kind/kind-control-plane   172.18.0.3     10.244.0.0/24   fc00:c111::3                   local\n'
    expect(parseNodeList(text, 'n')[0]).to.deep.include({ipv4Cidr: '10.244.0.0/24', ipv6: 'fc00:c111::3', source: 'local'})
    expect(() => parseNodeList('kind-worker   172.18.0.4\n', 'n')).to.throw(/expected the "Name {3}IPv4 Address/)
  })
})

describe('pasted formats: cilium clustermesh status (cilium-cli)', function () {
  const kinds = ['clustermesh-status-2023-config-not-found.txt', 'clustermesh-status-2024-kvstoremesh-healthy.txt',
    'clustermesh-status-1.19-nodeport-kvstoremesh-waiting.txt', 'clustermesh-status-apiserver-not-ready.txt']
  for (const f of kinds) it(`${f} is recognized by content`, () => expect(classify(corpus(f))).to.equal('clustermesh-status'))

  it('2023 layout: nodes not connected, the cluster row, one error per agent with its line', function () {
    const f = 'clustermesh-status-2023-config-not-found.txt'
    const s = parseClusterMeshStatus(corpus(f), f)
    expect(s).to.deep.include({serviceType: 'LoadBalancer', apiserverReady: true})
    expect(s.nodes).to.deep.include({notConnected: 3, total: 3})
    expect(s.clusters).to.have.length(1)
    expect(s.clusters[0]).to.deep.include({name: 'mesh-west', configured: 3, connected: 0, total: 3})
    expect(s.errors.map((e) => [e.pod, e.cluster, e.src.line])).to.deep.equal([['cilium-4qzvd', 'mesh-west', 10], ['cilium-b7rkx', 'mesh-west', 11], ['cilium-t2hnm', 'mesh-west', 12]])
    expect(s.errors[0].message).to.equal('remote cluster configuration required but not found')
  })

  it('KVStoreMesh layout: replicas and the per-cluster KVStoreMesh counts', function () {
    const s = parseClusterMeshStatus(corpus('clustermesh-status-1.19-nodeport-kvstoremesh-waiting.txt'), 'k')
    expect(s).to.deep.include({serviceType: 'NodePort', kvstoremesh: 'enabled'})
    expect(s.nodes).to.deep.include({notConnected: 0, total: 2})
    expect(s.kvstoremeshReplicas).to.deep.include({notConnected: 1, total: 1})
    expect(s.clusters[0]).to.deep.include({name: 'lab-two', connected: 2, total: 2, kvstoremesh: {configured: 1, connected: 0, total: 1}})
    expect(s.errors[0]).to.deep.include({pod: 'clustermesh-apiserver-6f9d8b7c55-xk2pq', message: 'Waiting for initial connection to be established'})
  })

  it('a failed run: the wait line and the error, the apiserver not marked ready', function () {
    const s = parseClusterMeshStatus(corpus('clustermesh-status-apiserver-not-ready.txt'), 'a')
    expect(s.apiserverReady).to.equal(undefined)
    expect(s.waiting[0].src.line).to.equal(4)
    expect(s.failure?.text).to.match(/^Unable to determine status:\s+deployment clustermesh-apiserver is not ready: only 0 of 1/)
    expect(s.failure?.src.line).to.equal(6)
  })

  it('a cilium status (agent or cilium-cli) is not taken for it', function () {
    expect(classify(corpus('status-clustermesh-block-waiting.txt'))).to.equal('status-text')
    expect(classify(corpus('cli-status-1.17.2-errors-talos.txt'))).to.equal('cli-status')
  })
})

describe('pasted formats together: an agent\'s node list against kubectl get nodes', function () {
  const nodesTable = 'NAME           STATUS   ROLES           AGE   VERSION\nspot-a-1001    Ready    <none>          3d    v1.30.2\nspot-a-1002    Ready    <none>          2h    v1.30.2\nspot-a-1003    Ready    <none>          3d    v1.30.2\n'
  const nodeList = 'Name          IPv4 Address   Endpoint CIDR   IPv6 Address   Endpoint CIDR   Source\n' +
    'spot-a-0999   192.0.2.99     10.30.9.0/24                                   custom-resource\n' +
    'spot-a-1001   192.0.2.101    10.30.1.0/24                                   local\n' +
    'spot-a-1003   192.0.2.103    10.30.3.0/24                                   custom-resource\n'
  it('the replaced node is stale, the new one unknown to the agent: both said, on the agent', async function () {
    const b = new SnapshotBuilder({kind: 'files', path: 'paste'})
    b.add({path: 'paste/nodes.txt', text: nodesTable})
    b.add({path: 'paste/cilium-x7k2p/node-list.txt', text: nodeList, agent: 'cilium-x7k2p'})
    const {findings} = runRules(await loadRules(), b.finish())
    const mine = findings.filter((f) => f.id === 'agent-node-view').map((f) => `${f.messageId}@${f.severity}: ${f.message}`)
    expect(mine).to.have.length(2)
    expect(mine[0]).to.match(/^nodes-missing@high: cilium-x7k2p does not know 1 of the cluster's nodes: spot-a-1002\./)
    expect(mine[1]).to.match(/^stale-nodes@medium: cilium-x7k2p still lists 1 node\(s\) the cluster no longer has: spot-a-0999\./)
  })
})
