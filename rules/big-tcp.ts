import {agentsWith, capEvidence, ev, configText, distinctEvidence, isTrue, nodesByKernel} from '../src/rules/helpers.js'
import type {CheckResult, Evidence, HelmSuggestion} from '../src/rules/types.js'
import {defineRule} from '../src/rules/types.js'
import type {Agent, AgentStatus, Snapshot} from '../src/snapshot/schema.js'

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
    const d = datapathOf(ctx.snapshot)
    const out: CheckResult[] = []
    const bad = unsupported(d)
    if (bad) out.push(bad)
    const maybe = possible(ctx.snapshot, d)
    if (maybe === 'kernels-unknown') {
      if (out.length === 0) ctx.notEvaluated('BIG TCP is off and the datapath qualifies, but node kernels are unknown (no Node objects)')
    } else if (maybe) out.push(maybe)
    return out
  },
})

type StatusAgent = Agent & {status: AgentStatus}
interface Datapath {agents: StatusAgent[], first?: StatusAgent, on4: boolean, on6: boolean, bigEv: Evidence[], tunnel?: Evidence, encryption?: Evidence}

/** BIG TCP as asked and as running, and the tunnel / encryption lines that rule it out. */
function datapathOf(s: Snapshot): Datapath {
  const agents = agentsWith(s, 'status')
  const cfg4 = configText(s, 'enable-ipv4-big-tcp')
  const cfg6 = configText(s, 'enable-ipv6-big-tcp')
  const bigEv: Evidence[] = [
    ...agents.flatMap((a) => [a.status.bigTcp?.ipv4, a.status.bigTcp?.ipv6].filter((x) => x?.enabled).map((x) => ev(x!.src))).slice(0, 2),
    ...[cfg4, cfg6].filter((c) => c && isTrue(c.value)).map((c) => ev(c!.src)),
  ]
  const tunnelAgent = agents.find((a) => a.status.routing?.network === 'Tunnel')
  const routingMode = configText(s, 'routing-mode')
  const encAgent = agents.find((a) => a.status.encryption && !/^disabled/i.test(a.status.encryption.mode))
  const encCfg = ['enable-ipsec', 'enable-wireguard'].map((k) => configText(s, k)).find((c) => c && isTrue(c.value))
  return {
    agents, bigEv, first: agents.find((a) => a.status.bigTcp || a.status.routing),
    on4: agents.some((a) => a.status.bigTcp?.ipv4?.enabled) || isTrue(cfg4?.value),
    on6: agents.some((a) => a.status.bigTcp?.ipv6?.enabled) || isTrue(cfg6?.value),
    tunnel: tunnelAgent ? ev(tunnelAgent.status.routing!.src) : routingMode?.value === 'tunnel' ? ev(routingMode.src) : undefined,
    encryption: encAgent ? ev(encAgent.status.encryption!.src) : encCfg ? ev(encCfg.src) : undefined,
  }
}

// R-DP-07
function unsupported(d: Datapath): CheckResult | undefined {
  const {on4, on6, tunnel, encryption} = d
  if (!(on4 || on6) || !(tunnel || encryption)) return undefined
  const fams = [on4 ? 'IPv4' : '', on6 ? 'IPv6' : ''].filter(Boolean)
  return {
    severity: 'medium',
    messageId: 'unsupported-combination',
    message: `${fams.join(' and ')} BIG TCP is enabled together with ${[tunnel ? 'tunnel routing' : '', encryption ? 'encryption' : ''].filter(Boolean).join(' and ')}, which BIG TCP does not support`,
    agents: [],
    evidence: capEvidence(distinctEvidence([...d.bigEv, ...(tunnel ? [tunnel] : []), ...(encryption ? [encryption] : [])])),
    helm: fams.map((f) => ({path: f === 'IPv4' ? 'enableIPv4BIGTCP' : 'enableIPv6BIGTCP', value: false, reason: 'unsupported with tunnelling/encryption', cost: 'pods must be restarted to go back to the default GSO size'})),
  }
}

// R-DP-06: only when the status proves the datapath requirements on every agent.
function possible(s: Snapshot, d: Datapath): CheckResult | 'kernels-unknown' | undefined {
  const {agents, on4, on6, first} = d
  const withRouting = agents.filter((a) => a.status.routing)
  const fastPath = withRouting.length > 0 && withRouting.every((a) => a.status.routing!.network === 'Native' && a.status.routing!.host === 'BPF')
  if (!fastPath || d.encryption || d.tunnel) return undefined
  const off4 = !on4 && agents.some((a) => a.status.bigTcp?.ipv4?.enabled === false)
  const ipv6InUse = agents.some((a) => a.status.ipam?.pools.some((p) => p.family === 'IPv6')) || isTrue(configText(s, 'enable-ipv6')?.value)
  const off6 = ipv6InUse && !on6 && agents.some((a) => a.status.bigTcp?.ipv6?.enabled === false)
  if (!off4 && !off6) return undefined
  const nodes = s.cluster.nodes ?? []
  if (nodes.length === 0) return 'kernels-unknown'
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
  if (helm.length === 0) return undefined
  const a0 = first ?? withRouting[0]
  return {
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
  }
}
