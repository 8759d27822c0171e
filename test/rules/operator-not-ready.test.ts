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
    {name: '0/2 ready → critical', messageIds: ['replicas-not-ready'], snapshot: snapshot({cluster: {operator: op(2, 0, 0)}}), expect: {count: 1, severity: 'critical', agents: [], message: /0\/2 replicas ready, 0 available: no operator is running/, evidence: {line: 40}}},
    {name: '1/2 ready → high', messageIds: ['replicas-not-ready'], snapshot: snapshot({cluster: {operator: op(2, 1, 1)}}), expect: {count: 1, severity: 'high', message: /1\/2 replicas ready/}},
    {name: 'scaled to zero', messageIds: ['scaled-to-zero'], snapshot: snapshot({cluster: {operator: op(0, 0)}}), expect: {count: 1, severity: 'critical', helm: {path: 'operator.replicas', value: 2}}},
    {
      name: 'operator pod restarting', messageIds: ['pods-unhealthy'],
      snapshot: snapshot({cluster: {pods: [{name: 'cilium-operator-6d8f7c9b4-x2k9p', restarts: 4, ready: true, lastTerminationReason: 'Error', src: at('restartCount: 4', 12, 'k8s-pods.yaml')}]}}),
      expect: {count: 1, severity: 'high', message: /cilium-operator-6d8f7c9b4-x2k9p \(4 restarts, Error\)/},
    },
    {
      name: 'standby replica Pending while another runs, 3 nodes → medium', messageIds: ['standby-pending'],
      snapshot: snapshot({cluster: {nodes: ['n1', 'n2', 'n3'].map((n, i) => ({name: n, podCIDRs: [], labels: {}, src: at(`name: ${n}`, i + 1, 'nodes.yaml')})), pods: [
        {name: 'cilium-operator-6d8f7c9b4-x2k9p', restarts: 0, ready: true, phase: 'Running', src: at('phase: Running', 10, 'k8s-pods.yaml')},
        {name: 'cilium-operator-6d8f7c9b4-q7w4z', restarts: 0, ready: false, phase: 'Pending', src: at('phase: Pending', 30, 'k8s-pods.yaml')},
      ]}}),
      expect: {count: 1, severity: 'medium', message: /1 cilium-operator replica\(s\) Pending while another runs/, evidence: {line: 30}, noHelm: true},
    },
    {
      name: 'standby replica Pending on a one-node cluster → info, operator.replicas: 1', messageIds: ['standby-pending-single-node'],
      snapshot: snapshot({cluster: {nodes: [{name: 'n1', podCIDRs: [], labels: {}, src: at('name: n1', 1, 'nodes.yaml')}], pods: [
        {name: 'cilium-operator-6d8f7c9b4-x2k9p', restarts: 0, ready: true, phase: 'Running', src: at('phase: Running', 10, 'k8s-pods.yaml')},
        {name: 'cilium-operator-6d8f7c9b4-q7w4z', restarts: 0, ready: false, phase: 'Pending', src: at('phase: Pending', 30, 'k8s-pods.yaml')},
      ]}}),
      expect: {count: 1, severity: 'info', message: /one-node cluster/, helm: {path: 'operator.replicas', value: 1}},
    },
    {
      name: '3 replicas on 2 nodes: the third is Pending by design → info, operator.replicas: 2, no replicas-not-ready', messageIds: ['replicas-exceed-nodes'],
      snapshot: snapshot({cluster: {operator: op(3, 2, 2), nodes: ['n1', 'n2'].map((n, i) => ({name: n, podCIDRs: [], labels: {}, src: at(`name: ${n}`, i + 1, 'nodes.yaml')})), pods: [
        {name: 'cilium-operator-6d8f7c9b4-x2k9p', restarts: 0, ready: true, phase: 'Running', src: at('phase: Running', 10, 'k8s-pods.yaml')},
        {name: 'cilium-operator-6d8f7c9b4-h5v7c', restarts: 0, ready: true, phase: 'Running', src: at('phase: Running', 20, 'k8s-pods.yaml')},
        {name: 'cilium-operator-6d8f7c9b4-q7w4z', restarts: 0, ready: false, phase: 'Pending', src: at('phase: Pending', 30, 'k8s-pods.yaml')},
      ]}}),
      expect: {count: 1, severity: 'info', message: /3 replicas on 2 nodes/, evidence: {line: 30}, helm: {path: 'operator.replicas', value: 2}},
    },
    {
      name: '2 replicas on 1 node with the Deployment: standby only, not an outage', messageIds: ['standby-pending-single-node'],
      snapshot: snapshot({cluster: {operator: op(2, 1, 1), nodes: [{name: 'n1', podCIDRs: [], labels: {}, src: at('name: n1', 1, 'nodes.yaml')}], pods: [
        {name: 'cilium-operator-6d8f7c9b4-x2k9p', restarts: 0, ready: true, phase: 'Running', src: at('phase: Running', 10, 'k8s-pods.yaml')},
        {name: 'cilium-operator-6d8f7c9b4-q7w4z', restarts: 0, ready: false, phase: 'Pending', src: at('phase: Pending', 30, 'k8s-pods.yaml')},
      ]}}),
      expect: {count: 1, severity: 'info', helm: {path: 'operator.replicas', value: 1}},
    },
  ],
  notEvaluated: [{name: 'only agent pods', snapshot: snapshot({agents: [agent('cilium-a', {pod: {name: 'cilium-a', restarts: 0, src: at('x')}})]})}],
})
