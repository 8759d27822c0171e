import type {Duplex} from 'node:stream'
import type {ServerResponse} from 'node:http'
import type {WebSocket} from 'ws'
import type {SimFaults} from './faults.js'
import type {World} from './objects.js'
import type {K8sObject, ScenarioAgent} from './scenario.js'
import type {SimShape} from './shape.js'

/** What a request handler reads and records: the world, its indexes, faults and the open streams. */
export interface SimContext {
  world: World
  shape?: SimShape // multiplied or shaped clusters: texts as an N-node cluster prints them
  agentIndex: Map<string, number> // pod name → index in world.agents
  podsByName: Map<string, K8sObject> // "namespace/name" → pod
  faults?: SimFaults
  token?: string
  tokenRequired?: boolean // in-cluster mode (in-cluster.ts): no anonymous requests
  requests: RecordedRequest[]
  held: Set<Duplex | ServerResponse> // requests held unanswered (timeout/stall faults)
  sockets: Set<WebSocket>
  /** whether this request path is answered 429 now (faults.throttle) */
  throttled: (path: string) => boolean
}

export interface RecordedRequest {
  method: string
  path: string
  query: Record<string, string[]>
  upgrade: boolean
  command?: string[] // exec only
}

export function agentOf(ctx: SimContext, pod: string): {agent: ScenarioAgent, index: number} | undefined {
  const index = ctx.agentIndex.get(pod)
  return index === undefined ? undefined : {agent: ctx.world.agents[index], index}
}

export function indexWorld(world: World): Pick<SimContext, 'agentIndex' | 'podsByName'> {
  const agentIndex = new Map(world.agents.map((a, i) => [a.pod, i]))
  const podsByName = new Map((world.objects.get('pods') ?? []).map((p) => [`${String(p.metadata?.namespace)}/${String(p.metadata?.name)}`, p]))
  return {agentIndex, podsByName}
}

export function queryOf(u: URL): Record<string, string[]> {
  const q: Record<string, string[]> = {}
  for (const k of new Set(u.searchParams.keys())) q[k] = u.searchParams.getAll(k)
  return q
}

export function authorized(ctx: SimContext, header: string | undefined): boolean {
  if (ctx.tokenRequired) return header === `Bearer ${ctx.token}` // a pod's service account: the token is the only credential
  return header === undefined || ctx.token === undefined || header === `Bearer ${ctx.token}` // kubectl sends nothing over http
}
