import {expect} from 'chai'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import rule from '../../rules/eni-ip-exhaustion.js'
import logConditions from '../../rules/log-conditions.js'
import logErrors from '../../rules/log-errors.js'
import {runRule} from '../../src/rules/engine.js'
import {parseAgentLog} from '../../src/parse/agent-log.js'
import type {Snapshot} from '../../src/snapshot/schema.js'
import {FIXTURES_DIR} from '../helpers/reference.js'
import {agent, config, snapshot} from '../helpers/snapshot.js'
import {ruleTester} from './_rule-tester.js'

/* Operator logs in fixtures/modes/ (index of the public samples each imitates: fixtures/modes/INDEX.md). */

const read = (f: string) => parseAgentLog(readFileSync(join(FIXTURES_DIR, 'modes', f), 'utf8'), f, false)
function operator(file: string, cm: Record<string, string> = {ipam: 'eni'}): Snapshot {
  return snapshot({agents: [agent('cilium-operator-6f9d8c7b5-x2k4p', {logs: [read(file)]})], cluster: {config: config(cm)}})
}

ruleTester(rule, {
  valid: [
    {name: 'the expected "will create new interface" warning alone', snapshot: operator('log-operator-eni-assign-retry.log')},
  ],
  invalid: [
    {
      name: 'subnet without free addresses on two nodes: critical, both nodes named',
      messageIds: ['eni-subnet-exhausted'],
      snapshot: operator('log-operator-eni-subnet-exhausted.log'),
      expect: {severity: 'critical', message: /nodes ip-10-24-90-7\.eu-west-1\.compute\.internal, ip-10-24-91-33\.eu-west-1\.compute\.internal, in 2 lines/, evidence: {line: 2, text: /InsufficientFreeAddressesInSubnet/}, noHelm: true, fix: /^Add subnets \(or larger ones\)/},
    },
    {
      name: 'address count over the instance type limit (cilium#9730)',
      messageIds: ['eni-limit-exceeded'],
      snapshot: operator('log-operator-eni-limit-exceeded.log'),
      expect: {severity: 'high', message: /\(eni IPAM\) for node ip-10-24-77-140/, fix: /The cloud said: IpAddressLimitExceeded/},
    },
    {
      name: 'out of interfaces is a capacity note (info), not an incident',
      messageIds: ['eni-out-of-interfaces'],
      snapshot: operator('log-operator-eni-out-of-interfaces.log'),
      expect: {severity: 'info', message: /at capacity/, evidence: {line: 3}},
    },
    {
      name: 'no cilium-config: the ENI lines themselves are the evidence',
      messageIds: ['eni-subnet-exhausted'],
      snap: () => snapshot({agents: [agent('cilium-operator-6f9d8c7b5-x2k4p', {logs: [read('log-operator-eni-subnet-exhausted.log')]})]}),
      expect: {message: /\(cloud IPAM\)/},
    },
  ],
})

describe('eni-ip-exhaustion owns its lines', () => {
  it('is not applicable when cilium-config names cluster-pool IPAM', () => {
    const r = runRule(rule, operator('log-operator-eni-subnet-exhausted.log', {ipam: 'cluster-pool'}))
    expect(r.outcome.result).to.equal('not-applicable')
    expect(r.outcome.reason).to.match(/ipam: cluster-pool/)
  })
  it('log-conditions and log-errors do not report the ENI lines again', () => {
    for (const f of ['log-operator-eni-subnet-exhausted.log', 'log-operator-eni-limit-exceeded.log', 'log-operator-eni-out-of-interfaces.log', 'log-operator-eni-assign-retry.log']) {
      const s = operator(f)
      expect(runRule(logConditions, s).findings, f).to.deep.equal([])
      expect(runRule(logErrors, s).findings.filter((x) => x.evidence.some((e) => e.source === f)), f).to.deep.equal([])
    }
  })
})
