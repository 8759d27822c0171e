import {tabwrite} from './tabwriter.js'

/*
 * The "Cluster health:" section of `cilium-dbg status` for an N-node cluster, as the agent's health
 * client prints it (pkg/health/client, shapes in ../shared/reference/FORMAT-NOTES.md §7):
 * - 1.17+ `--verbose`: one block of 7 lines per node (host and endpoint paths, ICMP and HTTP probes);
 * - 1.17+ plain: the `Name IP Node Endpoints` header and a `x/y` row per unhealthy node only;
 * - ≤1.16: `reachable`/`unreachable` rows, all nodes with --verbose, unhealthy ones otherwise.
 * Every agent probes every node, so the table grows with the cluster on every agent.
 */

export interface HealthPeer {name: string, hostIp: string, endpointIp: string, down: boolean}

export interface HealthTableOptions {
  self: number // index of the reporting agent's own node in `peers`
  verbose: boolean
  form: 'blocks' | 'words' // 1.17+ per-node blocks / ≤1.16 word rows
  /** RFC3339 time of the header, when it prints one; "(Last probed: …)" appears with "(Probe interval" (1.18+) */
  probedAt?: Date
  lastProbed: boolean
}

/** Host (172.16/12) and health-endpoint (10.64/10) addresses of node i: invented, unique up to 2^20 nodes. */
export function peerAddresses(i: number): {hostIp: string, endpointIp: string} {
  return {
    hostIp: `172.${16 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`,
    endpointIp: `10.${64 + (i >> 14)}.${(i >> 6) & 255}.${(i & 63) * 4 + 2}`,
  }
}

/** A Go time.Duration string of a round-trip time between 0.1 ms and 3 ms, fixed per (agent, node, probe). */
function rtt(seed: number): string {
  const ns = 100_000 + ((seed * 2654435761) >>> 0) % 2_900_000
  const trim = (s: string) => s.replace(/\.?0+$/, '')
  return ns < 1_000_000 ? `${trim((ns / 1000).toFixed(3))}µs` : `${trim((ns / 1e6).toFixed(6))}ms`
}

function probedText(at: Date | undefined, seed: number): string {
  if (!at) return ''
  const t = new Date(at.getTime() - (seed % 120) * 1000)
  return t.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

const TIMEOUT_ICMP = 'Connection timed out'
const timeoutHttp = (ip: string) => `Get "http://${ip}:4240/hello": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`

/** Two probe lines of one path; the result column is padded to the wider of the two, as tabwriter does. */
function probePair(icmp: string, http: string, last: string): string {
  if (!last) return `      ICMP to stack:   ${icmp}\n      HTTP to agent:   ${http}\n`
  const w = Math.max(icmp.length, http.length) + 3
  return `      ICMP to stack:   ${icmp.padEnd(w)}(Last probed: ${last})\n      HTTP to agent:   ${http.padEnd(w)}(Last probed: ${last})\n`
}

/** The 6 lines under a node's name: fixed per node (probe times and RTTs seeded by the node), so built once. */
function nodePaths(p: HealthPeer, i: number, o: Pick<HealthTableOptions, 'probedAt' | 'lastProbed'>): string {
  const seed = i * 7
  const last = o.lastProbed ? probedText(o.probedAt, seed) : ''
  const lastEp = o.lastProbed ? probedText(o.probedAt, seed + 3) : ''
  const endpoint = p.down
    ? probePair(TIMEOUT_ICMP, timeoutHttp(p.endpointIp), lastEp)
    : probePair(`OK, RTT=${rtt(seed + 1)}`, `OK, RTT=${rtt(seed + 2)}`, lastEp)
  return `    Host connectivity to ${p.hostIp}:\n` + probePair(`OK, RTT=${rtt(seed + 4)}`, `OK, RTT=${rtt(seed + 5)}`, last) +
    `    Endpoint connectivity to ${p.endpointIp}:\n` + endpoint
}

/**
 * The rows after the "Cluster health:" header line of every agent of one cluster, the reporting node
 * first as the agent sorts it. Each node's probe lines are built once and shared by all N agents.
 */
const VERBOSE_HEADER = Buffer.from('Name              IP              Node                     Endpoints\n')

export class HealthTable {
  private readonly paths: Buffer[] = []
  private readonly names = new Map<number, Buffer>()

  constructor(private readonly peers: readonly HealthPeer[], private readonly o: Omit<HealthTableOptions, 'self' | 'verbose'>) {}

  /** The body as bytes, each node's block encoded once: 1000 agents print 1000 blocks each. */
  bodyBytes(self: number, verbose: boolean): Buffer {
    if (this.o.form !== 'blocks' || !verbose) return Buffer.from(this.body(self, verbose))
    const peers = this.peers
    const parts = [VERBOSE_HEADER, Buffer.from(`  ${peers[self].name} (localhost):\n`), this.pathsOf(self)]
    for (let i = 0; i < peers.length; i++) {
      if (i === self) continue
      let name = this.names.get(i)
      if (!name) this.names.set(i, name = Buffer.from(`  ${peers[i].name}:\n`))
      parts.push(name, this.pathsOf(i))
    }
    return Buffer.concat(parts)
  }

  private pathsOf(i: number): Buffer {
    return (this.paths[i] ??= Buffer.from(nodePaths(this.peers[i], i, this.o)))
  }

  body(self: number, verbose: boolean): string {
    const o = {...this.o, self, verbose}
    const peers = this.peers
    const order = [self, ...peers.keys()].filter((i, k) => k === 0 || i !== self)
    const name = (i: number) => `  ${peers[i].name}${i === self ? ' (localhost)' : ''}`
    if (o.form === 'blocks' && verbose) {
      return this.bodyBytes(self, verbose).toString()
    }
    const shown = order.filter((i) => verbose || peers[i].down)
    if (o.form === 'words') {
      const rows = [['  Name', 'IP', 'Node', 'Endpoints'], ...shown.map((i) => [name(i), peers[i].hostIp, 'reachable', peers[i].down ? 'unreachable' : 'reachable'])]
      return tabwrite(rows, 2, 3).replace(/ +$/gm, '')
    }
    const rows = [['Name', 'IP', 'Node', 'Endpoints'], ...shown.map((i) => [name(i), peers[i].hostIp, '1/1', peers[i].down ? '0/1' : '1/1'])]
    return tabwrite(rows, 2, 3).replace(/ +$/gm, '')
  }
}
