import {expect} from 'chai'
import rule from '../../rules/ipsec-errors.js'
import metricsRule from '../../rules/ipsec-xfrm-metrics.js'
import {runRule} from '../../src/rules/engine.js'
import type {EncryptStatus, MetricSample} from '../../src/snapshot/schema.js'
import {agent, at, snapshot} from '../helpers/snapshot.js'
import {ruleTester} from './_rule-tester.js'

const enc = (partial: Partial<EncryptStatus>): EncryptStatus =>
  ({mode: 'IPsec', keysInUse: 1, errorRows: [], src: at('Encryption: IPsec', 1, 'encrypt-status.txt'), ...partial})
const err = (name: string, count: number, line: number) => ({name, count, src: at(`	${name}: ${count}`, line, 'encrypt-status.txt')})
const sample = (name: string, labels: Record<string, string>, value: number): MetricSample => ({name, labels, value, src: at(`${name} ${value}`, 4, 'metrics.prom')})
const metrics = (...samples: MetricSample[]) => ({format: 'exposition' as const, unrecognized: [], samples})
// the same kernel counter seen twice: XfrmInNoStates in encrypt status is error="no_state",type="inbound" in the metrics
const both = (metricValue: number) => agent('cilium-a', {
  encrypt: enc({errors: 9, errorRows: [err('XfrmInNoStates', 9, 6)]}),
  metrics: metrics(sample('cilium_ipsec_xfrm_error', {error: 'no_state', type: 'inbound'}, metricValue), sample('cilium_ipsec_keys', {}, 1)),
})

ruleTester(rule, {
  valid: [
    {name: 'IPsec, one key, no errors, low sequence', snapshot: snapshot({agents: [agent('cilium-a', {encrypt: enc({maxSeq: {used: 0x1f3, max: 0xffffffff}, errors: 0})})]})},
    {name: 'two keys during a rotation', snapshot: snapshot({agents: [agent('cilium-a', {encrypt: enc({keysInUse: 2})})]})},
    {name: 'WireGuard is not judged here', snapshot: snapshot({agents: [agent('cilium-a', {encrypt: enc({mode: 'Wireguard', errors: 3})})]})},
    {name: 'encryption disabled', snapshot: snapshot({agents: [agent('cilium-a', {encrypt: enc({mode: 'Disabled'})})]})},
    {name: 'XFRM errors the agent\'s metrics report too belong to ipsec-xfrm-metrics', snapshot: snapshot({agents: [both(9)]})},
    {name: 'three keys while the metrics export cilium_ipsec_keys: ipsec-xfrm-metrics judges the count', snapshot: snapshot({agents: [agent('cilium-a', {encrypt: enc({keysInUse: 3}), metrics: metrics(sample('cilium_ipsec_keys', {}, 3))})]})},
    {name: 'Keys in use: 0 alone (1.12–1.15 print 0 for AES-CBC keys, cilium#29181)', snapshot: snapshot({agents: [agent('cilium-a', {encrypt: enc({keysInUse: 0})})]})},
  ],
  invalid: [
    {
      name: 'XfrmInStateProtoError → high, rotation with a new SPI', messageIds: ['xfrm-errors'],
      snapshot: snapshot({agents: [agent('cilium-a', {encrypt: enc({errors: 14, errorRows: [err('XfrmInStateProtoError', 14, 6)]})})]}),
      expect: {count: 1, severity: 'high', agents: ['cilium-a'], message: /14 in total \(XfrmInStateProtoError 14\)/, evidence: {line: 6}, fix: /new SPI/},
    },
    {
      name: 'only XfrmFwdHdrError → medium, MTU', messageIds: ['xfrm-errors'],
      snapshot: snapshot({agents: [agent('cilium-a', {encrypt: enc({errors: 3, errorRows: [err('XfrmFwdHdrError', 3, 6)]})})]}),
      expect: {count: 1, severity: 'medium', fix: /MTU/},
    },
    {
      name: 'errors on two agents are one finding with both causes', messageIds: ['xfrm-errors'],
      snapshot: snapshot({agents: [
        agent('cilium-a', {encrypt: enc({errors: 2, errorRows: [err('XfrmInNoStates', 2, 6)]})}),
        agent('cilium-b', {encrypt: enc({errors: 5, errorRows: [err('XfrmOutPolBlock', 5, 6)]})}),
      ]}),
      expect: {count: 1, agents: ['cilium-a', 'cilium-b'], message: /7 in total/, fix: /NoStates.*policy\/state mismatch/},
    },
    {
      name: 'sequence number at 97 % → high', messageIds: ['sequence-near-max'],
      snapshot: snapshot({agents: [agent('cilium-a', {encrypt: enc({maxSeq: {used: 0xf8000000, max: 0xffffffff}})})]}),
      expect: {count: 1, severity: 'high', message: /at 96\.9% of its maximum/, fix: /Rotate the IPsec key/},
    },
    {
      name: 'sequence number at 85 % → medium', messageIds: ['sequence-near-max'],
      snapshot: snapshot({agents: [agent('cilium-a', {encrypt: enc({maxSeq: {used: 0xd9999999, max: 0xffffffff}})})]}),
      expect: {count: 1, severity: 'medium'},
    },
    {
      name: 'three keys in use → medium', messageIds: ['keys-in-use'],
      snapshot: snapshot({agents: [agent('cilium-a', {encrypt: enc({keysInUse: 3})})]}),
      expect: {count: 1, severity: 'medium', message: /3 IPsec keys in use on cilium-a/},
    },
    {
      name: 'metrics exported but all zero (read at another moment): encrypt status still speaks', messageIds: ['xfrm-errors'],
      snapshot: snapshot({agents: [both(0)]}),
      expect: {count: 1, agents: ['cilium-a'], message: /9 in total \(XfrmInNoStates 9\)/},
    },
    {
      name: 'only the agent without XFRM metrics is reported here', messageIds: ['xfrm-errors'],
      snapshot: snapshot({agents: [both(9), agent('cilium-b', {encrypt: enc({errors: 4, errorRows: [err('XfrmInStateProtoError', 4, 6)]})})]}),
      expect: {count: 1, agents: ['cilium-b'], message: /4 in total/},
    },
  ],
  notEvaluated: [{name: 'no encrypt status', snapshot: snapshot({agents: [agent('cilium-a')]})}],
})

describe('XFRM errors in both encrypt status and metrics', () => {
  const xfrmFindings = (s: ReturnType<typeof snapshot>) => [rule, metricsRule].flatMap((r) => runRule(r, s).findings)
    .filter((f) => f.messageId === 'xfrm-errors' || f.messageId === 'xfrm-forward-header')
  const cases: Array<{name: string, metricValue: number, owner: string}> = [
    {name: 'both report the error: the metrics rule alone', metricValue: 9, owner: 'ipsec-xfrm-metrics'},
    {name: 'metrics at zero: encrypt status alone', metricValue: 0, owner: 'ipsec-errors'},
  ]
  for (const c of cases) {
    it(`${c.name} → one finding`, () => {
      const found = xfrmFindings(snapshot({agents: [both(c.metricValue)]}))
      expect(found.map((f) => f.id)).to.deep.equal([c.owner])
      expect(found[0].agents).to.deep.equal(['cilium-a'])
    })
  }
})
