import type {Snapshot, SourceRef} from '../src/snapshot/schema.js'
import {capEvidence, ev, metricSamples, configuredSize, counterText, fmtCount, trendFor, sizingFor} from '../src/rules/helpers.js'
import type {CheckResult, Evidence, Severity} from '../src/rules/types.js'
import {defineRule} from '../src/rules/types.js'
import {SEVERITY_ORDER} from '../src/rules/types.js'
import {MAP_FAMILIES as FAMILIES, familyOf} from '../src/cilium/maps.js'

const FULL_TEXT = /map is full|argument list too long|E2BIG|no space left|ENOSPC/i
const MAP_NAME = /\bcilium_[a-z0-9_]+/i
const OPS = 'cilium_bpf_map_ops_total'
const LB_UNNAMED = 'LB maps'

interface Hit {
  agent: string
  what: string // short description of the signal
  severity: Severity
  src: SourceRef
  count?: number
}

/** Map name (without cilium_) mentioned in a message; "unknown map" when none. */
function mapIn(text: string): string {
  const m = MAP_NAME.exec(text)
  if (m) return m[0].toLowerCase().replace(/^cilium_/, '')
  if (/lb-map-max|LB bpf map|\bLB map\b|lb[46]?[ _-]?(service|backend)/i.test(text)) return LB_UNNAMED
  // older agents name the policy map only by its Go type ("Failed to add PolicyMap key")
  if (/PolicyMap|policy ?map/i.test(text)) return 'policy'
  return 'unknown map'
}

function collect(snapshot: Snapshot): Map<string, Hit[]> {
  const byMap = new Map<string, Hit[]>()
  const add = (map: string, h: Hit) => {
    const list = byMap.get(map) ?? []
    list.push(h)
    byMap.set(map, list)
  }
  for (const a of snapshot.agents) {
    for (const log of a.logs) {
      for (const e of log.entries) {
        if (e.kind !== 'map-full' && !/map is full/i.test(e.msg)) continue
        add(mapIn(e.msg + ' ' + e.src.text), {
          agent: a.name, src: e.src,
          what: `log${log.previous ? ' (previous container)' : ''}: ${e.msg}`,
          severity: log.previous ? 'high' : 'critical',
        })
      }
    }
    for (const c of a.status?.controllers?.rows ?? []) {
      if (c.failureCount <= 0 || !/^(bpf-map-sync-|sync-lb-maps)/.test(c.name)) continue
      const full = FULL_TEXT.test(c.message)
      // sync-lb-maps also fails when Kubernetes is slow (failing-controllers reports that); only a
      // per-map sync controller without a "full" error is kept, as unconfirmed
      if (!full && !c.name.startsWith('bpf-map-sync-')) continue
      add(mapIn(c.name.replace(/^bpf-map-sync-/, '') + ' ' + c.message), {
        agent: a.name, src: c.src, severity: full ? 'critical' : 'medium',
        what: `controller ${c.name} failing (${c.failureCount}×)${full ? '' : ', unconfirmed'}: ${c.message}`,
      })
    }
    for (const m of a.status?.modulesHealth?.modules ?? []) {
      if (m.level !== 'DEGRADED' || !FULL_TEXT.test(m.message)) continue
      add(mapIn(m.message), {agent: a.name, src: m.src, severity: 'critical', what: `module ${m.path} DEGRADED: ${m.message}`})
    }
    for (const row of a.maps?.maps ?? []) {
      if (!row.errors || row.errors <= 0) continue
      add(row.name.replace(/^cilium_/, ''), {agent: a.name, src: row.src, severity: 'high', count: row.errors, what: `${row.errors} cached entries in error state`})
    }
    const seen = new Set<string>()
    for (const e of a.maps?.errorEntries ?? []) {
      const map = e.map.replace(/^cilium_/, '')
      if (seen.has(map)) continue // the row count above already says how many; quote one entry
      seen.add(map)
      add(map, {agent: a.name, src: e.src, severity: FULL_TEXT.test(e.error) ? 'critical' : 'high', what: `entry ${e.key} in error: ${e.error}`})
    }
  }
  for (const s of metricSamples(snapshot, OPS)) {
    const map = s.labels.map_name ?? s.labels.mapName
    // failed deletes of absent keys are not capacity problems; inserts/updates are
    if (!map || s.value <= 0 || !/^fail/.test(s.labels.outcome ?? '') || s.labels.operation === 'delete') continue
    const t = trendFor(snapshot, OPS, {map_name: map, outcome: s.labels.outcome, operation: s.labels.operation ?? ''}, s.agent)
    const rising = t ? t.slopePerHour > 0 : undefined
    add(map, {
      agent: s.agent ?? 'unknown agent', src: s.src, count: s.value,
      severity: rising === true ? 'critical' : rising === false ? 'medium' : 'high',
      what: `${s.labels.operation ?? 'map'} failures ${counterText(s.value, t)}`,
    })
  }
  return byMap
}


