import {capEvidence, ev, agentNode, configText, distinctEvidence, helmEvidence, helmString, kernelAtLeast, nameList} from '../src/rules/helpers.js'
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
    const evidence: Evidence[] = []
    if (configured) evidence.push(cfg && NETKIT.test(cfg.value) ? ev(cfg.src) : helmEvidence(s, 'bpf.datapathMode'))

    const parts: string[] = []
    const agents = new Set<string>()
    let crash = false

    // Agents running but not in netkit mode although it is configured (also 1.19+ "[Configured: netkit]").
    const mismatch = s.agents.filter((a) => {
      const d = a.status?.deviceMode
      if (!d) return false
      const want = d.configured?.toLowerCase() ?? configured
      return want !== undefined && NETKIT.test(want) && !NETKIT.test(d.value.toLowerCase())
    })
    if (mismatch.length > 0) {
      parts.push(`Device Mode is ${mismatch[0].status!.deviceMode!.value} on ${mismatch.length} agent(s) (${nameList(mismatch.map((a) => a.name))}) although ${configured ?? 'netkit'} is configured`)
      for (const a of mismatch) { agents.add(a.name); evidence.push(ev(a.status!.deviceMode!.src)) }
    }

    // The fatal at start-up: the agent is crash-looping on that node.
    const fatal = s.agents.flatMap((a) => a.logs.flatMap((l) => l.entries.filter((e) => e.kind === 'netkit-kernel').map((e) => ({a, e}))))
    if (fatal.length > 0) {
      crash = true
      const names = [...new Set(fatal.map((f) => f.a.name))]
      parts.push(`${names.length} agent(s) (${nameList(names)}) logged "${fatal[0].e.msg}"`)
      for (const f of fatal) { agents.add(f.a.name); evidence.push(ev(f.e.src)) }
    }

    // Nodes whose kernel cannot run netkit: < 6.7 is refused by the agent, 6.7 passes the probe but docs require 6.8.
    if (configured || fatal.length > 0 || mismatch.length > 0) {
      const nodes = s.cluster.nodes ?? []
      const old = nodes.filter((n) => kernelAtLeast(n, 6, 8) === false)
      if (old.length > 0) {
        const refused = old.filter((n) => kernelAtLeast(n, 6, 7) === false)
        parts.push(`${old.length} node(s) run kernel < 6.8: ${nameList(old.map((n) => `${n.name} (${n.kernel})`))}${refused.length > 0 ? `; the agent refuses netkit on the ${refused.length} below 6.7` : ''}`)
        evidence.push(...old.slice(0, 3).map((n) => ev(n.src)))
        const oldNames = new Set(old.map((n) => n.name))
        for (const a of s.agents) {
          const node = agentNode(a)
          if (!node || !oldNames.has(node)) continue
          agents.add(a.name)
          const p = a.pod
          if (p && (p.restarts > 0 || p.ready === false) && refused.some((n) => n.name === node)) {
            crash = true
            evidence.push(ev(p.src))
          }
        }
      }
      const legacy = s.agents.filter((a) => a.status?.routing?.host === 'Legacy' && (configured || NETKIT.test(a.status.deviceMode?.value.toLowerCase() ?? '')))
      if (legacy.length > 0) {
        parts.push(`host routing is Legacy on ${legacy.length} agent(s) (${nameList(legacy.map((a) => a.name))}) but netkit needs eBPF host routing`)
        for (const a of legacy) { agents.add(a.name); evidence.push(ev(a.status!.routing!.src)) }
      }
    }
    if (parts.length === 0) return []
    return [{
      severity: crash ? 'critical' : 'high',
      messageId: 'not-effective',
      message: `netkit is not effective: ${parts.join('; ')}`,
      agents: [...agents],
      evidence: capEvidence(distinctEvidence(evidence)),
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
