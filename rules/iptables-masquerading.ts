import {agentsWith, capEvidence, ev, settingCut, agentPhrase, configText, distinctEvidence, groupBy, isTrue, agentVersion, kprEnableValue, kprPrereq, type Prereq} from '../src/rules/helpers.js'
import type {CheckResult, Evidence} from '../src/rules/types.js'
import {defineRule} from '../src/rules/types.js'

export default defineRule({
  meta: {
    id: 'iptables-masquerading',
    title: 'iptables masquerading instead of BPF',
    severity: 'medium',
    versions: '*',
    needs: [['status'], ['config']],
    features: ['bpf-masquerade'],
    messages: {'iptables-masquerading': 'masquerading done by iptables'},
    description: 'Status "Masquerading: IPTables …", or (without status) cilium-config enable-ipv4-masquerade true with enable-bpf-masquerade absent/false. Masquerading Disabled and BPF masquerading pass.',
    why: 'iptables SNAT costs per-packet netfilter work and blocks eBPF host routing (the agent falls back to legacy), egress gateway and BIG TCP.',
    fix: 'bpf.masquerade: true (needs kube-proxy replacement in practice; native routing needs ipv4NativeRoutingCIDR).',
    prerequisites: 'kube-proxy replacement',
    sources: [
      'https://github.com/cilium/cilium/blob/main/pkg/client/client.go',
      'https://docs.cilium.io/en/stable/operations/performance/tuning/',
      'https://docs.cilium.io/en/stable/network/egress-gateway/egress-gateway/',
    ],
  },
  check(ctx) {
    const s = ctx.snapshot
    const withMasq = agentsWith(s, 'status').filter((a) => a.status.masquerading)
    const groups: Array<{names: string[], legacy: boolean, kpr: Prereq, kprValue: ReturnType<typeof kprEnableValue>, evidence: Evidence[]}> = []
    if (withMasq.length > 0) {
      const ipt = withMasq.filter((a) => /^iptables/i.test(a.status.masquerading!.mode))
      if (ipt.length === 0) return []
      // Each agent's own routing and KPR lines: a folder of several clusters or a mixed rollout must not lend
      // one agent's facts to another. Agents with the same facts share a finding.
      const rows = ipt.map((a) => {
        const legacy = a.status.routing?.host === 'Legacy'
        const kpr = kprPrereq(s, a)
        const kprValue = kprEnableValue(agentVersion(a, ctx.ciliumVersion), a.status.kubeProxyReplacement?.mode)
        return {a, legacy, kpr, kprValue, key: `${legacy}|${kpr.verdict}|${kpr.detail}|${String(kprValue.value)}`}
      })
      for (const list of groupBy(rows, (r) => r.key).values()) {
        const {legacy, kpr, kprValue} = list[0]
        groups.push({
          names: list.map((r) => r.a.name), legacy, kpr, kprValue,
          evidence: list.flatMap((r) => [ev(r.a.status.masquerading!.src), ...(r.legacy ? [ev(r.a.status.routing!.src)] : []), ...(r.kpr.evidence ? [r.kpr.evidence] : [])]),
        })
      }
    } else {
      const bpf = configText(s, 'enable-bpf-masquerade')
      const v4 = configText(s, 'enable-ipv4-masquerade')
      if (!bpf && !v4) ctx.notEvaluated('no Masquerading line in status and no masquerade keys in cilium-config')
      // enable-ipv4-masquerade defaults to true in the agent.
      if (bpf && isTrue(bpf.value)) return []
      if (v4 && !isTrue(v4.value)) return []
      // a key missing only because cilium-config was cut is not "false" or "the default"
      const cut = settingCut(s, {config: 'enable-bpf-masquerade'}) ?? settingCut(s, {config: 'enable-ipv4-masquerade'})
      if (cut) {
        ctx.notJudged(cut)
        return []
      }
      const kpr = kprPrereq(s)
      groups.push({
        names: [], legacy: false, kpr, kprValue: kprEnableValue(ctx.ciliumVersion),
        evidence: [...[bpf, v4].filter((x) => x !== undefined).map((x) => ev(x.src)), ...(kpr.evidence ? [kpr.evidence] : [])],
      })
    }
    return groups.map((g): CheckResult => ({
      severity: g.legacy ? 'medium' : 'info',
      messageId: 'iptables-masquerading',
      message: (g.names.length > 0 ? `Masquerading is done by iptables on ${agentPhrase(g.names)}` : 'Configured: masquerading by iptables (cilium-config)') +
        (g.legacy ? '; this is one reason host routing is Legacy there' : '') +
        `; kube-proxy replacement ${g.kpr.verdict === 'met' ? 'is enabled' : g.kpr.verdict === 'unknown' ? 'state unknown' : `is NOT enabled (enable it first: kubeProxyReplacement ${JSON.stringify(g.kprValue.value)})`}`,
      agents: g.names,
      evidence: capEvidence(distinctEvidence(g.evidence)),
      helm: [{
        path: 'bpf.masquerade',
        value: true,
        reason: 'eBPF SNAT: cheaper than iptables and a prerequisite of eBPF host routing, egress gateway and BIG TCP',
        cost: 'agents restart; masqueraded connections in flight may reset; native routing needs ipv4NativeRoutingCIDR',
      }],
    }))
  },
})
