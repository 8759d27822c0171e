import {expect} from 'chai'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {classify} from '../../src/ingest/classify.js'
import {parseCiliumHealth} from '../../src/parse/cilium-health.js'
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
