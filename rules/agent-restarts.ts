import {capEvidence, ev, agentPhrase, distinctEvidence, groupBy, nameList} from '../src/rules/helpers.js'
import type {CheckResult} from '../src/rules/types.js'
import {defineRule} from '../src/rules/types.js'
import {causeOf} from '../src/logs/causes.js'
import {isFatal, isStartFailure} from '../src/logs/claimed.js'
import {logfmtFields} from '../src/parse/agent-log.js'
import type {LogEntry, PodInfo, Snapshot} from '../src/snapshot/schema.js'

// Agent DaemonSet pods: "cilium-" + 5-char suffix; the operator and envoy pods are not agents.
const AGENT_POD = /^cilium-(?!operator|envoy)[a-z0-9]{5}$/
// Restarts of a Ready agent from which on it is "repeated" rather than occasional (heuristic).
const REPEATED = 3

// Known start-up fatals and what to change (R-AGT-06 list).
const HINTS: Array<[RegExp, string]> = [
  [/netkit devices need kernel/i, 'netkit on a kernel < 6.7 or without CONFIG_NETKIT: set bpf.datapathMode: veth or upgrade the kernel'],
  [/BBR setup requires BPF host routing/i, 'bandwidthManager.bbr needs eBPF host routing: fix legacy host routing or set bandwidthManager.bbr: false'],
  [/enable-bbr, needs kernel 5\.18/i, 'bandwidthManager.bbr needs kernel >= 5.18'],
  [/distributed LRU is only valid with a specified dynamic map size ratio/i, 'bpf.distributedLRU.enabled needs bpf.mapDynamicSizeRatio'],
  [/dynamic map size ratio/i, 'bpf.mapDynamicSizeRatio must be in (0, 1]'],
  [/max entries|must not exceed maximum/i, 'a bpf.*Max map size is out of range'],
]

function hintFor(msg: string): string | undefined {
  return HINTS.find(([re]) => re.test(msg))?.[1]
}

export default defineRule({
  meta: {
    id: 'agent-restarts',
    title: 'Agent restarts, OOM kills and fatal errors',
    severity: 'critical',
    versions: '*',
    needs: [['pods'], ['logs']],
    messages: {'restarted': 'agent pods restarted', 'oom-killed': 'the agent container was OOMKilled', 'start-failure-*': 'the agent failed to start, by cause (src/logs/causes.ts)', 'fatal-*': 'a fatal agent log line, by cause (src/logs/causes.ts)'},
    description: 'Cilium agent pods with restartCount > 0 (medium for 1-2 restarts of a Ready agent, high from 3, critical when not Ready: crash loop), last termination OOMKilled, fatal/panic lines in agent logs (current or --previous), with hints for the known start-up fatals, and start-up failures logged at level=error ("error while opening/creating BPF maps", "Failed to start hive", "Start hook failed", "failed to create map") as critical.',
    why: 'While the agent is down no new pod on that node gets networking and policy/service changes are not applied; an OOM-killed agent often means BPF map memory is charged to its cgroup.',
    fix: 'Read the previous container log (kubectl logs --previous) for the fatal line; for OOMKilled compare the agent memory limit with BPF map memory (bpf.mapDynamicSizeRatio).',
    sources: [
      'https://docs.cilium.io/en/stable/operations/troubleshooting/',
      'https://github.com/cilium/cilium/blob/main/pkg/option/config.go',
      'https://github.com/cilium/cilium/pull/35551',
    ],
  },
  check(ctx) {
    const s = ctx.snapshot
    const byName = agentPods(s)
    const pods = [...byName.values()]
    const {fatals, starts} = fatalLines(s)
    return [
      ...restartedFinding(pods),
      ...oomFinding(pods),
      ...startFailureFindings(starts),
      ...fatalFindings(fatals, (n) => byName.get(n) ?? s.agents.find((a) => a.name === n)?.pod),
    ]
  },
})

interface LogHit {agent: string, e: LogEntry, previous: boolean}

/** Agent pods from the agents read and from the cluster's pod list, by name. */
function agentPods(s: Snapshot): Map<string, PodInfo> {
  const byName = new Map<string, PodInfo>()
  for (const a of s.agents) if (a.pod) byName.set(a.pod.name, a.pod)
  const agentNames = new Set(s.agents.map((a) => a.name))
  for (const p of s.cluster.pods ?? []) if (!byName.has(p.name) && (agentNames.has(p.name) || AGENT_POD.test(p.name))) byName.set(p.name, p)
  return byName
}

