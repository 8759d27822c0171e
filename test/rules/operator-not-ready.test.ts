import rule from '../../rules/operator-not-ready.js'
import {agent, at, snapshot} from '../helpers/snapshot.js'
import {ruleTester} from './_rule-tester.js'

const op = (desired: number, ready: number, available?: number) => ({desired, ready, ...(available !== undefined ? {available} : {}), src: at(`readyReplicas: ${ready}`, 40, 'cilium-operator-deployment.yaml')})

ruleTester(rule, {
  valid: [
    {name: '2/2 ready', snapshot: snapshot({cluster: {operator: op(2, 2, 2)}})},
    {name: 'single replica by choice, ready', snapshot: snapshot({cluster: {operator: op(1, 1)}})},
  ],
  invalid: [
    {name: '0/2 ready → critical', messageIds: ['replicasNotReady'], snapshot: snapshot({cluster: {operator: op(2, 0, 0)}}), expect: {count: 1, severity: 'critical', agents: [], message: /0\/2 replicas ready, 0 available: no operator is running/, evidence: {line: 40}}},
    {name: '1/2 ready → high', messageIds: ['replicasNotReady'], snapshot: snapshot({cluster: {operator: op(2, 1, 1)}}), expect: {count: 1, severity: 'high', message: /1\/2 replicas ready/}},
    {name: 'scaled to zero', messageIds: ['scaledToZero'], snapshot: snapshot({cluster: {operator: op(0, 0)}}), expect: {count: 1, severity: 'critical', helm: {path: 'operator.replicas', value: 2}}},
    {
      name: 'operator pod restarting', messageIds: ['podsUnhealthy'],
      snapshot: snapshot({cluster: {pods: [{name: 'cilium-operator-6d8f7c9b4-x2k9p', restarts: 4, ready: true, lastTerminationReason: 'Error', src: at('restartCount: 4', 12, 'k8s-pods.yaml')}]}}),
      expect: {count: 1, severity: 'high', message: /cilium-operator-6d8f7c9b4-x2k9p \(4 restarts, Error\)/},
    },
  ],
  notEvaluated: [{name: 'only agent pods', snapshot: snapshot({agents: [agent('cilium-a', {pod: {name: 'cilium-a', restarts: 0, src: at('x')}})]})}],
})
