import {agentsWith, capEvidence, ev, parseVersion, versionSatisfies, agentPhrase, distinctEvidence, groupBy} from '../src/rules/helpers.js'
import type {CheckResult, Severity} from '../src/rules/types.js'
import {defineRule} from '../src/rules/types.js'
import type {SourceRef} from '../src/snapshot/schema.js'

interface Bad {agent: string, state: string, message: string, src: SourceRef, earlyExit: boolean, version?: string}

// "Disabled" is a healthy state for the kvstore (CRD identity mode) and for the status line itself.
const FINE = new Set(['ok', 'disabled'])

/** "1.17.4 (v1.17.4-b7c1d0a2)    Stale status data" → "Stale status data": agents on different builds group together. */
export function reason(message: string): string {
  return message.replace(/^v?\d+\.\d+\.\d+\S*(\s+\([^)]*\))?\s*/, '').replace(/\s{2,}/g, ' ').trim() || message.trim()
}

function severityOf(state: string): Severity {
  return state.toLowerCase() === 'failure' ? 'critical' : 'high'
}

function grouped(bads: Bad[], what: string, fix: string): CheckResult[] {
  const out: CheckResult[] = []
  // One finding per (state, message): 1000 agents failing the same way is one problem.
  for (const list of groupBy(bads, (b) => `${b.state}\u0000${b.message}`).values()) {
    const {state, message} = list[0]
    const names = list.map((b) => b.agent)
    const exited = list.some((b) => b.earlyExit)
    // Modules Health exists from 1.14 on and older agents never printed it: only a known 1.14+ agent's gap is
    // certainly the early exit.
    const modern = list.every((b) => versionSatisfies(b.version, '>=1.14') && parseVersion(b.version) !== undefined)
    out.push({
      severity: severityOf(state),
      messageId: what === 'Cilium agent state' ? 'agent-not-ok' : what === 'Kubernetes connectivity' ? 'kubernetes-not-ok' : 'kvstore-not-ok',
      message: `${what} is ${state} on ${agentPhrase(names)}${message ? `: ${message}` : ''}` +
        (exited
          ? modern
            ? ' (cilium-dbg status exits early when the agent is not Ok, so later sections such as Cluster health and Modules Health are not shown)'
            : '; later sections such as Cluster health are not shown (older agent or early exit)'
          : ''),
      agents: names,
      evidence: capEvidence(distinctEvidence(list.map((b) => ev(b.src)))),
      helm: [],
      fix,
    })
  }
  return out
}

export default defineRule({
  meta: {
    id: 'agent-not-ok',
    title: 'Cilium agent status not OK',
    severity: 'critical',
    versions: '*',
    needs: [['status']],
    messages: {'agent-not-ok': 'the Cilium agent state is not Ok', 'kubernetes-not-ok': 'the agent cannot reach Kubernetes', 'kvstore-not-ok': 'the agent cannot reach its kvstore'},
    description: 'Reads the Cilium:, Kubernetes: and KVStore: lines of cilium-dbg status. Cilium state Warning is high, Failure is critical; KVStore "Disabled" is healthy.',
    why: 'A non-Ok agent state means the agent cannot fully program the datapath (API server unreachable, CNI config not written, probes stale); new pods and policy changes may not take effect on that node.',
    fix: 'Read the state message and the agent log of the named pods; fix API-server or kvstore connectivity; restart the agent only after the cause is known.',
    sources: [
      'https://github.com/cilium/cilium/blob/main/daemon/cmd/status.go',
      'https://github.com/cilium/cilium/blob/main/pkg/client/client.go',
    ],
  },
  check(ctx) {
    const agents = agentsWith(ctx.snapshot, 'status')
    const usable = agents.filter((a) => a.status.cilium || a.status.kubernetes || a.status.kvstore)
    if (usable.length === 0) ctx.notEvaluated('status output has no Cilium:, Kubernetes: or KVStore: line')
    const cilium: Bad[] = []
    const k8s: Bad[] = []
    const kv: Bad[] = []
    for (const a of usable) {
      const s = a.status
      if (s.cilium && !FINE.has(s.cilium.state.toLowerCase())) {
        cilium.push({agent: a.name, state: s.cilium.state, message: reason(s.cilium.message), src: s.cilium.src, earlyExit: s.earlyExit, version: s.cilium.version ?? ctx.ciliumVersion})
      }
      if (s.kubernetes && !FINE.has(s.kubernetes.state.toLowerCase())) {
        k8s.push({agent: a.name, state: s.kubernetes.state, message: s.kubernetes.message, src: s.kubernetes.src, earlyExit: false})
      }
      if (s.kvstore && !FINE.has(s.kvstore.state.toLowerCase())) {
        kv.push({agent: a.name, state: s.kvstore.state, message: s.kvstore.message, src: s.kvstore.src, earlyExit: false})
      }
    }
    return [
      ...grouped(cilium, 'Cilium agent state', 'Read the message and the agent log (logs-<pod>-cilium-agent*.log); the agent reports why it is not ready.'),
      ...grouped(k8s, 'Kubernetes connectivity', 'Check API-server reachability from the node (k8sServiceHost/k8sServicePort, network policies, API-server load).'),
      ...grouped(kv, 'KVStore connectivity', 'Check the etcd / clustermesh-apiserver endpoints and certificates; identities and ipcache stop propagating while the kvstore is down.'),
    ]
  },
})
