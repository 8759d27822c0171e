import type {Snapshot} from '../snapshot/schema.js'

/** What a metrics output needs beyond the report: when the run started, how long it took, and each map's fill. */
export interface RunFacts {
  startedAt: number // ms since the epoch
  durationSeconds: number
  maps: Array<{agent: string, map: string, pressure: number, size?: number}>
}

/** The map fill points the bpf-map-pressure rule judges, loaded only for the metrics outputs. */
export async function runFacts(snapshot: Snapshot, startedAt: number, now = Date.now()): Promise<RunFacts> {
  const {mapPressurePoints} = await import('../../rules/bpf-map-pressure.js')
  const maps: RunFacts['maps'] = []
  // one policy map per endpoint would be thousands of series: each agent's fullest one stands for them
  const worstPolicy = new Map<string, RunFacts['maps'][number]>()
  for (const p of mapPressurePoints(snapshot).points) {
    const m = {agent: p.agent, map: p.map, pressure: p.pressure, ...(p.size ? {size: p.size} : {})}
    if (p.family !== 'policy') maps.push(m)
    else if ((worstPolicy.get(p.agent)?.pressure ?? -1) < p.pressure) worstPolicy.set(p.agent, m)
  }
  maps.push(...worstPolicy.values())
  return {startedAt, durationSeconds: Math.max(0, (now - startedAt) / 1000), maps}
}
