import type {Agent, BpfMapId, ServiceList, Snapshot, SourceRef} from '../src/snapshot/schema.js'
import {isV6, lbUseOf} from '../src/cilium/services.js'
import {capEvidence, configValue, ev, metricSamples, percent, fmtCount, HIGH, pressureSeverity, pressureWord, sizingFor} from '../src/rules/helpers.js'
import type {CheckResult, Evidence} from '../src/rules/types.js'
import {defineRule} from '../src/rules/types.js'
import {defaultSize, MAP_FAMILIES} from '../src/cilium/maps.js'

/*
 * Offline estimate of LB map use from `cilium-dbg service list` (rules-catalog R-MAP-06/07):
 * every frontend takes one master slot plus one slot per backend in lb{4,6}_services_v2;
 * each distinct backend address takes one entry in lb{4,6}_backends_v3.
 */

interface Target {
  id: BpfMapId
  map: string // metric map_name
  kind: 'services' | 'backends'
  v6: boolean
  family: 'lb-services' | 'lb-backends'
}

const TARGETS: Target[] = [
  {id: 'lb4-services', map: 'lb4_services_v2', kind: 'services', v6: false, family: 'lb-services'},
  {id: 'lb4-backends', map: 'lb4_backends_v3', kind: 'backends', v6: false, family: 'lb-backends'},
  {id: 'lb6-services', map: 'lb6_services_v2', kind: 'services', v6: true, family: 'lb-services'},
  {id: 'lb6-backends', map: 'lb6_backends_v3', kind: 'backends', v6: true, family: 'lb-backends'},
]

function used(list: ServiceList, t: Target): {n: number, frontends: number} {
  const u = lbUseOf(list, t.v6)
  return {n: t.kind === 'services' ? u.slots : u.backends, frontends: u.frontends}
}

function sizeOf(snapshot: Snapshot, a: Agent, t: Target): {size: number, src?: SourceRef, assumed: boolean} {
  const row = a.status?.bpfMaps?.maps.find((m) => m.id === t.id)
  if (row && row.size > 0) return {size: row.size, src: row.src, assumed: false}
  const fam = MAP_FAMILIES[t.family]
  for (const key of [fam.configKey118!, fam.configKey!]) {
    const c = configValue(snapshot, key)
    const n = Number(c?.value)
    if (c && Number.isFinite(n) && n > 0) return {size: n, src: c.src, assumed: false}
  }
  return {size: defaultSize(t.family), assumed: true}
}

interface Point {agent: string, p: number, n: number, frontends: number, size: number, assumed: boolean, evidence: Evidence[]}

export default defineRule({
  meta: {
    id: 'lb-map-capacity',
    title: 'Service load-balancer maps near full',
    severity: 'critical',
    versions: '*',
    needs: [['services']],
    messages: {'near-full': 'an LB map near full (estimated from service list)'},
    description: `Offline estimate from \`cilium-dbg service list\`: Σ(1 + backends) over frontends vs the "IPv4 service" map size, distinct backend addresses vs the "IPv4 service backend" size (status BPF Maps, else bpf-lb-map-max, else ${defaultSize('lb-services')}).`,
    why: 'When the service or backend map is full, new services and backends are silently not programmed: traffic to them fails on that node. Upstream docs: 64k entries ≈ 3k ClusterIP/NodePort services; NodePort/LoadBalancer services take one frontend per node IP/VIP.',
    fix: 'Raise bpf.lbMapMax (all LB maps) to the next power of two that keeps use ≤ 50 %; on 1.18+ the service and backend maps can be sized separately with bpf-lb-service-map-max / bpf-lb-service-backend-map-max via extraConfig.',
    prerequisites: 'Agent restart; LB maps are re-created and re-filled from Kubernetes at start.',
    sources: [
      'https://docs.cilium.io/en/stable/network/ebpf/maps/',
      'https://docs.cilium.io/en/stable/helm-reference/',
      'https://github.com/cilium/cilium/blob/main/pkg/loadbalancer/config.go',
    ],
  },
  check(ctx) {
    const {snapshot} = ctx
    const results: CheckResult[] = []
    const withList = snapshot.agents.filter((a) => a.services)
    if (withList.every((a) => a.services!.services.length === 0 && a.services!.unrecognized.length > 0)) {
      ctx.notEvaluated('service list output had no recognizable service rows')
    }
    // the pressure metric is authoritative where it exists; bpf-map-pressure reports it
    const measured = new Set(metricSamples(snapshot, 'cilium_bpf_map_pressure').map((s) => `${s.agent}\u0000${s.labels.map_name}`))
    for (const t of TARGETS) {
      const pts: Point[] = []
      for (const a of withList) {
        if (measured.has(`${a.name}\u0000${t.map}`)) continue
        const u = used(a.services!, t)
        if (u.n === 0) continue
        const s = sizeOf(snapshot, a, t)
        const sample = a.services!.services.filter((x) => isV6(x.ip) === t.v6).slice(0, 2).map((x) => ev(x.src))
        pts.push({agent: a.name, p: u.n / s.size, n: u.n, frontends: u.frontends, size: s.size, assumed: s.assumed, evidence: [...(s.src ? [ev(s.src)] : []), ...sample]})
      }
      if (pts.length === 0) continue
      pts.sort((x, y) => y.p - x.p)
      const w = pts[0]
      const severity = pressureSeverity(w.p)
      if (!severity) continue
      const hot = pts.filter((x) => x.p >= HIGH)
      const what = t.kind === 'services'
        ? `${fmtCount(w.n)} slots (Σ 1 + backends over ${fmtCount(w.frontends)} frontends)`
        : `${fmtCount(w.n)} distinct backends`
      const sizing = sizingFor(snapshot, 'lb-services', w.p, w.size)
      results.push({
        severity,
        title: `${t.map} ${pressureWord(w.p)} (from service list)`,
        messageId: 'near-full',
        message: `${t.map}: ${what} vs ${w.size}${w.assumed ? ' (assumed default; no status BPF Maps size)' : ''} = ${percent(w.p)} on ${w.agent}; ≥ 80 % on ${hot.length}/${pts.length} agents — ${pressureWord(w.p)}.`,
        agents: hot.map((x) => x.agent),
        evidence: capEvidence(hot.flatMap((x, i) => (i === 0 ? x.evidence : x.evidence.slice(0, 1)))),
        helm: sizing.helm,
        fix: `${t.kind === 'backends' ? 'Backends are counted across all services and clusters (Cluster Mesh global services too). ' : 'NodePort/LoadBalancer services take one frontend per node IP/VIP. '}On 1.18+ ${MAP_FAMILIES[t.family].configKey118} (extraConfig) sizes this map alone.`,
      })
    }
    return results
  },
})
