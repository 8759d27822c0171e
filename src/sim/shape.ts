import {HealthTable, peerAddresses, type HealthPeer} from './health-table.js'
import type {World} from './objects.js'
import {agentVersion, type AgentFiles, type K8sObject, type ScenarioAgent} from './scenario.js'
import {serviceTable} from './service-table.js'

/*
 * Real shapes for a multiplied cluster: what each of N agents prints is what an agent of an N-node
 * cluster prints, not the scenario's 3-node texts. Always: the cluster-health table names all N nodes
 * (per exec'd flags). On request: a service list of a chosen size, nodes whose health endpoint times
 * out, and per-agent variation (a version skew, a degraded node, restarted agents).
 */

export interface ShapeOptions {
  /** Services every agent lists (the scenario's rows first); unset: the scenario's list as written */
  services?: number
  backendsPerService?: number // 3
  /** the last K nodes' health endpoints time out, seen by every agent */
  unreachableNodes?: number
  /** a version skew (1 agent in 100 a patch behind), a degraded node (the last: out of sync), restarts (1 in 100) */
  variation?: boolean
}

/** The scenario status split around its "Cluster health:" section. */
interface StatusParts {before: string, header: string, after: string}

const SECTION_END = /^(?!Name\s)\S/

function splitStatus(text: string): StatusParts | undefined {
  const lines = text.split('\n')
  const start = lines.findIndex((l) => l.startsWith('Cluster health:'))
  if (start < 0 || !/\d+\/\d+ reachable/.test(lines[start])) return undefined
  let end = start + 1
  while (end < lines.length && !SECTION_END.test(lines[end])) end++
  const before = lines.slice(0, start).join('\n')
  return {before: before === '' ? '' : `${before}\n`, header: lines[start], after: lines.slice(end).join('\n')}
}

/** "3/3 reachable   (ts)" → "998/1000 reachable   (ts)", the next column kept at least 3 spaces away. */
function countHeader(header: string, reachable: number, total: number): string {
  return header.replace(/\d+\/\d+ reachable( *)/, (all, pad: string) => {
    const text = `${reachable}/${total} reachable`
    return text + ' '.repeat(Math.max(3, all.length - text.length, pad.length > 0 ? 3 : 0))
  })
}

function olderVersion(v: string): string {
  const [maj, min, patch] = v.split('.').map((x) => Number.parseInt(x, 10))
  return patch > 0 ? `${maj}.${min}.${patch - 1}` : `${maj}.${min - 1}.0`
}

export class SimShape {
  private readonly peers: HealthPeer[]
  private readonly split = new WeakMap<AgentFiles, StatusParts | null>()
  private readonly tables = new WeakMap<AgentFiles, HealthTable>()
  private readonly lists = new WeakMap<AgentFiles, Map<boolean, Buffer>>()
  private readonly down: number

  constructor(private readonly agents: readonly ScenarioAgent[], private readonly o: ShapeOptions) {
    const down = Math.min(o.unreachableNodes ?? 0, agents.length)
    this.peers = agents.map((a, i) => ({name: a.node, ...peerAddresses(i), down: i >= agents.length - down}))
    this.down = down
  }

  /** Agents whose version is a patch behind the rest (a rolling upgrade caught halfway). */
  skewed(i: number): boolean {
    return this.o.variation === true && i % 100 === 1
  }

  /** Agents restarted twice, whose previous container's log is served. */
  restarts(i: number): number {
    // the 51st of every hundred (in a small cluster, the one before the last)
    return this.o.variation === true && i % 100 === Math.min(50, Math.max(0, this.agents.length - 2)) ? 2 : 0
  }

  /** The degraded node: its health endpoint is among the unreachable ones and its service list is out of sync. */
  degraded(i: number): boolean {
    return this.o.variation === true && i === this.agents.length - 1
  }

  version(i: number, base: string): string {
    return this.skewed(i) ? olderVersion(base) : base
  }

  status(i: number, verbose: boolean): string | undefined {
    return this.statusBytes(i, verbose)?.toString()
  }

  /** What `status [--verbose]` prints on agent i, as the bytes the exec stream carries. */
  statusBytes(i: number, verbose: boolean): Buffer | undefined {
    const files = this.agents[i].files
    if (files.status === undefined) return undefined
    let parts = this.split.get(files)
    if (parts === undefined) this.split.set(files, parts = splitStatus(files.status) ?? null)
    const text = parts
      ? Buffer.concat([
        Buffer.from(`${parts.before}${countHeader(parts.header, this.peers.length - this.down, this.peers.length)}\n`),
        this.table(files, parts.header).bodyBytes(i, verbose),
        Buffer.from(parts.after),
      ])
      : Buffer.from(files.status)
    const v = this.skewed(i) ? agentVersion(files) : undefined
    return v ? Buffer.from(text.toString().replaceAll(v, olderVersion(v))) : text
  }

  /** One table per scenario agent's header (its version and probe times), shared by its copies. */
  private table(files: AgentFiles, header: string): HealthTable {
    let t = this.tables.get(files)
    if (!t) {
      const version = agentVersion(files) ?? '1.18.0'
      const [maj, min] = version.split('.').map(Number)
      const at = /\((\d{4}-\d\d-\d\dT[\d:]+Z)\)/.exec(header)?.[1]
      t = new HealthTable(this.peers, {form: maj > 1 || min >= 17 ? 'blocks' : 'words', probedAt: at ? new Date(at) : undefined, lastProbed: header.includes('Probe interval')})
      this.tables.set(files, t)
    }
    return t
  }

  serviceList(i: number): string | undefined {
    return this.serviceListBytes(i)?.toString()
  }

  /** What `service list` prints on agent i: one text per scenario agent (and its out-of-sync variant), kept encoded. */
  serviceListBytes(i: number): Buffer | undefined {
    const files = this.agents[i].files
    if (files.serviceList === undefined) return undefined
    if (this.o.services === undefined) return Buffer.from(files.serviceList)
    let perFiles = this.lists.get(files)
    if (!perFiles) this.lists.set(files, perFiles = new Map())
    const degraded = this.degraded(i)
    let text = perFiles.get(degraded)
    if (text === undefined) {
      text = Buffer.from(serviceTable(files.serviceList, {services: this.o.services, backends: this.o.backendsPerService ?? 3, terminating: degraded ? 0 : undefined}))
      perFiles.set(degraded, text)
    }
    return text
  }
}

/** Pods as the variation makes them: skewed agents run an older image, restarted ones show restarts and a previous log. */
export function applyVariation(world: World, shape: SimShape): void {
  const pods = new Map((world.objects.get('pods') ?? []).map((p) => [String(p.metadata?.name), p]))
  world.agents.forEach((a, i) => {
    const restarts = shape.restarts(i)
    if (!shape.skewed(i) && restarts === 0) return
    const pod = pods.get(a.pod)
    const status = (pod?.status?.containerStatuses as K8sObject[] | undefined)?.find((c) => c.name === 'cilium-agent')
    if (restarts > 0) {
      world.agents[i] = {...a, files: {...a.files, previousLog: a.files.log}}
      if (status) status.restartCount = restarts
    }
    const v = agentVersion(a.files)
    if (shape.skewed(i) && v && pod) {
      for (const c of [...(pod.spec?.containers ?? []) as K8sObject[], ...(status ? [status] : [])]) {
        if (typeof c.image === 'string') c.image = c.image.replace(v, olderVersion(v))
      }
    }
  })
}
