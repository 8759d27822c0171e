import type {Snapshot} from '../src/snapshot/schema.js'
import {byName, capEvidence, compareVersions, configValue, ev, parseVersion, currentRatio} from '../src/rules/helpers.js'
import type {CheckResult, Evidence} from '../src/rules/types.js'
import {defineRule} from '../src/rules/types.js'
import {DYNAMIC_FAMILIES} from '../src/cilium/maps.js'

function enabled(snapshot: Snapshot): {on: boolean, src?: Evidence} {
  const c = configValue(snapshot, 'bpf-distributed-lru')
  if (c) return {on: c.value.trim().toLowerCase() === 'true', src: ev(c.src)}
  const v = (snapshot.cluster.helm?.values.bpf as {distributedLRU?: {enabled?: unknown}} | undefined)?.distributedLRU?.enabled
  return {on: v === true, src: v === true ? {source: snapshot.cluster.helm!.source, line: 0, text: 'bpf.distributedLRU.enabled: true'} : undefined}
}

export default defineRule({
  meta: {
    id: 'distributed-lru',
    title: 'Distributed LRU hazards',
    severity: 'critical',
    versions: '>=1.17',
    needs: [['config'], ['helm']],
    features: ['distributed-lru'],
    messages: {'no-ratio': 'distributed LRU without a dynamic size ratio', 'recreation-loop': 'a release that re-creates LRU maps on every start', 'sizes-not-cpu-multiple': 'map sizes that are not multiples of the CPU count'},
    description: 'bpf-distributed-lru enabled without a dynamic size ratio (agent refuses to start), on 1.17.3 ≤ v < 1.18.0 (endless map re-creation when sizes are not multiples of the CPU count, cilium/cilium#39070), or with status sizes that are not multiples of the node CPU count.',
    why: 'Per-CPU LRU lists (BPF_F_NO_COMMON_LRU) give each CPU max_entries / ncpus, so sizes must be multiples of num_possible_cpus(); some releases re-created the maps forever and exhausted memory, and without a ratio the agent does not start.',
    fix: 'Keep bpf.distributedLRU.enabled=false unless CT lock contention is proven; when enabled, set bpf.mapDynamicSizeRatio and run a fixed release (1.18+).',
    prerequisites: 'Changing it re-creates CT/NAT maps at agent restart (connection state lost per node).',
    sources: [
      'https://docs.cilium.io/en/stable/network/ebpf/maps/',
      'https://github.com/cilium/cilium/blob/main/pkg/option/config.go',
      'https://github.com/cilium/cilium/issues/39070',
      'https://github.com/cilium/cilium/issues/39009',
      'https://github.com/cilium/cilium/issues/38978',
      'https://github.com/cilium/cilium/issues/42511',
    ],
  },
  check(ctx) {
    const {snapshot} = ctx
    const lru = enabled(snapshot)
    if (!lru.on) return []
    const results: CheckResult[] = []
    const base = lru.src ? [lru.src] : []
    const ratio = currentRatio(snapshot)
    if (!ratio) {
      const r = configValue(snapshot, 'bpf-map-dynamic-size-ratio')
      results.push({
        severity: 'critical',
        title: 'Distributed LRU without a dynamic size ratio',
        messageId: 'no-ratio',
        message: `bpf-distributed-lru is true but no dynamic size ratio is set (bpf-map-dynamic-size-ratio: ${r ? r.value : 'absent = agent default 0'}): the agent refuses to start ("distributed LRU is only valid with a specified dynamic map size ratio").`,
        agents: [],
        evidence: [...base, ...(r ? [ev(r.src)] : [])],
        helm: [{path: 'bpf.mapDynamicSizeRatio', value: 0.0025, reason: 'distributed LRU needs a ratio in (0, 1]'}],
      })
    }
    const v = parseVersion(ctx.ciliumVersion ?? snapshot.cluster.helm?.chartVersion)
    if (v && compareVersions(v, [1, 17, 3]) >= 0 && compareVersions(v, [1, 18, 0]) < 0) {
      results.push({
        severity: 'critical',
        title: 'Distributed LRU on a release with the map re-creation bug',
        messageId: 'recreation-loop',
        message: `Cilium ${v.join('.')} with bpf-distributed-lru: 1.17.3 ≤ v < 1.18.0 can re-create LRU maps on every start (and exhaust memory) when sizes are not multiples of the CPU count (cilium/cilium#39070, #39009).`,
        agents: [],
        evidence: base,
        helm: [{path: 'bpf.distributedLRU.enabled', value: false, reason: 'avoid the re-creation loop until the agents run a fixed release'}],
        fix: 'Upgrade to 1.18+ (fixes cilium/cilium#38978, #42511), or disable distributed LRU.',
      })
    }
    // sizes must be multiples of the CPU count; capacity CPUs only approximate num_possible_cpus()
    const odd: Array<{agent: string, text: string, src: Evidence}> = []
    for (const a of snapshot.agents) {
      const cpus = byName(snapshot.cluster.nodes, a.node)?.cpus
      if (!cpus || cpus < 2 || !a.status?.bpfMaps) continue
      for (const f of DYNAMIC_FAMILIES) {
        const row = a.status.bpfMaps.maps.find((m) => m.id === f)
        if (row && row.size % cpus !== 0) {
          odd.push({agent: a.name, text: `${row.name} ${row.size} not a multiple of ${cpus} CPUs`, src: ev(row.src)})
          break
        }
      }
    }
    if (odd.length > 0) {
      results.push({
        severity: 'info',
        title: 'Distributed LRU map sizes not multiples of the CPU count',
        messageId: 'sizes-not-cpu-multiple',
        message: `${odd.length} agent${odd.length === 1 ? '' : 's'} with distributed LRU show sizes that are not multiples of the node CPU count (e.g. ${odd[0].agent}: ${odd[0].text}); num_possible_cpus() may differ from the node capacity, so verify on the node.`,
        agents: odd.map((o) => o.agent),
        evidence: capEvidence([...base, ...odd.map((o) => o.src)]),
        helm: [],
      })
    }
    return results
  },
})
