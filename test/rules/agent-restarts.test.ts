import rule from '../../rules/agent-restarts.js'
import type {AgentLog, PodInfo} from '../../src/snapshot/schema.js'
import {agent, at, snapshot} from '../helpers/snapshot.js'
import {ruleTester} from './_rule-tester.js'

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
    {name: 'ordinary level=error lines are not start-up failures', snapshot: snapshot({
      agents: [agent('cilium-abcde', {logs: [log('cilium-abcde.log', false, [{level: 'error', kind: 'error', msg: 'Unable to contact k8s api-server'}])]})],
    })},
    {name: 'operator pod restarts are not agent restarts', snapshot: snapshot({cluster: {pods: [pod('cilium-operator-6d8f7c9b4-abcde', 3), pod('cilium-xyz12', 0)]}})},
  ],
  invalid: [
    {
      // field trial (1.15 log): a CT map ENOMEM at level=error stopped the agent and the rule passed
      name: 'level=error "error while opening/creating BPF maps … cannot allocate memory" → critical, memlock / map size fix', messageIds: ['start-failure-map-memory'],
      snapshot: snapshot({agents: [agent('cilium-aaaaa', {logs: [{
        file: 'cilium-aaaaa.log', previous: false, format: 'logfmt', lines: 12, levels: {error: 1}, debugLines: 0, truncated: false,
        entries: [{level: 'error', kind: 'error', msg: 'error while opening/creating BPF maps',
          src: at('level=error msg="error while opening/creating BPF maps" error="initializing conntrack map cilium_ct_any4_global: creating map: map create: cannot allocate memory" subsys=daemon', 9, 'cilium-aaaaa.log')}],
      }]})]}),
      expect: {count: 1, severity: 'critical', agents: ['cilium-aaaaa'], message: /start-up failure .*opening\/creating BPF maps \(.*cannot allocate memory\).*cannot start/,
        evidence: {line: 9}, fix: /memlock.*bpf\.mapDynamicSizeRatio/},
    },
    {
      // one incident logs "Start hook failed" then "Failed to start hive": grouped by cause, not by message
      name: 'hive start failures at level=error → critical, one finding per cause', messageIds: ['start-failure-unknown', 'start-failure-map-memory'],
      snapshot: snapshot({agents: [
        agent('cilium-aaaaa', {logs: [log('cilium-aaaaa.log', false, [{level: 'error', kind: 'error', msg: 'Start hook failed'}, {level: 'error', kind: 'error', msg: 'Failed to start hive'}])]}),
        agent('cilium-bbbbb', {logs: [log('cilium-bbbbb.log', false, [{level: 'error', kind: 'error', msg: 'failed to create map cilium_lb4_services_v2'}])]}),
      ]}),
      expect: [
        {count: 2, severity: 'critical', agents: ['cilium-aaaaa'], message: /Start hook failed/},
        {severity: 'critical', agents: ['cilium-bbbbb'], message: /failed to create map/, fix: /bpf\.mapDynamicSizeRatio/},
      ],
    },
    {
      name: 'restarted and not Ready → critical crash loop', messageIds: ['restarted'],
      snapshot: snapshot({cluster: {pods: [pod('cilium-aaaaa', 12, {ready: false}), pod('cilium-bbbbb', 1), pod('cilium-ccccc', 0)]}}),
      expect: {count: 1, severity: 'critical', agents: ['cilium-aaaaa', 'cilium-bbbbb'], message: /2 agent pod\(s\) restarted .*cilium-aaaaa x12, cilium-bbbbb x1; not Ready now: cilium-aaaaa/, evidence: {line: 5}},
    },
    {
      name: 'one restart of a Ready agent (no time window in restartCount) → medium', messageIds: ['restarted'],
      snapshot: snapshot({agents: [agent('cilium-aaaaa', {pod: pod('cilium-aaaaa', 1)})]}),
      expect: {count: 1, severity: 'medium', agents: ['cilium-aaaaa']},
    },
    {
      name: 'repeated restarts of a Ready agent → high', messageIds: ['restarted'],
      snapshot: snapshot({agents: [agent('cilium-aaaaa', {pod: pod('cilium-aaaaa', 4)})]}),
      expect: {count: 1, severity: 'high', message: /cilium-aaaaa x4/},
    },
    {
      name: 'OOMKilled with a limit', messageIds: ['oom-killed'],
      snapshot: snapshot({agents: [agent('cilium-aaaaa', {pod: pod('cilium-aaaaa', 0, {lastTerminationReason: 'OOMKilled', memoryLimitBytes: 1024 * 2 ** 20})})]}),
      expect: {count: 1, severity: 'high', message: /OOMKilled on cilium-aaaaa \(memory limit 1024 MiB\)/, fix: /mapDynamicSizeRatio/},
    },
    {
      name: 'fatal in the previous log with a known hint → critical', messageIds: ['fatal-unknown'],
      snapshot: snapshot({agents: [agent('cilium-aaaaa', {logs: [log('cilium-aaaaa-previous.log', true, [{level: 'fatal', kind: 'fatal', msg: "BPF bandwidth manager's BBR setup requires BPF host routing."}])]})]}),
      expect: {count: 1, severity: 'critical', message: /previous container.*BBR setup requires BPF host routing/, evidence: {line: 90, text: /level=fatal/}, fix: /bandwidthManager\.bbr/},
    },
  ],
  notEvaluated: [{name: 'no pods or logs', snapshot: snapshot({agents: [agent('cilium-aaaaa')]})}],
})