export default defineRule({
  meta: {
    id: 'bpf-map-full',
    title: 'BPF map insertions failing (map full)',
    severity: 'critical',
    versions: '*',
    needs: [['logs'], ['status'], ['maps'], ['metrics']],
    messages: {'insertions-failing': 'a BPF map rejects insertions (full)'},
    description: 'Evidence that a BPF map rejected inserts: agent log "the map is full", failed map updates (cilium_bpf_map_ops_total{outcome="fail"}), failing bpf-map-sync-*/sync-lb-maps* controllers, map list error counts and error entries, DEGRADED modules whose message says the map is full.',
    why: 'A full non-LRU map rejects new entries: services, backends or policy entries are silently not programmed, so traffic to them fails on that node.',
    fix: 'Grow the map named in the evidence (bpf.lbMapMax for LB maps, bpf.policyMapMax for policy maps), then restart the agents so the maps are re-created and re-synced.',
    prerequisites: 'Agent restart; LB/policy maps are re-created and re-filled at start.',
    sources: [
      'https://docs.cilium.io/en/stable/observability/metrics/',
      'https://docs.cilium.io/en/stable/network/ebpf/maps/',
      'https://github.com/cilium/cilium/issues/28726',
      'https://github.com/cilium/cilium/issues/32311',
    ],
  },
  check(ctx) {
    const {snapshot} = ctx
    const results: CheckResult[] = []
    for (const [map, hits] of collect(snapshot)) {
      // whether a hit says "full", once per hit rather than in every comparison (tens of thousands at 5000 agents)
      const full = new Map(hits.map((h) => [h, Number(/full/i.test(h.what))]))
      hits.sort((a, b) => SEVERITY_ORDER[b.severity] - SEVERITY_ORDER[a.severity] || full.get(b)! - full.get(a)!)
      const severity = hits[0].severity
      const agents = [...new Set(hits.map((h) => h.agent))]
      const fam = map === LB_UNNAMED ? 'lb-services' : familyOf(map)
      const label = fam === 'other' || map === LB_UNNAMED ? map : `${FAMILIES[fam].label} map ${map}`
      const failed = hits.reduce((n, h) => n + (h.count ?? 0), 0)
      const agent = snapshot.agents.find((a) => a.name === agents[0])
      const size = map === 'unknown map' ? undefined : configuredSize(snapshot, agent, map === LB_UNNAMED ? 'lb4_services_v2' : map)
      // full means at least 100 %; a measured pressure above that sizes for what is really needed
      const measured = metricSamples(snapshot, 'cilium_bpf_map_pressure').filter((s) => s.labels.map_name === map).reduce((m, s) => Math.max(m, s.value), 1)
      const sizing = map === 'unknown map' || fam === 'other' ? {helm: []} : sizingFor(snapshot, fam, measured, size?.size)
      const evidence: Evidence[] = hits.map((h) => ev(h.src))
      const byKind = new Map<string, number>()
      for (const h of hits) {
        const k = h.what.startsWith('log') ? 'map-full log lines' : h.what.startsWith('controller') ? 'failing sync controllers'
          : h.what.startsWith('module') ? 'DEGRADED modules' : h.what.includes('error state') || h.what.startsWith('entry') ? 'map list error entries' : 'failed-update counters'
        byKind.set(k, (byKind.get(k) ?? 0) + 1)
      }
      const kindText = [...byKind].map(([k, n]) => `${k} ×${n}`).join(', ')
      results.push({
        severity,
        title: `${label} full: insertions failing`,
        messageId: 'insertions-failing',
        message: `${label}: insertions failing on ${agents.length} agent${agents.length === 1 ? '' : 's'} (${kindText})${failed > 0 ? `; ${fmtCount(failed)} failed operations/entries in total` : ''}${size ? `; ${size.from === 'default' ? 'default size' : 'configured size'} ${size.size}${size.from === 'default' ? ' (assumed; no status BPF Maps)' : ''}` : ''}. Worst: ${hits[0].what}`.slice(0, 600),
        agents,
        evidence: capEvidence(evidence),
        helm: sizing.helm,
        fix: sizing.note ?? (map === 'unknown map'
          ? 'the message does not name the map: check `cilium-dbg map list` (Num errors) and cilium_bpf_map_pressure'
          : 'after resizing, restart the agents so the maps are re-created and re-synced; check `cilium-dbg map list` error counts drop to 0'),
      })
    }
    return results
  },
})
