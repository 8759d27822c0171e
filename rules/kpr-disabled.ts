import {agentsWith, capEvidence, ev, settingCut, agentPhrase, configText, distinctEvidence, groupBy, helmString, isTrue, agentVersion, kprEnableValue, kprLevel} from '../src/rules/helpers.js'
import type {Agent, SourceRef} from '../src/snapshot/schema.js'
import type {CheckResult, Evidence, Rule} from '../src/rules/types.js'
import {defineRule} from '../src/rules/types.js'
import {kprChartDefault} from '../src/cilium/helm-config.js'
import {configuredVersion} from '../src/cilium/charts/configured-version.js'

type Snap = Parameters<Rule['check']>[0]['snapshot']
type Dep = {what: string, evidence?: Evidence}

/**
 * Features that need kube-proxy replacement: if one is wanted, KPR off is more than an optimisation.
 * Host routing is read from this agent's own status only (a folder of several clusters or a mixed rollout
 * must not lend one agent's Legacy line to another); cilium-config keys are cluster-wide.
 */
function dependents(snapshot: Snap, a?: Agent): Dep[] {
  const out: Dep[] = []
  const routing = a?.status?.routing
  if (routing?.host === 'Legacy') out.push({what: 'eBPF host routing (host routing is Legacy)', evidence: ev(routing.src)})
  for (const [key, what] of [
    ['datapath-mode', 'netkit'],
    ['enable-ipv4-big-tcp', 'IPv4 BIG TCP'],
    ['enable-ipv6-big-tcp', 'IPv6 BIG TCP'],
    ['enable-ipv4-egress-gateway', 'egress gateway'],
    ['enable-egress-gateway', 'egress gateway'],
    ['enable-bandwidth-manager', 'bandwidth manager'],
  ] as const) {
    const c = configText(snapshot, key)
    if (!c) continue
    const on = key === 'datapath-mode' ? c.value.startsWith('netkit') : isTrue(c.value)
    if (on) out.push({what, evidence: ev(c.src)})
  }
  return out
}

// 1.14/1.15 agents warn at start-up when the flag still carries an old word (removed in 1.16).
const DEPRECATED = /Deprecated value for --kube-proxy-replacement:\s*"?([a-z]+)/i

function deprecationFindings(snapshot: Snap): CheckResult[] {
  const hits: Array<{agent: string, word: string, src: SourceRef}> = []
  for (const a of snapshot.agents) {
    for (const l of a.logs) {
      for (const e of l.entries) {
        const m = DEPRECATED.exec(e.msg) ?? DEPRECATED.exec(e.src.text)
        if (m) hits.push({agent: a.name, word: m[1].toLowerCase(), src: e.src})
      }
    }
  }
  return [...groupBy(hits, (h) => h.word)].map(([word, list]) => {
    const names = [...new Set(list.map((h) => h.agent))]
    const strict = word === 'strict'
    return {
      severity: 'info' as const,
      messageId: 'deprecated-mode',
      message: `The agent warns that kube-proxy-replacement "${word}" is deprecated on ${agentPhrase(names)}; 1.16+ accepts only true/false and will refuse it after an upgrade`,
      agents: names,
      evidence: capEvidence(distinctEvidence(list.map((h) => ev(h.src)))),
      helm: strict
        ? [{path: 'kubeProxyReplacement', value: true, reason: '"strict" is deprecated since 1.14 and removed in 1.16; true is its replacement (and on 1.15 enables features strict does not)', cost: 'agents restart'}]
        : [],
      fix: strict
        ? 'Set kubeProxyReplacement: true before upgrading to 1.16.'
        : `Before upgrading to 1.16 replace "${word}" with true (full replacement) or false plus the individual features you rely on (nodePort.enabled, hostPort.enabled, externalIPs.enabled, socketLB.enabled).`,
    }
  })
}

