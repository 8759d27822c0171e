import type {Agent, Snapshot, SourceRef} from '../src/snapshot/schema.js'
import {capEvidence, ev, metricSamples, percent, configuredSize, ciliumMetricsPresent, fmtHours, hoursUntil, howToEnable, trendFor, versionAtLeast, HIGH, pressureSeverity, pressureWord, sizingFor} from '../src/rules/helpers.js'
import type {CheckResult, Evidence} from '../src/rules/types.js'
import {defineRule} from '../src/rules/types.js'
import type {FamilyId} from '../src/cilium/maps.js'
import {MAP_FAMILIES as FAMILIES, familyOf, statusIdOf} from '../src/cilium/maps.js'

const METRIC = 'cilium_bpf_map_pressure'
/** Array maps are always "full" by construction; a ratio on them means nothing. */
const ARRAY_MAPS = /^(cilium_)?(runtime_config|events|signals?|metrics|ratelimit(_metrics)?|encrypt_state|call_policy|calls_.*)$/

interface Point {
  agent: string
  map: string // map name without cilium_ prefix
  family: FamilyId
  pressure: number
  size?: number
  via: 'metric' | 'map list'
  src: SourceRef
}

/**
 * Each map fill point, handed to `visit` as it is found rather than gathered: at 5000 agents with a policy
 * map per endpoint there are hundreds of thousands, and the rule needs only a few per family.
 */
function forEachPoint(snapshot: Snapshot, visit: (p: Point) => void): {metricSeen: boolean, mapListUsable: boolean} {
  const byName = new Map<string, Agent>(snapshot.agents.map((a) => [a.name, a]))
  const samples = metricSamples(snapshot, METRIC)
  const seen = new Map<string, Set<string>>() // agent → maps with a metric point
  for (const s of samples) {
    const map = s.labels.map_name ?? s.labels.mapName
    if (!map || ARRAY_MAPS.test(map) || !Number.isFinite(s.value)) continue
    const agent = s.agent ?? 'unknown agent'
    const size = configuredSize(snapshot, byName.get(agent), map)
    visit({agent, map, family: familyOf(map), pressure: s.value, size: size?.size, via: 'metric', src: s.src})
    let maps = seen.get(agent)
    if (!maps) seen.set(agent, maps = new Set())
    maps.add(map)
  }
  let mapListUsable = false
  for (const a of snapshot.agents) {
    const metricMaps = seen.get(a.name)
    for (const row of a.maps?.maps ?? []) {
      // entry counts are the agent's userspace cache: 0 with the cache disabled means unknown, not empty
      if (row.entries === undefined || row.cacheEnabled === false) continue
      const map = row.name.replace(/^cilium_/, '')
      const family = familyOf(map)
      if (family === 'other' || ARRAY_MAPS.test(map)) continue
      mapListUsable = true
      if (metricMaps?.has(map)) continue
      const size = configuredSize(snapshot, a, map)
      if (!size || row.entries === 0) continue
      visit({agent: a.name, map, family, pressure: row.entries / size.size, size: size.size, via: 'map list', src: row.src})
    }
  }
  return {metricSeen: samples.length > 0, mapListUsable}
}

function points(snapshot: Snapshot): {points: Point[], metricSeen: boolean, mapListUsable: boolean} {
  const out: Point[] = []
  return {...forEachPoint(snapshot, (p) => out.push(p)), points: out}
}

/** What the rule reads of one family's points: the agents with any, the fullest (the first seen on a tie), those at HIGH or above. */
interface FamilyPoints {
  first: Point
  agents: Set<string>
  worst: Point
  hot: Point[]
}

function byFamily(snapshot: Snapshot): {groups: Map<string, FamilyPoints>, metricSeen: boolean, mapListUsable: boolean} {
  const groups = new Map<string, FamilyPoints>()
  const seen = forEachPoint(snapshot, (p) => {
    const key = p.family === 'other' ? `other:${p.map}` : p.family
    const g = groups.get(key)
    if (!g) {
      groups.set(key, {first: p, agents: new Set([p.agent]), worst: p, hot: p.pressure >= HIGH ? [p] : []})
      return
    }
    g.agents.add(p.agent)
    if (p.pressure > g.worst.pressure) g.worst = p
    if (p.pressure >= HIGH) g.hot.push(p)
  })
  // fullest first; the sort is stable, so equal points keep the order they were found in
  for (const g of groups.values()) g.hot.sort((a, b) => b.pressure - a.pressure)
  return {groups, ...seen}
}

function statusRowEvidence(snapshot: Snapshot, agent: string, map: string): Evidence[] {
  const id = statusIdOf(map)
  const row = snapshot.agents.find((a) => a.name === agent)?.status?.bpfMaps?.maps.find((m) => m.id === id)
  return row ? [ev(row.src)] : []
}

