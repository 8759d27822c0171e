import {expect} from 'chai'
import rule from '../../rules/agent-unreachable.js'
import {runRule} from '../../src/rules/engine.js'
import {agent, snapshot, status} from '../helpers/snapshot.js'

describe('rule agent-unreachable', () => {
  const valid = [
    {name: 'all agents read', s: snapshot({agents: [agent('cilium-a', {status: status()}), agent('cilium-b', {status: status()})]})},
  ]
  for (const c of valid) {
    it(`stays quiet: ${c.name}`, () => {
      const r = runRule(rule, c.s)
      expect(r.outcome.result).to.equal('passed')
    })
  }

  // Deliberate change: passing without agents claimed readability that was never checked.
  it('no agents at all (Prometheus-only run) → not evaluated, never passed', () => {
    const r = runRule(rule, snapshot({}))
    expect(r.outcome.result).to.equal('not-evaluated')
    expect(r.outcome.reason).to.equal('no agents in the evidence')
  })

  it('names timed-out, forbidden and failing agents in one high finding', () => {
    const s = snapshot({agents: [
      agent('cilium-ok', {status: status()}),
      agent('cilium-slow', {errors: [{command: 'cilium-dbg status --verbose', kind: 'timeout', message: 'no answer in 30s'}]}),
      agent('cilium-rbac', {errors: [{command: 'cilium-dbg status --verbose', kind: 'forbidden', message: 'pods/exec is forbidden'}]}),
      agent('cilium-500', {errors: [{command: 'cilium-dbg service list', kind: 'failed', message: 'HTTP 500'}]}),
    ]})
    const r = runRule(rule, s)
    expect(r.findings).to.have.length(1)
    const f = r.findings[0]
    expect(f.severity).to.equal('high')
    expect(f.agents).to.have.members(['cilium-slow', 'cilium-rbac', 'cilium-500'])
    expect(f.message).to.contain('3 of 4 agents')
    expect(f.evidence.map((e) => e.text).join('\n')).to.contain('forbidden').and.contain('timeout')
  })

  it('reports missing evidence (e.g. a sysdump command that failed) as medium, not as healthy', () => {
    const s = snapshot({agents: [agent('cilium-a', {errors: [{command: 'cilium-dbg map list', kind: 'missing', message: 'not in the sysdump'}]})],
      cluster: {errors: [{command: 'secrets', kind: 'forbidden', message: 'cannot list secrets'}]}})
    const r = runRule(rule, s)
    expect(r.findings.map((f) => f.severity)).to.deep.equal(['medium'])
    expect(r.findings[0].message).to.contain('1 agent(s) and 1 cluster source(s)')
  })
})
