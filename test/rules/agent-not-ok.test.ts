import rule from '../../rules/agent-not-ok.js'
import {agent, at, snapshot, status} from '../helpers/snapshot.js'
import {ruleTester} from './_rule-tester.js'

const ok = (name: string) => agent(name, {status: status({
  kvstore: {state: 'Disabled', message: '', src: at('KVStore:   Disabled', 1)},
  kubernetes: {state: 'Ok', message: '1.34 (v1.34.4) [linux/amd64]', src: at('Kubernetes:   Ok   1.34 (v1.34.4) [linux/amd64]', 2)},
  cilium: {state: 'Ok', message: '1.18.7 (v1.18.7-2adae214)', version: '1.18.7', src: at('Cilium:   Ok   1.18.7 (v1.18.7-2adae214)', 9)},
})})

const failing = (name: string, state: string, message: string, version?: string) => agent(name, {status: status({
  earlyExit: true,
  kubernetes: {state: 'Ok', message: '1.34', src: at('Kubernetes:   Ok   1.34', 2, `${name}/status.txt`)},
  cilium: {state, message, ...(version ? {version} : {}), src: at(`Cilium:   ${state}   ${message}`, 9, `${name}/status.txt`)},
})})

ruleTester(rule, {
  valid: [
    {name: 'all agents Ok, KVStore Disabled (1.17+ form)', snapshot: snapshot({agents: [ok('cilium-a'), ok('cilium-b')]})},
    {name: 'KVStore "Ok   Disabled" (≤1.16 form)', snapshot: snapshot({agents: [agent('cilium-a', {status: status({
      kvstore: {state: 'Ok', message: 'Disabled', src: at('KVStore:   Ok   Disabled')},
      cilium: {state: 'Ok', message: 'OK', src: at('Cilium:   Ok   OK')},
    })})]})},
  ],
  invalid: [
    {
      name: 'Failure on two agents with the same message → one critical finding', messageIds: ['agent-not-ok'],
      snapshot: snapshot({agents: [
        failing('cilium-a', 'Failure', 'Kubernetes service is not ready: 403 Forbidden'),
        failing('cilium-b', 'Failure', 'Kubernetes service is not ready: 403 Forbidden'),
        ok('cilium-c'),
      ]}),
      expect: {count: 1, severity: 'critical', agents: ['cilium-a', 'cilium-b'], message: /Failure on 2 agents.*403 Forbidden.*exits early when the agent is not Ok/,
        evidence: {text: 'Cilium:   Failure   Kubernetes service is not ready: 403 Forbidden', line: 9}},
    },
    {
      name: 'versions stripped from the reason so different builds group', messageIds: ['agent-not-ok'],
      snapshot: snapshot({agents: [
        failing('cilium-a', 'Warning', '1.17.4 (v1.17.4-b7c1d0a2)    Stale status data'),
        failing('cilium-b', 'Warning', '1.17.6 (v1.17.6-c0a6e9f3)    Stale status data'),
      ]}),
      expect: {count: 1, severity: 'high', agents: ['cilium-a', 'cilium-b'], message: /Warning on 2 agents \(cilium-a, cilium-b\): Stale status data; later sections/},
    },
    {
      // field trial (1.2 status): "missing because of early exit" was claimed for sections 1.2 never printed
      name: 'old agent without a version: sections "not shown (older agent or early exit)", never "missing"', messageIds: ['agent-not-ok'],
      snapshot: snapshot({agents: [failing('cilium-a', 'Warning', 'Stale status data (since 2018-08-24 22:38:50 +0000 UTC)')]}),
      expect: {count: 1, severity: 'high', message: /^Cilium agent state is Warning on cilium-a: Stale status data \(since [^)]*\); later sections such as Cluster health are not shown \(older agent or early exit\)$/},
    },
    {
      name: 'known 1.16 agent: the early exit is named as the reason', messageIds: ['agent-not-ok'],
      snapshot: snapshot({agents: [failing('cilium-a', 'Failure', '1.16.4 (v1.16.4-abc)   Kubernetes service is not ready', '1.16.4')]}),
      expect: {count: 1, severity: 'critical', message: /exits early when the agent is not Ok, so later sections such as Cluster health and Modules Health are not shown/},
    },
    {
      name: 'Warning → high', messageIds: ['agent-not-ok'],
      snapshot: snapshot({agents: [failing('cilium-x', 'Warning', 'Not all probes executed at least once'), ok('cilium-y')]}),
      expect: {count: 1, severity: 'high', agents: ['cilium-x'], message: /Warning on cilium-x: Not all probes/},
    },
    {
      name: 'KVStore Failure while Cilium line is Ok', messageIds: ['kvstore-not-ok'],
      snapshot: snapshot({agents: [agent('cilium-a', {status: status({
        kvstore: {state: 'Failure', message: 'Err: quorum check failed', src: at('KVStore:   Failure   Err: quorum check failed', 1)},
        cilium: {state: 'Ok', message: '1.16.4', src: at('Cilium:   Ok   1.16.4')},
      })})]}),
      expect: {count: 1, severity: 'critical', agents: ['cilium-a'], message: /KVStore connectivity is Failure.*quorum/, evidence: {line: 1}},
    },
    {
      name: 'Kubernetes Warning', messageIds: ['kubernetes-not-ok'],
      snapshot: snapshot({agents: [agent('cilium-a', {status: status({
        kubernetes: {state: 'Warning', message: 'timeout', src: at('Kubernetes:   Warning   timeout', 2)},
      })})]}),
      expect: {severity: 'high', message: /Kubernetes connectivity is Warning/},
    },
  ],
  notEvaluated: [
    {name: 'status without state lines', snapshot: snapshot({agents: [agent('cilium-a', {status: status({})})]})},
    {name: 'no status at all', snapshot: snapshot({agents: [agent('cilium-a')]})},
  ],
})
