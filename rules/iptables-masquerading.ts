import {agentsWith, capEvidence, ev} from '../src/rules/helpers.js'
import type {Evidence, Rule} from '../src/rules/types.js'
import {agentPhrase, configText, distinctEvidence, isTrue} from './_health-common.js'
import {PREREQ, kprPrereq} from './_health-datapath.js'

export default {
  meta: {
    id: 'iptables-masquerading',
    title: 'iptables masquerading instead of BPF',
    severity: 'medium',
    versions: '*',
    needs: [['status'], ['config']],
    catalog: ['R-DP-03'],
    description: 'Status "Masquerading: IPTables …", or (without status) cilium-config enable-ipv4-masquerade true with enable-bpf-masquerade absent/false. Masquerading Disabled and BPF masquerading pass.',
    why: 'iptables SNAT costs per-packet netfilter work and blocks eBPF host routing (the agent falls back to legacy), egress gateway and BIG TCP.',
    fix: 'bpf.masquerade: true (needs kube-proxy replacement in practice; native routing needs ipv4NativeRoutingCIDR).',
    prerequisites: 'kube-proxy replacement',
    sources: [
      'pkg/client/client.go FormatStatusResponse (Masquerading line), https://github.com/cilium/cilium',
      'Documentation/operations/performance/tuning.rst (eBPF masquerading)',
      'Documentation/network/egress-gateway/egress-gateway.rst (requires bpf.masquerade)',
    ],
  },
  check(ctx) {
    const s = ctx.snapshot
    const withMasq = agentsWith(s, 'status').filter((a) => a.status.masquerading)
    let names: string[] = []
    const evidence: Evidence[] = []
    if (withMasq.length > 0) {
      const ipt = withMasq.filter((a) => /^iptables/i.test(a.status.masquerading!.mode))
      names = ipt.map((a) => a.name)
      evidence.push(...ipt.map((a) => ev(a.status.masquerading!.src)))
      if (ipt.length === 0) return []
    } else {
      const bpf = configText(s, 'enable-bpf-masquerade')
      const v4 = configText(s, 'enable-ipv4-masquerade')
      if (!bpf && !v4) ctx.notEvaluated('no Masquerading line in status and no masquerade keys in cilium-config')
      // enable-ipv4-masquerade defaults to true in the agent.
      if (bpf && isTrue(bpf.value)) return []
      if (v4 && !isTrue(v4.value)) return []
      evidence.push(...[bpf, v4].filter((x) => x !== undefined).map((x) => ev(x.src)))
    }
    const legacy = s.agents.some((a) => a.status?.routing?.host === 'Legacy')
    const kpr = kprPrereq(s, withMasq[0])
    return [{
      severity: legacy ? 'medium' : 'info',
      message: `Masquerading is done by iptables${names.length > 0 ? ` on ${agentPhrase(names)}` : ' (cilium-config)'}` +
        (legacy ? '; this is one reason host routing is Legacy' : '') +
        `; kube-proxy replacement ${kpr.verdict === 'met' ? 'is enabled' : kpr.verdict === 'unknown' ? 'state unknown' : 'is NOT enabled (enable it first)'}`,
      agents: names,
      evidence: capEvidence(distinctEvidence([...evidence, ...(kpr.evidence ? [kpr.evidence] : [])])),
      helm: [{
        path: 'bpf.masquerade',
        value: true,
        reason: 'eBPF SNAT: cheaper than iptables and a prerequisite of eBPF host routing, egress gateway and BIG TCP',
        cost: 'agents restart; masqueraded connections in flight may reset; native routing needs ipv4NativeRoutingCIDR',
        prerequisites: [PREREQ.kpr],
      }],
    }]
  },
} satisfies Rule