export default defineRule({
  meta: {
    id: 'kpr-disabled',
    title: 'kube-proxy replacement disabled',
    severity: 'medium',
    versions: '*',
    needs: [['status'], ['config'], ['helm'], ['logs']],
    features: ['kube-proxy-replacement'],
    messages: {'deprecated-mode': 'a deprecated kube-proxy-replacement word', partial: 'kube-proxy replacement partly enabled', off: 'kube-proxy replacement off'},
    description: 'KubeProxyReplacement: False/Disabled (or Partial/Probe on old agents) in status, else cilium-config kube-proxy-replacement false/absent, else Helm kubeProxyReplacement, and when the values do not set it the chart default (false in every chart since 1.14; older charts are not judged). Findings from cilium-config or Helm values say "Configured". Info by itself; medium when a configured feature needs it (eBPF host routing on that agent, netkit, BIG TCP, egress gateway, bandwidth manager). Probe/Partial are reported as "not fully enabled" (info). The suggested value is the one the agent version accepts (≤1.13 strict, 1.14+ true). Also an info finding for the 1.14/1.15 start-up warning "Deprecated value for --kube-proxy-replacement".',
    why: 'With kube-proxy, service traffic goes through iptables/IPVS; KPR=true does load-balancing in eBPF (socket-LB, NodePort, HostPort) and is the prerequisite for eBPF host routing, netkit, BIG TCP, bandwidth manager and egress gateway.',
    fix: 'kubeProxyReplacement: true (strict on ≤1.13) with k8sServiceHost/k8sServicePort (or k8s.apiServerURLs on 1.18+), then remove the kube-proxy DaemonSet and flush its iptables rules.',
    sources: [
      'https://github.com/cilium/cilium/blob/main/daemon/cmd/kube_proxy_replacement.go',
      'https://docs.cilium.io/en/stable/network/kubernetes/kubeproxy-free/',
      'https://docs.cilium.io/en/stable/operations/performance/tuning/',
      'https://github.com/cilium/cilium/pull/26577',
      'https://github.com/cilium/cilium/issues/27060',
      'https://github.com/cilium/cilium/issues/32711',
      'https://github.com/cilium/cilium/blob/main/install/kubernetes/cilium/templates/cilium-configmap.yaml',
    ],
  },
  check(ctx) {
    const s = ctx.snapshot
    const deprecated = deprecationFindings(s)
    const withKpr = agentsWith(s, 'status').filter((a) => a.status.kubeProxyReplacement)
    const off: Array<{agents: string[], mode: string, evidence: Evidence[], deps: Dep[], version?: string}> = []
    if (withKpr.length > 0) {
      const rows = withKpr.filter((a) => kprLevel(a.status.kubeProxyReplacement!.mode) !== 'full').map((a) => {
        const mode = a.status.kubeProxyReplacement!.mode
        const version = agentVersion(a, ctx.ciliumVersion)
        const deps = dependents(s, a)
        const fix = kprEnableValue(version, mode)
        return {a, mode, version, deps, key: `${mode}|${String(fix.value)}|${fix.note}|${deps.map((d) => d.what).join(',')}`}
      })
      // Agents with the same facts (mode, the value their version accepts, what depends on KPR) share a finding.
      for (const list of groupBy(rows, (r) => r.key).values()) {
        off.push({
          agents: list.map((r) => r.a.name), mode: list[0].mode, version: list[0].version, deps: list[0].deps,
          evidence: list.flatMap((r) => [ev(r.a.status.kubeProxyReplacement!.src), ...r.deps.flatMap((d) => (d.evidence ? [d.evidence] : []))]),
        })
      }
    } else {
      const c = configText(s, 'kube-proxy-replacement')
      const h = helmString(s, 'kubeProxyReplacement')
      const deps = dependents(s)
      const depEv = deps.flatMap((d) => (d.evidence ? [d.evidence] : []))
      const cut = settingCut(s, {config: 'kube-proxy-replacement', helm: 'kubeProxyReplacement'})
      if (c) { if (kprLevel(c.value) !== 'full') off.push({agents: [], mode: c.value, evidence: [ev(c.src), ...depEv], deps, version: ctx.ciliumVersion}) }
      else if (cut) ctx.notJudged(cut)
      else if (s.cluster.config) off.push({agents: [], mode: 'unset (default false)', evidence: [{source: s.cluster.config.name, line: 0, text: 'kube-proxy-replacement not set'}, ...depEv], deps, version: ctx.ciliumVersion})
      else if (h !== undefined) { if (kprLevel(h) !== 'full') off.push({agents: [], mode: h, evidence: [{source: s.cluster.helm!.source, line: 0, text: `kubeProxyReplacement: ${h}`}, ...depEv], deps, version: ctx.ciliumVersion}) }
      else if (s.cluster.helm) {
        // values that do not set it get the chart's default, which the chart version decides
        const cv = configuredVersion(s, ctx.ciliumVersion)
        const d = kprChartDefault(cv?.version, cv?.from)
        if (d.value === undefined) ctx.notJudged(d.basis)
        else off.push({agents: [], mode: `${d.value} (chart default: ${d.basis})`, evidence: [{source: s.cluster.helm.source, line: 0, text: 'kubeProxyReplacement not set'}, ...depEv], deps, version: ctx.ciliumVersion})
      } else if (deprecated.length === 0) ctx.notEvaluated('no KubeProxyReplacement line in status and no kube-proxy-replacement key')
    }
    return [...off.map((o): CheckResult => {
      const partial = kprLevel(o.mode) === 'partial'
      const where = o.agents.length > 0 ? ` on ${agentPhrase(o.agents)}` : ''
      const deps = [...new Set(o.deps.map((d) => d.what))]
      const value = kprEnableValue(o.version, o.mode)
      // Probe/Partial already replace part of kube-proxy: never worse than a plain Disabled/False.
      return {
        severity: deps.length > 0 && !partial ? 'medium' : 'info',
        messageId: partial ? 'partial' : 'off',
        // read from cilium-config or Helm values, not from a running agent: it is what is configured
        message: (o.agents.length === 0 ? 'Configured: ' : '') + (partial
          ? `kube-proxy replacement is not fully enabled (${o.mode}: only the features the kernel supports or that were enabled one by one)${where}`
          : `kube-proxy replacement is ${o.mode}${where}`) +
          (deps.length > 0 ? `; it is required by ${deps.join(', ')}` : ''),
        agents: o.agents,
        evidence: capEvidence(distinctEvidence(o.evidence)),
        helm: [{
          path: 'kubeProxyReplacement',
          value: value.value,
          reason: `eBPF service load-balancing; prerequisite of eBPF host routing, netkit, BIG TCP, bandwidth manager, egress gateway (${value.note})`,
          cost: 'agents restart; set k8sServiceHost/k8sServicePort first; remove kube-proxy and its iptables rules afterwards',
        }],
      }
    }), ...deprecated]
  },
})
