import rule from '../../rules/agent-restarts.js'
import type {AgentLog, PodInfo} from '../../src/snapshot/schema.js'
import {agent, at, snapshot} from '../helpers/snapshot.js'
import {ruleTester} from './_health-tester.js'

const pod = (name: string, restarts: number, extra: Partial<PodInfo> = {}): PodInfo =>
  ({name, namespace: 'kube-system', node: `node-${name.slice(-1)}`, phase: 'Running', ready: true, restarts, src: at(`name: ${name} restartCount: ${restarts}`, 5, 'k8s-pods.yaml'), ...extra})

const log = (file: string, previous: boolean, entries: Array<{level: string, kind: 'fatal' | 'warning' | 'error', msg: string}>): AgentLog => ({
  file, previous, format: 'logfmt', lines: 100, levels: {}, debugLines: 0, truncated: false,
  entries: entries.map((e, i) => ({...e, src: at(`level=${e.level} msg="${e.msg}"`, 90 + i, file)})),
})

ruleTester(rule, {
  valid: [
    {name: 'no restarts, warnings only in logs', snapshot: snapshot({
      agents: [agent('cilium-abcde', {pod: pod('cilium-abcde', 0), logs: [log('cilium-abcde.log', false, [{level: 'warning', kind: 'warning', msg: 'Unable to update ipcache map entry'}])]})],
    })},
    {name: 'operator pod restarts are not agent restarts', snapshot: snapshot({cluster: {pods: [pod('cilium-operator-6d8f7c9b4-abcde', 3), pod('cilium-xyz12', 0)]}})},
  ],
  invalid: [
    {
      name: 'restarted and not Ready → critical crash loop',
      snapshot: snapshot({cluster: {pods: [pod('cilium-aaaaa', 12, {ready: false}), pod('cilium-bbbbb', 1), pod('cilium-ccccc', 0)]}}),
      expect: {count: 1, severity: 'critical', agents: ['cilium-aaaaa', 'cilium-bbbbb'], message: /2 agent pod\(s\) restarted .*cilium-aaaaa x12, cilium-bbbbb x1; not Ready now: cilium-aaaaa/, evidence: {line: 5}},
    },
    {
      name: 'one restart of a Ready agent (no time window in restartCount) → medium',
      snapshot: snapshot({agents: [agent('cilium-aaaaa', {pod: pod('cilium-aaaaa', 1)})]}),
      expect: {count: 1, severity: 'medium', agents: ['cilium-aaaaa']},
    },
    {
      name: 'repeated restarts of a Ready agent → high',
      snapshot: snapshot({agents: [agent('cilium-aaaaa', {pod: pod('cilium-aaaaa', 4)})]}),
      expect: {count: 1, severity: 'high', message: /cilium-aaaaa x4/},
    },
    {
      name: 'OOMKilled with a limit',
      snapshot: snapshot({agents: [agent('cilium-aaaaa', {pod: pod('cilium-aaaaa', 0, {lastTerminationReason: 'OOMKilled', memoryLimitBytes: 1024 * 2 ** 20})})]}),
      expect: {count: 1, severity: 'high', message: /OOMKilled on cilium-aaaaa \(memory limit 1024 MiB\)/, fix: /mapDynamicSizeRatio/},
    },
    {
      name: 'fatal in the previous log with a known hint → critical',
      snapshot: snapshot({agents: [agent('cilium-aaaaa', {logs: [log('cilium-aaaaa-previous.log', true, [{level: 'fatal', kind: 'fatal', msg: "BPF bandwidth manager's BBR setup requires BPF host routing."}])]})]}),
      expect: {count: 1, severity: 'critical', message: /previous container.*BBR setup requires BPF host routing/, evidence: {line: 90, text: /level=fatal/}, fix: /bandwidthManager\.bbr/},
    },
  ],
  notEvaluated: [{name: 'no pods or logs', snapshot: snapshot({agents: [agent('cilium-aaaaa')]})}],
})
