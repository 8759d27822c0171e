import {existsSync, readdirSync, readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'

/*
 * What the report's pictures should show, read straight from a capture's text files (the scenario's
 * metrics.prom, or the metrics-list.txt and status.txt `collect` writes) with regexes of their own, so the
 * browser test checks the charts against the input and not against the renderer's own tables.
 */

function agentDirs(dir: string): string[] {
  return readdirSync(dir).filter((d) => statSync(join(dir, d)).isDirectory()).map((d) => join(dir, d))
}

/** One `name labels value` per sample, from exposition text or the `cilium-dbg metrics list` table. */
function samples(agent: string, name: string): Array<{labels: string, value: number}> {
  const out: Array<{labels: string, value: number}> = []
  const prom = join(agent, 'metrics.prom')
  const list = join(agent, 'metrics-list.txt')
  if (existsSync(prom)) {
    const re = new RegExp(`^${name}\\{([^}]*)\\} (\\S+)$`, 'gm')
    for (const m of readFileSync(prom, 'utf8').matchAll(re)) out.push({labels: m[1], value: Number(m[2])})
  } else if (existsSync(list)) {
    const re = new RegExp(`^${name} +((?:\\w+="[^"]*" ?)*) +(\\S+)$`, 'gm')
    for (const m of readFileSync(list, 'utf8').matchAll(re)) out.push({labels: m[1], value: Number(m[2])})
  }
  return out
}

const label = (labels: string, key: string) => new RegExp(`${key}="([^"]+)"`).exec(labels)?.[1]

/** Highest pressure per map and agent: map → one value per agent that reports the map. */
export function pressureInFiles(dir: string): Map<string, number[]> {
  const out = new Map<string, number[]>()
  for (const agent of agentDirs(dir)) {
    const peak = new Map<string, number>()
    for (const s of samples(agent, 'cilium_bpf_map_pressure')) {
      const map = label(s.labels, 'map_name')
      if (map) peak.set(map, Math.max(peak.get(map) ?? 0, s.value))
    }
    for (const [map, v] of peak) out.set(map, [...(out.get(map) ?? []), v])
  }
  return out
}

/** Number of 10 % bands per map that hold at least one agent (≥ 200 % in one band): the histogram's cells. */
export function pressureBins(files: Map<string, number[]>): number {
  return [...files.values()].reduce((t, v) => t + new Set(v.map((p) => Math.min(Math.floor(p * 10 + 1e-9), 20))).size, 0)
}

export function dropReasonsInFiles(dir: string): Set<string> {
  const out = new Set<string>()
  for (const agent of agentDirs(dir)) {
    for (const s of samples(agent, 'cilium_drop_count_total')) if (s.value > 0) out.add(label(s.labels, 'reason') ?? 'unknown')
  }
  return out
}

/**
 * The `Cluster health:` section of each status.txt: target node → number of agents that list it with a
 * probe that is not OK (host or endpoint), how many agents printed the section and how many nodes they list.
 */
export function healthInFiles(dir: string): {agents: number, pairs: number, unreachable: Map<string, number>} {
  const unreachable = new Map<string, number>()
  let agents = 0
  let pairs = 0 // agent × listed node: the cells of the full matrix
  for (const agent of agentDirs(dir)) {
    const file = join(agent, 'status.txt')
    if (!existsSync(file)) continue
    const lines = readFileSync(file, 'utf8').split('\n')
    const start = lines.findIndex((l) => l.startsWith('Cluster health:'))
    if (start < 0) continue
    agents++
    let node: string | undefined
    const bad = new Set<string>()
    for (const l of lines.slice(start + 2)) {
      if (/^\S/.test(l)) break
      const n = /^ {2}(\S+?)(?: \(localhost\))?:$/.exec(l)
      if (n) {
        node = n[1]
        pairs++
      }
      else if (node && /^ {6}(ICMP to stack|HTTP to agent):/.test(l) && !/:\s+OK\b/.test(l)) bad.add(node)
    }
    for (const b of bad) unreachable.set(b, (unreachable.get(b) ?? 0) + 1)
  }
  return {agents, pairs, unreachable}
}
