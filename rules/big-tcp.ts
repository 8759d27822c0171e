import {agentsWith, capEvidence, ev, configText, distinctEvidence, isTrue, nodesByKernel} from '../src/rules/helpers.js'
import type {CheckResult, Evidence, HelmSuggestion} from '../src/rules/types.js'
import {defineRule} from '../src/rules/types.js'

const BIG_TCP_COST = 'pods must be restarted to use the larger GSO/GRO size; needs a NIC driver with BIG TCP support (mlx4, mlx5, ice)'

export default defineRule({
  meta: {
    id: 'big-tcp',
    title: 'BIG TCP: available but off, or on where unsupported',
    severity: 'medium',
    versions: '>=1.13',
    needs: [['status'], ['config']],
    features: ['big-tcp-ipv4', 'big-tcp-ipv6'],
    messages: {'unsupported-combination': 'BIG TCP enabled with tunnel routing or encryption', possible: 'BIG TCP is off but the cluster could use it'},
    description: 'BIG TCP enabled together with tunnel routing or encryption (unsupported). Also: BIG TCP disabled while routing is native with eBPF host routing, no encryption, and every node kernel >= 6.3 (IPv4) / >= 5.19 (IPv6, only when IPv6 is in use).',
    why: 'BIG TCP lets the stack build 192k-byte GSO/GRO packets, cutting per-packet overhead for high-throughput pods; it requires native routing, eBPF host routing, KPR and BPF masquerading, and no tunnel or encryption (tuning guide).',
    fix: 'enableIPv4BIGTCP / enableIPv6BIGTCP: true where all requirements hold; disable them where tunnelling or encryption is used.',
    prerequisites: 'native routing, eBPF host routing, kube-proxy replacement, BPF masquerading, no encryption, kernel >= 6.3 (IPv4) / 5.19 (IPv6), supported NIC.',
    sources: [
      'https://docs.cilium.io/en/stable/operations/performance/tuning/',
      'https://github.com/cilium/cilium/blob/main/pkg/client/client.go',
    ],
  },
  check(ctx) {
    const s = ctx.snapshot
    const out: CheckResult[] = []
    const agents = agentsWith(s, 'status')
    const first = agents.find((a) => a.status.bigTcp || a.status.routing)
    const cfg4 = configText(s, 'enable-ipv4-big-tcp')
    const cfg6 = configText(s, 'enable-ipv6-big-tcp')
    const on4 = agents.some((a) => a.status.bigTcp?.ipv4?.enabled) || isTrue(cfg4?.value)
    const on6 = agents.some((a) => a.status.bigTcp?.ipv6?.enabled) || isTrue(cfg6?.value)
    const bigEv: Evidence[] = [
      ...agents.flatMap((a) => [a.status.bigTcp?.ipv4, a.status.bigTcp?.ipv6].filter((x) => x?.enabled).map((x) => ev(x!.src))).slice(0, 2),
      ...[cfg4, cfg6].filter((c) => c && isTrue(c.value)).map((c) => ev(c!.src)),
    ]
    const tunnelAgent = agents.find((a) => a.status.routing?.network === 'Tunnel')
    const routingMode = configText(s, 'routing-mode')
    const tunnel = tunnelAgent ? ev(tunnelAgent.status.routing!.src) : routingMode?.value === 'tunnel' ? ev(routingMode.src) : undefined
    const encAgent = agents.find((a) => a.status.encryption && !/^disabled/i.test(a.status.encryption.mode))
    const encCfg = ['enable-ipsec', 'enable-wireguard'].map((k) => configText(s, k)).find((c) => c && isTrue(c.value))
    const encryption = encAgent ? ev(encAgent.status.encryption!.src) : encCfg ? ev(encCfg.src) : undefined

    // R-DP-07
    if ((on4 || on6) && (tunnel || encryption)) {
      const fams = [on4 ? 'IPv4' : '', on6 ? 'IPv6' : ''].filter(Boolean)
      out.push({
        severity: 'medium',
        messageId: 'unsupported-combination',
        message: `${fams.join(' and ')} BIG TCP is enabled together with ${[tunnel ? 'tunnel routing' : '', encryption ? 'encryption' : ''].filter(Boolean).join(' and ')}, which BIG TCP does not support`,
        agents: [],
        evidence: capEvidence(distinctEvidence([...bigEv, ...(tunnel ? [tunnel] : []), ...(encryption ? [encryption] : [])])),
        helm: fams.map((f) => ({path: f === 'IPv4' ? 'enableIPv4BIGTCP' : 'enableIPv6BIGTCP', value: false, reason: 'unsupported with tunnelling/encryption', cost: 'pods must be restarted to go back to the default GSO size'})),
      })
    }

    // R-DP-06: only when the status proves the datapath requirements on every agent.
    const withRouting = agents.filter((a) => a.status.routing)
    const fastPath = withRouting.length > 0 && withRouting.every((a) => a.status.routing!.network === 'Native' && a.status.routing!.host === 'BPF')
    if (!fastPath || encryption || tunnel) return out
    const off4 = !on4 && agents.some((a) => a.status.bigTcp?.ipv4?.enabled === false)
    const ipv6InUse = agents.some((a) => a.status.ipam?.pools.some((p) => p.family === 'IPv6')) || isTrue(configText(s, 'enable-ipv6')?.value)
    const off6 = ipv6InUse && !on6 && agents.some((a) => a.status.bigTcp?.ipv6?.enabled === false)
    if (!off4 && !off6) return out
    const nodes = s.cluster.nodes ?? []
    if (nodes.length === 0) {
      if (out.length === 0) ctx.notEvaluated('BIG TCP is off and the datapath qualifies, but node kernels are unknown (no Node objects)')
      return out
    }
    const helm: HelmSuggestion[] = []
    const facts: string[] = []
    const k4 = nodesByKernel(nodes, 6, 3)
    const k6 = nodesByKernel(nodes, 5, 19)
    if (off4 && k4.old.length === 0 && k4.unknown.length === 0) {
      helm.push({path: 'enableIPv4BIGTCP', value: true, reason: `all ${nodes.length} nodes run kernel >= 6.3 with native routing and eBPF host routing`, cost: BIG_TCP_COST})
      facts.push('IPv4 (all kernels >= 6.3)')
    }
    if (off6 && k6.old.length === 0 && k6.unknown.length === 0) {
      helm.push({path: 'enableIPv6BIGTCP', value: true, reason: `all ${nodes.length} nodes run kernel >= 5.19 with native routing and eBPF host routing`, cost: BIG_TCP_COST})
      facts.push('IPv6 (all kernels >= 5.19)')
    }
    if (helm.length > 0) {
      const a0 = first ?? withRouting[0]
      out.push({
        severity: 'info',
        messageId: 'possible',
        message: `BIG TCP is off but possible for ${facts.join(' and ')}: routing is Native with eBPF host routing on all ${withRouting.length} agents and no encryption; NIC driver support (mlx4/mlx5/ice) could not be checked`,
        agents: [],
        evidence: capEvidence(distinctEvidence([
          ...[a0.status.bigTcp?.ipv4, a0.status.bigTcp?.ipv6].filter((x) => x !== undefined).map((x) => ev(x.src)),
          ev(withRouting[0].status.routing!.src),
          ev(nodes[0].src),
        ])),
        helm,
      })
    }
    return out
  },
})
