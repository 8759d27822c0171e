import {expect} from 'chai'
import {loadRules, runRule, runRules} from '../../src/rules/engine.js'
import type {Rule} from '../../src/rules/types.js'
import {versionSatisfies} from '../../src/rules/helpers.js'
import {agent, at, snapshot, status} from '../helpers/snapshot.js'

const base: Rule['meta'] = {
  id: 'test-rule', title: 'T', severity: 'high', versions: '>=1.16', needs: [['status']], messages: {x: 'a test finding'},
  description: 'd', why: 'w', fix: 'f', sources: [],
}

const withVersion = (v: string) => snapshot({agents: [agent('cilium-a', {status: status({cilium: {state: 'Ok', message: `${v} (v${v})`, version: v, src: at(`Cilium: Ok ${v}`)}})})]})

describe('rule engine', () => {
  it('marks a rule not evaluated when none of its evidence exists, never passed', () => {
    const rule: Rule = {meta: base, check: () => []}
    const r = runRule(rule, snapshot({agents: [agent('cilium-a')]}))
    expect(r.outcome.result).to.equal('not-evaluated')
    expect(r.outcome.reason).to.contain('status')
  })

  it('passes a rule that ran and found nothing', () => {
    const r = runRule({meta: base, check: () => []}, withVersion('1.18.2'))
    expect(r.outcome.result).to.equal('passed')
  })

  it('skips rules outside their Cilium versions as not applicable', () => {
    const r = runRule({meta: base, check: () => [{messageId: 'x', message: 'x', agents: [], evidence: [], helm: []}]}, withVersion('1.15.6'))
    expect(r.outcome.result).to.equal('not-applicable')
    expect(r.findings).to.have.length(0)
  })

  it('turns ctx.notEvaluated and rule crashes into "not evaluated" without losing other rules', () => {
    const bad: Rule = {meta: {...base, id: 'bad'}, check: () => {
      throw new Error('boom')
    }}
    const shy: Rule = {meta: {...base, id: 'shy'}, check: (ctx) => ctx.notEvaluated('no routing line')}
    const good: Rule = {meta: {...base, id: 'good'}, check: () => [{messageId: 'x', message: 'm', agents: ['cilium-a'], evidence: [], helm: []}]}
    const {findings, outcomes} = runRules([bad, shy, good], withVersion('1.18.2'))
    expect(outcomes.map((o) => o.result)).to.deep.equal(['not-evaluated', 'not-evaluated', 'fired'])
    expect(outcomes[0].reason).to.contain('boom')
    expect(outcomes[1].reason).to.equal('no routing line')
    expect(findings.map((f) => [f.id, f.severity, f.title])).to.deep.equal([['good', 'high', 'T']])
  })

  it('refuses a finding whose messageId the meta does not declare (a rule bug, reported as not evaluated)', () => {
    const r = runRule({meta: base, check: () => [{messageId: 'undeclared', message: 'a finding', agents: [], evidence: [], helm: []}]}, withVersion('1.18.2'))
    expect(r.outcome.result).to.equal('not-evaluated')
    expect(r.outcome.reason).to.match(/messageId undeclared is not in meta.messages/)
    const ok = runRule({meta: base, check: () => [{messageId: 'x', message: 'a finding', agents: [], evidence: [], helm: []}]}, withVersion('1.18.2'))
    expect(ok.findings.map((f) => f.messageId)).to.deep.equal(['x'])
  })

  it('sorts findings worst first', () => {
    const mk = (id: string, severity: 'info' | 'critical'): Rule => ({meta: {...base, id, severity}, check: () => [{messageId: 'x', message: id, agents: [], evidence: [], helm: []}]})
    const {findings} = runRules([mk('a', 'info'), mk('b', 'critical')], withVersion('1.18.2'))
    expect(findings.map((f) => f.id)).to.deep.equal(['b', 'a'])
  })

  it('compares versions with ranges', () => {
    expect(versionSatisfies('1.18.7', '>=1.16 <1.19')).to.equal(true)
    expect(versionSatisfies('v1.19.0-pre.4', '>=1.16 <1.19')).to.equal(false)
    expect(versionSatisfies('1.10.0', '*')).to.equal(true)
    expect(versionSatisfies(undefined, '>=1.18')).to.equal(true)
  })

  it('loads every rule file with a unique id equal to its file name and complete documentation', async () => {
    const rules = await loadRules()
    expect(rules.length).to.be.greaterThan(0)
    for (const r of rules) {
      expect(r.meta.id, r.meta.id).to.match(/^[a-z0-9-]+$/)
      for (const k of ['title', 'description', 'why', 'fix'] as const) expect(r.meta[k], `${r.meta.id}.${k}`).to.be.a('string').and.not.equal('')
      expect(['critical', 'high', 'medium', 'info']).to.include(r.meta.severity)
    }
  })
})
