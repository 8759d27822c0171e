import rule from '../../rules/ipsec-errors.js'
import type {EncryptStatus} from '../../src/snapshot/schema.js'
import {agent, at, snapshot} from '../helpers/snapshot.js'
import {ruleTester} from './_rule-tester.js'

const enc = (partial: Partial<EncryptStatus>): EncryptStatus =>
  ({mode: 'IPsec', keysInUse: 1, errorRows: [], src: at('Encryption: IPsec', 1, 'encrypt-status.txt'), ...partial})
const err = (name: string, count: number, line: number) => ({name, count, src: at(`	${name}: ${count}`, line, 'encrypt-status.txt')})

ruleTester(rule, {
  valid: [
    {name: 'IPsec, one key, no errors, low sequence', snapshot: snapshot({agents: [agent('cilium-a', {encrypt: enc({maxSeq: {used: 0x1f3, max: 0xffffffff}, errors: 0})})]})},
    {name: 'two keys during a rotation', snapshot: snapshot({agents: [agent('cilium-a', {encrypt: enc({keysInUse: 2})})]})},
    {name: 'WireGuard is not judged here', snapshot: snapshot({agents: [agent('cilium-a', {encrypt: enc({mode: 'Wireguard', errors: 3})})]})},
    {name: 'encryption disabled', snapshot: snapshot({agents: [agent('cilium-a', {encrypt: enc({mode: 'Disabled'})})]})},
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
  ],
  notEvaluated: [{name: 'no encrypt status', snapshot: snapshot({agents: [agent('cilium-a')]})}],
})
