import rule from '../../rules/endpoints-not-ready.js'
import type {EndpointRow} from '../../src/snapshot/schema.js'
import {agent, at, snapshot} from '../helpers/snapshot.js'
import {ruleTester} from './_rule-tester.js'

const row = (id: string, state: string, labels: string[], line: number, file = 'endpoint-list.txt'): EndpointRow =>
  ({id, state, labels, src: at(`${id}   Disabled   Disabled   ${state}`, line, file)})

const healthyList = [
  row('312', 'ready', ['k8s:app=frontend'], 3),
  row('1187', 'ready', ['reserved:host'], 5),
  row('2290', 'regenerating', ['k8s:app=cart'], 6), // transient: passes by itself
  row('3050', 'waiting-to-regenerate', ['k8s:app=cart'], 7),
  row('3051', 'restoring', ['k8s:app=db'], 8),
]

ruleTester(rule, {
  valid: [
    {name: 'all ready or in transient states', snapshot: snapshot({agents: [agent('cilium-7xk2p', {endpoints: healthyList})]})},
    {name: 'kubectl get cep all ready', snapshot: snapshot({cluster: {ciliumEndpoints: [row('web-5d9c-q2w', 'ready', [], 2, 'cep.txt')]}})},
    {name: 'an empty endpoint list', snapshot: snapshot({agents: [agent('cilium-7xk2p', {endpoints: []})]})},
  ],
  invalid: [
    {
      name: 'one not-ready endpoint among ready ones → high, names the app and agent', messageIds: ['endpoints-not-ready'],
      snapshot: snapshot({agents: [agent('cilium-7xk2p', {endpoints: [...healthyList, row('811', 'not-ready', ['k8s:app=reviews'], 9)]})]}),
      expect: {count: 1, severity: 'high', agents: ['cilium-7xk2p'], message: /1 of 6 endpoint\(s\) not-ready \(k8s:app=reviews\) on cilium-7xk2p/, evidence: {line: 9}, fix: /Regeneration of endpoint failed/},
    },
    {
      name: 'waiting-for-identity in kubectl get cep → high, no agent named', messageIds: ['endpoints-waiting-for-identity'],
      snapshot: snapshot({cluster: {ciliumEndpoints: [row('web-5d9c-q2w', 'ready', [], 2, 'cep.txt'), row('batch-7f-x1', 'waiting-for-identity', [], 3, 'cep.txt')]}}),
      expect: {count: 1, severity: 'high', agents: [], message: /1 of 2 endpoint\(s\) waiting-for-identity/, fix: /identity/i},
    },
    {
      name: 'invalid and disconnected on two agents → two findings, disconnected medium', messageIds: ['endpoints-invalid', 'endpoints-disconnected'],
      snapshot: snapshot({agents: [
        agent('cilium-a', {endpoints: [row('10', 'invalid', ['k8s:app=api'], 3)]}),
        agent('cilium-b', {endpoints: [row('20', 'disconnected', ['k8s:app=job'], 4), row('21', 'disconnected', ['k8s:app=job2'], 5)]}),
      ]}),
      expect: [
        {messageId: 'endpoints-invalid', severity: 'high', agents: ['cilium-a']},
        {messageId: 'endpoints-disconnected', severity: 'medium', agents: ['cilium-b'], message: /2 of 3 endpoint\(s\) disconnected/},
      ],
    },
    {
      name: 'the same state on several agents is one finding naming them', messageIds: ['endpoints-not-ready'],
      snapshot: snapshot({agents: ['cilium-a', 'cilium-b', 'cilium-c'].map((n, i) => agent(n, {endpoints: [row(String(100 + i), 'not-ready', ['k8s:app=x'], 3 + i)]}))}),
      expect: {count: 1, agents: ['cilium-a', 'cilium-b', 'cilium-c'], message: /on 3 agents \(cilium-a, cilium-b, cilium-c\)/},
    },
  ],
  notEvaluated: [
    {name: 'no endpoint list', snapshot: snapshot({agents: [agent('cilium-a')]})},
  ],
})
