import {capEvidence, ev, parseVersion, agentNode, configText, distinctEvidence, helmEvidence, helmString, kernelAtLeast, nameList} from '../src/rules/helpers.js'
import {EFFECTIVE} from '../src/cilium/effective.js'
import type {Snapshot} from '../src/snapshot/schema.js'
import type {Evidence} from '../src/rules/types.js'
import {defineRule} from '../src/rules/types.js'

const NETKIT = /^netkit(-l2)?$/

export default defineRule({
  meta: {
    id: 'netkit-not-effective',
    title: 'netkit configured but not effective',
    severity: 'critical',
    versions: '>=1.16',
    needs: [['config'], ['helm'], ['logs'], ['status']],
    features: ['netkit'],
    messages: {'not-effective': 'netkit configured but not effective'},
    description: 'datapath-mode netkit (cilium-config or Helm bpf.datapathMode) while status shows Device Mode veth, the agent fatal "netkit devices need kernel 6.7.0 or newer and CONFIG_NETKIT", nodes on kernels below 6.8, or netkit with legacy host routing.',
    why: 'The agent refuses to start with netkit on kernels < 6.7 or without CONFIG_NETKIT (CrashLoopBackOff: no networking for new pods on that node); where it runs, a veth device mode means the setting was never applied.',
    fix: 'Set bpf.datapathMode: veth now (agents restart, pods keep working), or upgrade the named nodes to kernel >= 6.8 with CONFIG_NETKIT and restore eBPF host routing.',
    sources: [
      'https://github.com/cilium/cilium/pull/35551',
      'https://docs.cilium.io/en/stable/operations/performance/tuning/',
      'https://github.com/cilium/cilium/blob/main/pkg/client/client.go',
    ],
  },
  check(ctx) {
    const s = ctx.snapshot
    const cfg = configText(s, 'datapath-mode')
    const helm = helmString(s, 'bpf.datapathMode')
    const configured = cfg && NETKIT.test(cfg.value) ? cfg.value : helm && NETKIT.test(helm) ? helm : undefined
    const acc: Acc = {parts: [], agents: new Set(), evidence: [], crash: false}
    if (configured) acc.evidence.push(cfg && NETKIT.test(cfg.value) ? ev(cfg.src) : helmEvidence(s, 'bpf.datapathMode'))
    const mismatch = deviceMismatch(s, configured, acc)
    const fatal = fatalLines(s, acc)
    if (configured || fatal || mismatch) {
      oldKernels(s, acc)
      legacyRouting(s, configured, acc)
    }
    if (acc.parts.length === 0) return []
    return [{
      severity: acc.crash ? 'critical' : 'high',
      messageId: 'not-effective',
      message: `netkit is not effective: ${acc.parts.join('; ')}`,
      agents: [...acc.agents],
      evidence: capEvidence(distinctEvidence(acc.evidence)),
      helm: [{
        path: 'bpf.datapathMode',
        value: 'veth',
        reason: 'restore a working datapath now; netkit needs kernel >= 6.8 with CONFIG_NETKIT and eBPF host routing on every node',
        cost: 'agents restart; pods created under netkit keep their devices until restarted',
      }],
      fix: 'Either set bpf.datapathMode: veth now, or upgrade the named nodes to kernel >= 6.8 with CONFIG_NETKIT (then restart the agents and the pods).',
    }]
  },
})

interface Acc {parts: string[], agents: Set<string>, evidence: Evidence[], crash: boolean}

/** Agents running but not in netkit mode although it is configured (also 1.19+ "[Configured: netkit]"). */
function deviceMismatch(s: Snapshot, configured: string | undefined, acc: Acc): boolean {
  const mismatch = s.agents.filter((a) => {
    const d = a.status?.deviceMode
    if (!d) return false
    const want = d.configured?.toLowerCase() ?? configured
    return want !== undefined && NETKIT.test(want) && !NETKIT.test(d.value.toLowerCase())
  })
  if (mismatch.length === 0) return false
  acc.parts.push(`Device Mode is ${mismatch[0].status!.deviceMode!.value} on ${mismatch.length} agent(s) (${nameList(mismatch.map((a) => a.name))}) although ${configured ?? 'netkit'} is configured`)
  for (const a of mismatch) { acc.agents.add(a.name); acc.evidence.push(ev(a.status!.deviceMode!.src)) }
  return true
}

/** The fatal at start-up: the agent is crash-looping on that node. */
function fatalLines(s: Snapshot, acc: Acc): boolean {
  const fatal = s.agents.flatMap((a) => a.logs.flatMap((l) => l.entries.filter((e) => e.kind === 'netkit-kernel').map((e) => ({a, e}))))
  if (fatal.length === 0) return false
  acc.crash = true
  const names = [...new Set(fatal.map((f) => f.a.name))]
  acc.parts.push(`${names.length} agent(s) (${nameList(names)}) logged "${fatal[0].e.msg}"`)
  for (const f of fatal) { acc.agents.add(f.a.name); acc.evidence.push(ev(f.e.src)) }
  return true
}

/** Nodes whose kernel cannot run netkit: < 6.7 is refused by the agent, 6.7 passes the probe but docs require 6.8. */
function oldKernels(s: Snapshot, acc: Acc): void {
  const [major, minor] = parseVersion(EFFECTIVE.netkit.kernel!.min)!
  const old = (s.cluster.nodes ?? []).filter((n) => kernelAtLeast(n, major, minor) === false)
  if (old.length === 0) return
  const refused = old.filter((n) => kernelAtLeast(n, 6, 7) === false)
  acc.parts.push(`${old.length} node(s) run kernel < 6.8: ${nameList(old.map((n) => `${n.name} (${n.kernel})`))}${refused.length > 0 ? `; the agent refuses netkit on the ${refused.length} below 6.7` : ''}`)
  acc.evidence.push(...old.slice(0, 3).map((n) => ev(n.src)))
  const oldNames = new Set(old.map((n) => n.name))
  for (const a of s.agents) {
    const node = agentNode(a)
    if (!node || !oldNames.has(node)) continue
    acc.agents.add(a.name)
    const p = a.pod
    if (p && (p.restarts > 0 || p.ready === false) && refused.some((n) => n.name === node)) {
      acc.crash = true
      acc.evidence.push(ev(p.src))
    }
  }
}

function legacyRouting(s: Snapshot, configured: string | undefined, acc: Acc): void {
  const legacy = s.agents.filter((a) => a.status?.routing?.host === 'Legacy' && (configured || NETKIT.test(a.status.deviceMode?.value.toLowerCase() ?? '')))
  if (legacy.length === 0) return
  acc.parts.push(`host routing is Legacy on ${legacy.length} agent(s) (${nameList(legacy.map((a) => a.name))}) but netkit needs eBPF host routing`)
  for (const a of legacy) { acc.agents.add(a.name); acc.evidence.push(ev(a.status!.routing!.src)) }
}
