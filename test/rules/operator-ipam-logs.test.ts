import {expect} from 'chai'
import {readFileSync} from 'node:fs'
import rule from '../../rules/log-conditions.js'
import {runRule} from '../../src/rules/engine.js'
import {parseAgentLog} from '../../src/parse/agent-log.js'
import {agent, snapshot} from '../helpers/snapshot.js'

// the operator's multi-pool allocator log of cilium#41986 (fixtures/resilience/INDEX.md)
const FILE = 'fixtures/resilience/log-operator-multipool-pool-empty.log'

describe('log-conditions: operator IPAM allocation failures', () => {
  it('reads "Failed to allocate PodCIDRs to node … pool empty" as one high finding with the pool fix', () => {
    const log = parseAgentLog(readFileSync(FILE, 'utf8'), FILE)
    const r = runRule(rule, snapshot({agents: [agent('cilium-operator-7d9c8b6f5-kq2xz', {logs: [log]})]}))
    const hits = r.findings.filter((f) => f.messageId === 'podcidr-allocation-failed')
    expect(hits).to.have.length(1)
    expect(hits[0].severity).to.equal('high')
    expect(hits[0].message).to.match(/2 log lines/)
    expect(hits[0].evidence.map((e) => e.line)).to.deep.equal([2, 4])
    expect(hits[0].fix).to.match(/CiliumPodIPPool/)
  })
})
