import type {SourceRef} from '../src/snapshot/schema.js'
import {capEvidence, configValue, ev, metricSamples, configuredSize, agentOf, counterText, trendFor, TARGET, sizingFor} from '../src/rules/helpers.js'
import type {Severity} from '../src/rules/types.js'
import {defineRule} from '../src/rules/types.js'
import {SEVERITY_ORDER} from '../src/rules/types.js'
import {familyOf} from '../src/cilium/maps.js'

const INTERVAL = 'cilium_datapath_conntrack_gc_interval_seconds'
const RUNS = 'cilium_datapath_conntrack_gc_runs_total'
const FLOOR_S = 10 // ConntrackGCMinInterval
const LONG_S = 30 * 60 // heuristic: at the floor for > 30 min
const GC_LOG = /Garbage collection on .*CT map failed to finish|Failed to perform initial ctmap gc scan/i

interface Signal {agent: string, text: string, severity: Severity, src: SourceRef}

export default defineRule({
  meta: {
    id: 'conntrack-gc',
    title: 'Conntrack garbage collection under stress',
    severity: 'high',
    versions: '*',
    needs: [['metrics'], ['logs']],
    messages: {'gc-falling-behind': 'conntrack garbage collection falls behind'},
    description: 'Adaptive CT GC interval pinned at the 10 s floor (cilium_datapath_conntrack_gc_interval_seconds), GC runs not completing (cilium_datapath_conntrack_gc_runs_total{status="uncompleted"}, log "Garbage collection on … CT map failed to finish"), slow initial scan ("Failed to perform initial ctmap gc scan within expected duration").',
    why: 'The interval shrinks when more than 25 % of a CT map expires per run; pinned at 10 s means heavy CT churn near capacity, and GC that does not finish leaves stale entries filling the map.',
    fix: 'Grow the CT maps (see bpf-map-pressure); avoid a fixed conntrackGCInterval unless required; conntrackGCMaxInterval bounds the interval for FQDN identity cleanup.',
    sources: [
      'https://github.com/cilium/cilium/blob/main/pkg/maps/ctmap/gc/gc.go',
      'https://docs.cilium.io/en/stable/observability/metrics/',
      'https://docs.cilium.io/en/stable/helm-reference/',
    ],
  },
  check(ctx) {
    const {snapshot} = ctx
    const interval = metricSamples(snapshot, INTERVAL)
    const runs = metricSamples(snapshot, RUNS)
    const logs = snapshot.agents.flatMap((a) => a.logs.flatMap((l) => l.entries.filter((e) => GC_LOG.test(e.msg)).map((e) => ({agent: a.name, e, previous: l.previous}))))
    const anyLogs = snapshot.agents.some((a) => a.logs.length > 0)
    if (interval.length === 0 && runs.length === 0 && !anyLogs) {
      ctx.notEvaluated(`${RUNS} and ${INTERVAL} (1.17+) are not exported and no agent logs were collected; both metrics are on by default with Helm \`prometheus.enabled: true\``)
    }
    const signals: Signal[] = []
    for (const s of interval) {
      if (s.value > FLOOR_S) continue
      const t = trendFor(snapshot, INTERVAL, {}, s.agent)
      const long = t !== undefined && t.windowSeconds >= LONG_S && t.current <= FLOOR_S && t.slopePerHour <= 0
      signals.push({agent: agentOf(s), severity: long ? 'high' : 'medium', src: s.src,
        text: `GC interval at the ${FLOOR_S} s floor (${s.value} s)${long ? ` for the whole ${Math.round(t.windowSeconds / 60)} min trend window` : ' at collection time'}`})
    }
    for (const s of runs) {
      if (s.labels.status !== 'uncompleted' || s.value <= 0) continue
      const t = trendFor(snapshot, RUNS, {status: 'uncompleted', family: s.labels.family ?? '', protocol: s.labels.protocol ?? ''}, s.agent)
      signals.push({agent: agentOf(s), severity: t && t.slopePerHour > 0 ? 'high' : t ? 'info' : 'medium', src: s.src,
        text: `${s.labels.family ?? ''} ${s.labels.protocol ?? ''} GC runs not completed: ${counterText(s.value, t)}`.trim()})
    }
    for (const {agent, e, previous} of logs) {
      signals.push({agent, severity: 'medium', src: e.src, text: `log${previous ? ' (previous container)' : ''}: ${e.msg}`})
    }
    if (signals.length === 0) return []
    signals.sort((a, b) => SEVERITY_ORDER[b.severity] - SEVERITY_ORDER[a.severity])
    const agents = [...new Set(signals.map((s) => s.agent))]
    // CT pressure tells whether growing the map is the fix
    let worst: {p: number, map: string, agent?: string} | undefined
    for (const s of metricSamples(snapshot, 'cilium_bpf_map_pressure')) {
      const fam = familyOf(s.labels.map_name ?? '')
      if ((fam === 'ct-tcp' || fam === 'ct-any') && (!worst || s.value > worst.p)) worst = {p: s.value, map: s.labels.map_name, agent: s.agent}
    }
    const helm = worst && worst.p > TARGET
      ? sizingFor(snapshot, familyOf(worst.map), worst.p, configuredSize(snapshot, snapshot.agents.find((a) => a.name === worst.agent), worst.map)?.size).helm
      : []
    const fixed = configValue(snapshot, 'conntrack-gc-interval')
    const fixedNote = fixed && !/^(0|0s|)$/.test(fixed.value.trim()) ? ` A fixed conntrack-gc-interval (${fixed.value}) is set: the adaptive interval cannot react.` : ''
    return [{
      severity: signals[0].severity,
      messageId: 'gc-falling-behind',
      message: `${signals[0].text} on ${signals[0].agent}${signals.length > 1 ? ` (+${signals.length - 1} more signals)` : ''}; ${agents.length} agent${agents.length === 1 ? '' : 's'} affected${worst ? `; worst CT pressure ${(worst.p * 100).toFixed(0)} % (${worst.map})` : ''}.${fixedNote}`,
      agents,
      evidence: capEvidence([...signals.map((s) => ev(s.src)), ...(fixed ? [ev(fixed.src)] : [])]),
      helm,
      fix: helm.length > 0 ? 'CT churn near capacity: grow the CT maps as suggested.' : 'Check CT pressure and connection churn (short-lived UDP/DNS flows); avoid a fixed conntrackGCInterval.',
    }]
  },
})
