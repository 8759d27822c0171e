import type {Finding, HelmSuggestion} from '../../src/rules/types.js'
import type {Agent, Node, Snapshot} from '../../src/snapshot/schema.js'
import {agent, at, config, snapshot, status} from '../helpers/snapshot.js'

export const GiB = 2 ** 30

export function node(name: string, o: Partial<Node> = {}): Node {
  return {name, podCIDRs: [], labels: {}, src: at(`node ${name}`, 1, 'nodes.yaml'), kernel: '6.8.0-45-generic', memoryBytes: 16 * GiB, cpus: 8, ...o}
}

export interface AgentFacts {
  host?: 'BPF' | 'Legacy'
  kpr?: boolean
  masq?: string
  version?: string
  ratio?: number
  ctTcp?: number
  lb4?: number
  pressure?: Record<string, number>
}

export function ciliumAgent(name: string, nodeName: string, f: AgentFacts = {}): Agent {
  const file = `${name}/status.txt`
  const maps = []
  if (f.ctTcp) maps.push({name: 'TCP connection tracking', id: 'ct-tcp' as const, size: f.ctTcp, src: at(`  TCP connection tracking   ${f.ctTcp}`, 40, file)})
  if (f.lb4) maps.push({name: 'IPv4 service', id: 'lb4-services' as const, size: f.lb4, src: at(`  IPv4 service   ${f.lb4}`, 41, file)})
  return agent(name, {
    node: nodeName,
    status: status({
      cilium: {state: 'Ok', message: `${f.version ?? '1.18.4'} (v${f.version ?? '1.18.4'}-abc)`, version: f.version ?? '1.18.4', src: at('Cilium: Ok', 3, file)},
      routing: {network: 'Tunnel', tunnelProtocol: 'vxlan', host: f.host ?? 'Legacy', src: at(`Routing: Network: Tunnel [vxlan]   Host: ${f.host ?? 'Legacy'}`, 20, file)},
      kubeProxyReplacement: {mode: f.kpr ? 'True' : 'False', enabled: Boolean(f.kpr), devices: [], src: at(`KubeProxyReplacement: ${f.kpr ? 'True' : 'False'}`, 5, file)},
      masquerading: {mode: f.masq ?? 'IPTables', text: f.masq ?? 'IPTables', src: at(`Masquerading: ${f.masq ?? 'IPTables'}`, 21, file)},
      ...(maps.length > 0 ? {bpfMaps: {dynamicSizing: f.ratio !== undefined, ratio: f.ratio, src: at(`BPF Maps:   dynamic sizing: on (ratio: ${f.ratio})`, 39, file), maps}} : {}),
    }),
    metrics: f.pressure ? {
      format: 'exposition',
      samples: Object.entries(f.pressure).map(([map, value], i) => ({
        name: 'cilium_bpf_map_pressure', labels: {map_name: map}, value,
        src: at(`cilium_bpf_map_pressure{map_name="${map}"} ${value}`, 100 + i, `${name}/metrics.txt`),
      })),
      unrecognized: [],
    } : undefined,
  })
}

export function finding(id: string, helm: HelmSuggestion[], evidence = at('evidence line', 7, 'x/status.txt')): Finding {
  return {id, messageId: 'test', severity: 'high', title: `${id} title`, message: 'm', agents: [], evidence: [{source: evidence.file, line: evidence.line, text: evidence.text}], helm}
}

export function cluster(agents: Agent[], nodes: Node[], cm: Record<string, string> = {}, extra: Partial<Snapshot['cluster']> = {}): Snapshot {
  return snapshot({agents, cluster: {nodes, config: config(cm), ...extra}})
}
