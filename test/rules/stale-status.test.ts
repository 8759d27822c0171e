import {expect} from 'chai'
import rule, {staleProbes} from '../../rules/stale-status.js'
import {agent, at, snapshot, status} from '../helpers/snapshot.js'
import {ruleTester} from './_rule-tester.js'

const ok = (name: string) => agent(name, {status: status({cilium: {state: 'Ok', message: '1.18.7', src: at('Cilium:   Ok   1.18.7', 9)}})})
const stale = (name: string, text: string) => agent(name, {status: status({staleStatus: {text, src: at(`Stale status:   ${text}`, 10)}})})

describe('stale-probes', () => {
  it('reads the quoted probe names', () => {
    expect(staleProbes('"kvstore" since 2026-04-13T11:45:41Z, "cluster" since 2026-04-13T11:45:42Z')).to.deep.equal(['kvstore', 'cluster'])
  })
})

ruleTester(rule, {
  valid: [{name: 'no Stale status line', snapshot: snapshot({agents: [ok('cilium-a'), ok('cilium-b')]})}],
  invalid: [{
    name: 'two agents with the same stale probes → one high finding', messageIds: ['stale-probes'],
    snapshot: snapshot({agents: [
      stale('cilium-a', '"kubernetes" since 2026-04-13T11:45:41Z, "ipam" since 2026-04-13T11:45:41Z'),
      stale('cilium-b', '"ipam" since 2026-04-13T11:46:00Z, "kubernetes" since 2026-04-13T11:46:00Z'),
      ok('cilium-c'),
    ]}),
    expect: {count: 1, severity: 'high', agents: ['cilium-a', 'cilium-b'], message: /"kubernetes", "ipam" stale on 2 agents/, evidence: {line: 10, text: /Stale status/}},
  }],
  notEvaluated: [{name: 'no status', snapshot: snapshot({agents: [agent('cilium-a')]})}],
})