function restartedFinding(pods: PodInfo[]): CheckResult[] {
  const restarted = pods.filter((p) => p.restarts > 0)
  if (restarted.length === 0) return []
  const looping = restarted.filter((p) => p.ready === false || /crashloop/i.test(p.phase ?? ''))
  const sorted = [...restarted].sort((x, y) => y.restarts - x.restarts)
  // restartCount has no time window (a node reboot weeks ago counts too): a couple of restarts of a Ready
  // agent is medium, repeated restarts high, a restarting agent that is not Ready now critical.
  const many = restarted.some((p) => p.restarts >= REPEATED)
  return [{
    severity: looping.length > 0 ? 'critical' : many ? 'high' : 'medium',
    messageId: 'restarted',
    message: `${restarted.length} agent pod(s) restarted (restartCount is cumulative since pod creation): ${nameList(sorted.map((p) => `${p.name} x${p.restarts}`))}` +
      (looping.length > 0 ? `; not Ready now: ${nameList(looping.map((p) => p.name))} (crash loop: no networking for new pods on those nodes)` : ''),
    agents: sorted.map((p) => p.name),
    evidence: capEvidence(sorted.map((p) => ev(p.src))),
    helm: [],
    fix: 'kubectl -n kube-system logs --previous <pod> -c cilium-agent shows why the last container died.',
  }]
}

function oomFinding(pods: PodInfo[]): CheckResult[] {
  const oom = pods.filter((p) => /oomkilled/i.test(p.lastTerminationReason ?? ''))
  if (oom.length === 0) return []
  const limits = [...new Set(oom.map((p) => (p.memoryLimitBytes ? `${Math.round(p.memoryLimitBytes / 2 ** 20)} MiB` : 'no limit known')))]
  return [{
    severity: 'high',
    messageId: 'oom-killed',
    message: `Agent container OOMKilled on ${agentPhrase(oom.map((p) => p.name))} (memory limit ${limits.join(', ')}); BPF map memory is charged to the agent cgroup`,
    agents: oom.map((p) => p.name),
    evidence: capEvidence(oom.map((p) => ev(p.src))),
    helm: [],
    fix: 'Raise or remove the agent memory limit (resources.limits.memory), or lower bpf.mapDynamicSizeRatio to what map pressure justifies.',
  }]
}

function fatalLines(s: Snapshot): {fatals: LogHit[], starts: LogHit[]} {
  const fatals: LogHit[] = []
  const starts: LogHit[] = []
  for (const a of s.agents) {
    for (const l of a.logs) {
      for (const e of l.entries) {
        if (isFatal(e)) fatals.push({agent: a.name, e, previous: l.previous})
        else if (isStartFailure(e)) starts.push({agent: a.name, e, previous: l.previous})
      }
    }
  }
  return {fatals, starts}
}

/** "…on agents X (previous container): msg (error) — cause" as both kinds of finding word it. */
function logLineStory(kind: string, list: LogHit[], names: string[]): string {
  const first = list[0]
  const cause = causeOf(first.e.src.text)
  const detail = logfmtFields(first.e.src.text).error
  return `${kind} on ${agentPhrase(names)}${list.some((f) => f.previous) ? ' (previous container)' : ''}: ${first.e.msg}` +
    `${detail ? ` (${detail})` : ''}${cause.id === 'unknown' ? '' : ` — ${cause.summary}`}`
}

function startFailureFindings(starts: LogHit[]): CheckResult[] {
  // "Start hook failed", "Failed to start hive" and cobra's "Error: …" are one incident: grouped by cause
  return [...groupBy(starts, (f) => causeOf(f.e.src.text).id).values()].map((list) => {
    const names = [...new Set(list.map((f) => f.agent))]
    const cause = causeOf(list[0].e.src.text)
    return {
      severity: 'critical',
      messageId: `start-failure-${cause.id}`,
      message: `${logLineStory('Agent start-up failure', list, names)}; the agent cannot start, so no networking for new pods on that node`,
      agents: names,
      evidence: capEvidence(distinctEvidence(list.map((f) => ev(f.e.src)))),
      helm: [],
      fix: cause.fix,
    }
  })
}

function fatalFindings(fatals: LogHit[], podOf: (agent: string) => PodInfo | undefined): CheckResult[] {
  return [...groupBy(fatals, (f) => f.e.msg.replace(/\d+/g, 'N')).values()].map((list) => {
    const names = [...new Set(list.map((f) => f.agent))]
    const cause = causeOf(list[0].e.src.text)
    // A fatal line means the agent exited; only a pod seen Ready without restarts says it has recovered since.
    const recovered = names.every((n) => {
      const p = podOf(n)
      return p !== undefined && p.ready === true && p.restarts === 0
    })
    return {
      severity: recovered && !list.some((f) => f.previous) ? 'high' : 'critical',
      messageId: `fatal-${cause.id}`,
      message: `${logLineStory('Fatal agent log line', list, names)}; the agent exits on a fatal error`,
      agents: names,
      evidence: capEvidence(distinctEvidence(list.map((f) => ev(f.e.src)))),
      helm: [],
      fix: hintFor(list[0].e.msg) ?? cause.fix,
    }
  })
}
