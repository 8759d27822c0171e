import {agentsWith, capEvidence, ev} from '../src/rules/helpers.js'
import type {Evidence, Rule} from '../src/rules/types.js'
import {agentPhrase, configText, distinctEvidence, groupBy, helmString, isTrue} from './_health-common.js'

/** Features that need kube-proxy replacement: if one is wanted, KPR off is more than an optimisation. */
function dependents(snapshot: Parameters<Rule['check']>[0]['snapshot']): Array<{what: string, evidence?: Evidence}> {
  const out: Array<{what: string, evidence?: Evidence}> = []
  const legacy = snapshot.agents.find((a) => a.status?.routing?.host === 'Legacy')
  if (legacy) out.push({what: 'eBPF host routing (host routing is Legacy)', evidence: ev(legacy.status!.routing!.src)})
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

export default {
  meta: {
    id: 'kpr-disabled',
    title: 'kube-proxy replacement disabled',
    severity: 'medium',
    versions: '*',
    needs: [['status'], ['config'], ['helm']],
    catalog: ['R-DP-01'],
    description: 'KubeProxyReplacement: False/Disabled (or Partial/Probe on old agents) in status, else cilium-config kube-proxy-replacement false/absent, else Helm kubeProxyReplacement. Info by itself; medium when a configured feature needs it (eBPF host routing, netkit, BIG TCP, egress gateway, bandwidth manager).',
    why: 'With kube-proxy, service traffic goes through iptables/IPVS; KPR=true does load-balancing in eBPF (socket-LB, NodePort, HostPort) and is the prerequisite for eBPF host routing, netkit, BIG TCP, bandwidth manager and egress gateway.',
    fix: 'kubeProxyReplacement: true with k8sServiceHost/k8sServicePort (or k8s.apiServerURLs on 1.18+), then remove the kube-proxy DaemonSet and flush its iptables rules.',
    sources: [
      'daemon/cmd/kube_proxy_replacement.go, https://github.com/cilium/cilium',
      'Documentation/operations/performance/tuning.rst',
      'Helm chart values (kubeProxyReplacement default "false")',
    ],
  },
  check(ctx) {
    const s = ctx.snapshot
    const withKpr = agentsWith(s, 'status').filter((a) => a.status.kubeProxyReplacement)
    const off: Array<{agents: string[], mode: string, evidence: Evidence[]}> = []
    if (withKpr.length > 0) {
      const bad = withKpr.filter((a) => !/^(true|strict)$/i.test(a.status.kubeProxyReplacement!.mode))
      for (const [mode, list] of groupBy(bad, (a) => a.status.kubeProxyReplacement!.mode)) {
        off.push({agents: list.map((a) => a.name), mode, evidence: list.map((a) => ev(a.status.kubeProxyReplacement!.src))})
      }
    } else {
      const c = configText(s, 'kube-proxy-replacement')
      const h = helmString(s, 'kubeProxyReplacement')
      if (c) { if (!/^(true|strict)$/.test(c.value)) off.push({agents: [], mode: c.value, evidence: [ev(c.src)]}) }
      else if (s.cluster.config) off.push({agents: [], mode: 'unset (default false)', evidence: [{source: s.cluster.config.name, line: 0, text: 'kube-proxy-replacement not set'}]})
      else if (h !== undefined) { if (!/^(true|strict)$/.test(h)) off.push({agents: [], mode: h, evidence: [{source: s.cluster.helm!.source, line: 0, text: `kubeProxyReplacement: ${h}`}]}) }
      else ctx.notEvaluated('no KubeProxyReplacement line in status and no kube-proxy-replacement key')
    }
    if (off.length === 0) return []
    const deps = dependents(s)
    return off.map((o) => {
      const partial = /^(partial|probe)$/i.test(o.mode)
      const where = o.agents.length > 0 ? ` on ${agentPhrase(o.agents)}` : ''
      return {
        severity: deps.length > 0 ? 'medium' as const : 'info' as const,
        message: `kube-proxy replacement is ${partial ? `only partial (${o.mode})` : o.mode}${where}` +
          (deps.length > 0 ? `; it is required by ${[...new Set(deps.map((d) => d.what))].join(', ')}` : ''),
        agents: o.agents,
        evidence: capEvidence(distinctEvidence([...o.evidence, ...deps.flatMap((d) => (d.evidence ? [d.evidence] : []))])),
        helm: [{
          path: 'kubeProxyReplacement',
          value: true,
          reason: 'eBPF service load-balancing; prerequisite of eBPF host routing, netkit, BIG TCP, bandwidth manager, egress gateway',
          cost: 'agents restart; set k8sServiceHost/k8sServicePort first; remove kube-proxy and its iptables rules afterwards',
          prerequisites: ['k8s-service-host'],
        }],
      }
    })
  },
} satisfies Rule
