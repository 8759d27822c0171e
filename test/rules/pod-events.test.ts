import rule from '../../rules/pod-events.js'
import type {PodEvent, PodInfo} from '../../src/snapshot/schema.js'
import {at, snapshot} from '../helpers/snapshot.js'
import {ruleTester} from './_rule-tester.js'

let line = 40
const event = (pod: string, type: string, reason: string, message: string, count = 1): PodEvent =>
  ({pod, type, reason, age: '3m', count, message, src: at(`  ${type}  ${reason}  3m  kubelet  ${message}`, ++line, 'describe.txt')})
const pod = (name: string, ready: boolean): PodInfo => ({name, ready, restarts: 0, phase: 'Running', src: at(`Name: ${name}`, 1, 'describe.txt')})

ruleTester(rule, {
  valid: [
    {name: 'only Normal events', snapshot: snapshot({cluster: {podEvents: [event('cilium-x1', 'Normal', 'Pulled', 'Container image "quay.io/cilium/cilium:v1.16.5" already present on machine'), event('cilium-x1', 'Normal', 'Started', 'Started container cilium-agent')]}})},
    {name: 'back-off and scheduling warnings belong to other checks', snapshot: snapshot({cluster: {podEvents: [event('cilium-x1', 'Warning', 'BackOff', 'Back-off restarting failed container cilium-agent in pod cilium-x1', 12), event('cilium-operator-1', 'Warning', 'FailedScheduling', '0/1 nodes are available: 1 node(s) didn\'t have free ports for the requested pod ports.')]}})},
  ],
  invalid: [
    {
      name: 'bpf-maps volume cannot be mounted → critical', messageIds: ['bpf-mount-failed'],
      snapshot: snapshot({cluster: {podEvents: [event('cilium-x1', 'Warning', 'Failed', 'Error: failed to generate container spec: path "/sys/fs/bpf" is mounted on "/sys" but it is not a shared or slave mount', 4)]}}),
      expect: {count: 1, severity: 'critical', message: /cilium-x1: Failed ×4/, fix: /mount --make-shared \/sys\/fs\/bpf/},
    },
    {
      name: 'cilium-ipsec-keys missing → critical, create the Secret', messageIds: ['secret-mount-failed'],
      snapshot: snapshot({cluster: {podEvents: [event('cilium-x1', 'Warning', 'FailedMount', 'MountVolume.SetUp failed for volume "cilium-ipsec-secrets" : secret "cilium-ipsec-keys" not found', 9)]}}),
      expect: {count: 1, severity: 'critical', fix: /cilium-ipsec-keys Secret/},
    },
    {
      name: 'hubble TLS secret missing → high', messageIds: ['secret-mount-failed'],
      snapshot: snapshot({cluster: {podEvents: [event('cilium-x1', 'Warning', 'FailedMount', 'MountVolume.SetUp failed for volume "hubble-tls" : secret "hubble-server-certs" not found')]}}),
      expect: {count: 1, severity: 'high', fix: /Secret or ConfigMap/},
    },
    {
      name: 'readiness probe naming kvstore, pod not ready → high, etcd fix', messageIds: ['probe-failed'],
      snapshot: snapshot({cluster: {pods: [pod('cilium-x1', false)], podEvents: [event('cilium-x1', 'Warning', 'Unhealthy', 'Readiness probe failed: KVStore: Failure Err: Not able to connect to any etcd endpoints', 31)]}}),
      expect: {count: 1, severity: 'high', message: /Unhealthy ×31/, fix: /etcd/},
    },
    {
      name: 'probe timeouts on a pod that is Ready now → medium', messageIds: ['probe-failed'],
      snapshot: snapshot({cluster: {pods: [pod('cilium-x1', true)], podEvents: [event('cilium-x1', 'Warning', 'Unhealthy', 'Startup probe failed: Get "http://127.0.0.1:9879/healthz": dial tcp 127.0.0.1:9879: connect: connection refused', 3)]}}),
      expect: {count: 1, severity: 'medium', fix: /startupProbe/},
    },
    {
      name: 'evicted under memory pressure → high', messageIds: ['evicted'],
      snapshot: snapshot({cluster: {podEvents: [event('cilium-operator-1', 'Warning', 'Evicted', 'The node was low on resource: memory.')]}}),
      expect: {count: 1, severity: 'high', fix: /system-node-critical/},
    },
    {
      name: 'an unexplained warning is grouped, never dropped', messageIds: ['other-warnings'],
      snapshot: snapshot({cluster: {podEvents: [event('cilium-x1', 'Warning', 'FailedCreatePodSandBox', 'Failed to create pod sandbox: rpc error', 2), event('cilium-x2', 'Warning', 'FailedCreatePodSandBox', 'Failed to create pod sandbox: rpc error', 1)]}}),
      expect: {count: 1, severity: 'medium', message: /2 warning event\(s\) no check explains: FailedCreatePodSandBox ×3/},
    },
  ],
  notEvaluated: [{name: 'no describe output', snapshot: snapshot()}],
})