export default defineRule({
  meta: {
    id: 'bpf-map-pressure',
    title: 'BPF map near full',
    severity: 'critical',
    versions: '*',
    needs: [['metrics'], ['maps', 'status']],
    messages: {pressure: 'a BPF map is near full', 'filling-up': 'a BPF map will be full within a day at its trend'},
    description: 'Fill ratio of every BPF map family from cilium_bpf_map_pressure, or from `cilium-dbg map list` cached entries vs the status "BPF Maps" sizes: ≥ 80 % high, ≥ 95 % critical, ≥ 100 % full.',
    why: 'CT and NAT maps are LRU: near full they evict live connections (resets, dropped replies). Full LB, policy and ipcache maps silently stop programming new services, backends and policy entries.',
    fix: 'Grow the map: bpf.mapDynamicSizeRatio for CT/NAT/neighbor/sock-rev-NAT (r\' = r × p / 0.5), or the explicit size (bpf.ctTcpMax, bpf.natMax, bpf.lbMapMax, bpf.policyMapMax) when the ratio cannot help.',
    prerequisites: 'Agent restart; CT/NAT maps are re-created (connection state lost per node during the rollout). Check agent memory limits first (bpf-map-memory).',
    sources: [
      'https://docs.cilium.io/en/stable/observability/metrics/',
      'https://docs.cilium.io/en/stable/network/ebpf/maps/',
      'https://github.com/cilium/cilium/blob/main/pkg/option/config.go',
    ],
  },
  check(ctx) {
    const {snapshot} = ctx
    const {groups, metricSeen, mapListUsable} = byFamily(snapshot)
    if (!metricSeen && !mapListUsable) {
      if (ciliumMetricsPresent(snapshot)) ctx.notEvaluated(howToEnable(snapshot, METRIC, versionAtLeast(ctx.ciliumVersion, 1, 16) !== false, '1.16') + '; or collect `cilium-dbg map list` with `status --verbose`')
      ctx.notEvaluated('no map fill evidence: `cilium-dbg map list` shows no cached entry counts (cache disabled or "unknown") and cilium_bpf_map_pressure is absent')
    }
    const results: CheckResult[] = []
    for (const {first, agents: withPoints, worst, hot} of groups.values()) {
      const fam = FAMILIES[first.family]
      const label = fam.id === 'other' ? first.map : fam.label
      const total = withPoints.size
      const trend = trendFor(snapshot, METRIC, {map_name: worst.map}, worst.agent)
      const eta = hoursUntil(trend)
      const severity = pressureSeverity(worst.pressure)
      if (!severity) {
        // not high yet, but a real trend says it will be full within a day
        if (eta !== undefined && eta <= 24 && worst.pressure >= 0.5) {
          results.push({
            severity: 'medium',
            title: `${label} map filling up`,
            messageId: 'filling-up',
            message: `${label} map ${worst.map} at ${percent(worst.pressure)} on ${worst.agent}, rising ${percent(trend!.slopePerHour)}/h: full in about ${fmtHours(eta)}.`,
            agents: [worst.agent],
            evidence: [ev(worst.src), ev(trend!.src)],
            helm: sizingFor(snapshot, fam.id, Math.min(1, worst.pressure + trend!.slopePerHour * 24), worst.size).helm,
          })
        }
        continue
      }
      const agents = [...new Set(hot.map((p) => p.agent))]
      const sizeText = worst.size ? ` of ${worst.size} entries` : ''
      const via = worst.via === 'metric' ? '' : ' (from map list cached entries)'
      const maps = [...new Set(hot.map((p) => p.map))]
      const mapText = fam.id === 'policy' && maps.length > 1 ? `${maps.length} endpoint policy maps, worst ${worst.map}` : worst.map
      let message = `${label} map ${mapText} at ${percent(worst.pressure)} (${worst.pressure.toFixed(2)})${sizeText}${via} on ${agents.length}/${total} agents — ${pressureWord(worst.pressure)} (100 % = full).`
      if (eta !== undefined) message += ` Trend: full in about ${fmtHours(eta)}.`
      const sizing = sizingFor(snapshot, fam.id, worst.pressure, worst.size)
      const fixes: string[] = []
      if (sizing.note) fixes.push(sizing.note)
      if (fam.id === 'ct-tcp' || fam.id === 'ct-any') fixes.push('check conntrack GC as well (conntrack-gc)')
      if (fam.id === 'policy') fixes.push('reduce identities selected by broad selectors (toEntities, CIDR, FQDN); on 1.17+ endpointLockdownOnMapOverflow: true makes overflow fail closed')
      if (fam.id === 'lb-services') fixes.push('NodePort/LoadBalancer services take one frontend per node IP/VIP; every backend takes a slot too')
      results.push({
        severity,
        title: `${label} map ${pressureWord(worst.pressure)}`,
        messageId: 'pressure',
        message,
        agents,
        evidence: capEvidence([ev(worst.src), ...statusRowEvidence(snapshot, worst.agent, worst.map), ...(trend ? [ev(trend.src)] : []), ...hot.slice(1).map((p) => ev(p.src))]),
        helm: sizing.helm,
        ...(fixes.length > 0 ? {fix: fixes.join('; ')} : {}),
      })
    }
    return results
  },
})

/** Each agent's map fill points, for the metrics output (`doctor -o prometheus`): the same numbers the rule judges. */
export {points as mapPressurePoints}
