import type {CheckResult, Evidence} from '../src/rules/types.js'
import {defineRule} from '../src/rules/types.js'
import {integrationMode} from '../src/cilium/modes.js'
import type {Snapshot} from '../src/snapshot/schema.js'
import {apiServerEndpoints, configText, helmEvidence, helmString, ev, settingCut} from '../src/rules/helpers.js'

/*
 * Helm values or cilium-config on their own: what an expert reads from configuration before anything runs.
 * Every finding says "configured", never that something failed; when agents' status is in the evidence the
 * status-based rules judge what is in effect instead, so this rule stays out of their way.
 */

interface Setting {value: string, evidence: Evidence}

function setting(s: Snapshot, helmPath: string, configKey?: string): Setting | undefined {
  const h = helmString(s, helmPath)
  if (h !== undefined) return {value: h, evidence: helmEvidence(s, helmPath)}
  const c = configKey ? configText(s, configKey) : undefined
  return c ? {value: c.value, evidence: ev(c.src)} : undefined
}

const ON = new Set(['true', 'strict', 'partial', 'probe'])

function kprWithoutServiceHost(s: Snapshot, notJudged: (reason: string) => void): CheckResult | undefined {
  const kpr = setting(s, 'kubeProxyReplacement', 'kube-proxy-replacement')
  if (!kpr || !ON.has(kpr.value)) return undefined
  // k8sServiceHost is an environment variable of the DaemonSet, not a cilium-config key: only Helm values tell
  if (!s.cluster.helm) {
    if (!configText(s, 'k8s-api-server') && !configText(s, 'k8s-api-server-urls')) notJudged('kube-proxy replacement is on in cilium-config, which cannot show k8sServiceHost (an environment variable of the cilium DaemonSet): the Helm values or the DaemonSet decide whether agents reach the API server without kube-proxy')
    return undefined
  }
  // 1.18+ charts also take the address from a ConfigMap (k8sServiceHostRef) or a URL list (k8s.apiServerURLs)
  const ep = apiServerEndpoints(s)
  if (helmString(s, 'k8sServiceHost') !== undefined || ep.hostRef || ep.urls.length > 0) return undefined
  const cut = settingCut(s, {helm: 'k8sServiceHost'}) ?? settingCut(s, {helm: 'k8s.apiServerURLs'})
  if (cut) {
    notJudged(cut)
    return undefined
  }
  return {
    severity: 'high',
    messageId: 'kpr-without-k8s-service-host',
    message: `Configured: kube-proxy replacement is on (kubeProxyReplacement: ${kpr.value}) without k8sServiceHost/k8sServicePort. Without kube-proxy nothing serves the kubernetes ClusterIP until Cilium runs, so agents that (re)start cannot reach the API server.`,
    agents: [],
    evidence: [kpr.evidence],
    helm: [],
    fix: 'Set k8sServiceHost and k8sServicePort to an API-server address reachable from every node (control-plane IP, load balancer or auto on 1.16+ with the kubeadm cluster-info ConfigMap). https://docs.cilium.io/en/stable/network/kubernetes/kubeproxy-free/',
  }
}

function legacyRouting(s: Snapshot): CheckResult | undefined {
  const legacy = setting(s, 'bpf.hostLegacyRouting', 'enable-host-legacy-routing')
  if (!legacy || legacy.value !== 'true') return undefined
  return {
    severity: 'info',
    messageId: 'legacy-host-routing-configured',
    message: 'Configured: legacy (iptables) host routing is requested explicitly, so traffic to and from pods goes through the host stack instead of BPF host routing.',
    agents: [],
    evidence: [legacy.evidence],
    helm: [],
    fix: 'If the kernel is 5.10+ and kube-proxy replacement and BPF masquerading are on, remove bpf.hostLegacyRouting: true. https://docs.cilium.io/en/stable/operations/performance/tuning/#ebpf-host-routing',
  }
}

function iptablesMasquerading(s: Snapshot): CheckResult | undefined {
  // cilium-config's masquerade keys are the iptables-masquerading rule's; this judges Helm values alone
  const masq = setting(s, 'enableIPv4Masquerade')
  const bpf = setting(s, 'bpf.masquerade')
  // Helm's default for enableIPv4Masquerade is true; only an explicit value or a config key is evidence
  if (configText(s, 'enable-ipv4-masquerade') || configText(s, 'enable-bpf-masquerade')) return undefined
  if (!masq || masq.value !== 'true' || !bpf || bpf.value !== 'false') return undefined
  return {
    severity: 'info',
    messageId: 'iptables-masquerading-configured',
    message: 'Configured: IPv4 masquerading through iptables (bpf.masquerade: false), which also keeps BPF host routing off.',
    agents: [],
    evidence: [masq.evidence, bpf.evidence],
    helm: [],
    fix: 'With kube-proxy replacement on, bpf.masquerade: true moves masquerading into BPF. https://docs.cilium.io/en/stable/network/concepts/masquerading/',
  }
}

export default defineRule({
  meta: {
    id: 'configured-risks',
    title: 'Configuration risks (configured, not observed)',
    severity: 'high',
    versions: '*',
    needs: [['helm'], ['config']],
    messages: {'kpr-without-k8s-service-host': 'kube-proxy replacement configured without k8sServiceHost', 'legacy-host-routing-configured': 'legacy host routing configured', 'iptables-masquerading-configured': 'iptables masquerading configured'},
    description: 'Helm values or cilium-config judged on their own when no agent status is in the evidence: kube-proxy replacement without k8sServiceHost (Helm values only: cilium-config cannot show it, so it is not judged there), legacy host routing requested, iptables masquerading requested in Helm values (cilium-config\'s masquerade keys are the iptables-masquerading rule\'s). Settings that do not apply in CNI chaining mode are not reported there.',
    why: 'A values file is often all an engineer has before an upgrade or in a ticket; the risks it carries are visible before any agent runs.',
    fix: 'Per finding.',
    sources: [
      'https://docs.cilium.io/en/stable/network/kubernetes/kubeproxy-free/',
      'https://docs.cilium.io/en/stable/operations/performance/tuning/',
      'https://docs.cilium.io/en/stable/installation/cni-chaining/',
    ],
  },
  check(ctx) {
    const s = ctx.snapshot
    if (s.agents.some((a) => a.status)) ctx.notApplicable('agent status is in the evidence: the status-based rules judge what is in effect')
    const out: CheckResult[] = []
    const kpr = kprWithoutServiceHost(s, ctx.notJudged)
    if (kpr) out.push(kpr)
    // In chaining mode the primary CNI owns routing and masquerading: BPF host routing cannot be used at all
    const datapath = [legacyRouting(s), iptablesMasquerading(s)].filter((f) => f !== undefined)
    const chained = integrationMode(s).chaining !== undefined
    const chainingCut = chained || datapath.length === 0 ? undefined : settingCut(s, {config: 'cni-chaining-mode', helm: 'cni.chainingMode'})
    if (chainingCut) ctx.notJudged(`${chainingCut}; legacy host routing and iptables masquerading are normal in chaining mode, so they were not judged`)
    else if (!chained) out.push(...datapath)
    return out
  },
})
