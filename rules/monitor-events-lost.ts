import {agentsWith, capEvidence, ev, agentPhrase, configText, distinctEvidence, gaugeByAgent} from '../src/rules/helpers.js'
import type {CheckResult} from '../src/rules/types.js'
import {defineRule} from '../src/rules/types.js'

export default defineRule({
  meta: {
    id: 'monitor-events-lost',
    title: 'Monitor / Hubble events lost',
    severity: 'medium',
    versions: '*',
    needs: [['status'], ['metrics']],
    messages: {'monitor-lost': 'the node monitor lost events', 'hubble-lost': 'Hubble lost events'},
    description: 'NodeMonitor "N events lost" in cilium-dbg status and hubble_lost_events_total > 0. A full Hubble flow ring (Current/Max Flows 4095/4095 100%) is normal (it is a ring buffer) and is not reported.',
    why: 'Lost events only blind observability (Hubble flows, drop notifications, policy verdicts); "This does not impact traffic" (tuning guide). Investigations based on Hubble will miss flows.',
    fix: 'Raise hubble.eventQueueSize for observer queue losses; for perf ring-buffer (NodeMonitor) losses aggregate more (bpf.monitorAggregation) or disable trace events (bpf.events.trace.enabled: false).',
    sources: [
      'https://docs.cilium.io/en/stable/operations/performance/tuning/',
      'https://github.com/cilium/cilium/blob/main/pkg/client/client.go',
      'https://docs.cilium.io/en/stable/observability/metrics/',
    ],
  },
  check(ctx) {
    const s = ctx.snapshot
    const withMon = agentsWith(s, 'status').filter((a) => a.status.nodeMonitor)
    const lostMetric = gaugeByAgent(s, 'hubble_lost_events_total')
    if (withMon.length === 0 && lostMetric.size === 0) ctx.notEvaluated('no NodeMonitor line in status and no hubble_lost_events_total metric')
    const out: CheckResult[] = []

    const mon = withMon.filter((a) => (a.status.nodeMonitor!.lost ?? 0) > 0)
    if (mon.length > 0) {
      const total = mon.reduce((n, a) => n + a.status.nodeMonitor!.lost!, 0)
      const max = Math.max(...mon.map((a) => a.status.nodeMonitor!.lost!))
      out.push({
        messageId: 'monitor-lost',
        message: `NodeMonitor lost ${total} events on ${agentPhrase(mon.map((a) => a.name))} (max ${max} on one agent): the BPF perf ring buffer overflowed; observability only, traffic is not affected`,
        agents: mon.map((a) => a.name),
        evidence: capEvidence(distinctEvidence(mon.map((a) => ev(a.status.nodeMonitor!.src)))),
        helm: [{path: 'bpf.monitorAggregation', value: 'maximum', reason: 'fewer per-packet monitor events reach the perf ring buffer', cost: 'Hubble shows fewer per-packet trace events (connection-level only)'}],
      })
    }

    // hubble_lost_events_total is a counter since agent start; without a rate we report "has lost events", not "is losing".
    const bySource = new Map<string, {agents: Set<string>, total: number, src: ReturnType<typeof ev>[]}>()
    for (const sample of s.agents.flatMap((a) => (a.metrics?.samples ?? []).filter((m) => m.name === 'hubble_lost_events_total' && m.value > 0).map((m) => ({agent: a.name, m})))
      .concat((s.prometheus?.samples ?? []).filter((m) => m.name === 'hubble_lost_events_total' && m.value > 0).map((m) => ({agent: m.labels.pod ?? m.labels.instance ?? 'cluster', m})))) {
      const source = sample.m.labels.source ?? 'unknown'
      const cur = bySource.get(source) ?? {agents: new Set<string>(), total: 0, src: []}
      cur.agents.add(sample.agent)
      cur.total += sample.m.value
      cur.src.push(ev(sample.m.src))
      bySource.set(source, cur)
    }
    for (const [source, v] of bySource) {
      const queue = source === 'observer_events_queue'
      const current = Number(configText(s, 'hubble-event-queue-size')?.value)
      const next = Number.isFinite(current) && current > 0 ? current * 2 : 32768
      out.push({
        messageId: 'hubble-lost',
        message: `hubble_lost_events_total{source="${source}"} = ${v.total} on ${agentPhrase([...v.agents])} (counter since agent start)`,
        agents: [...v.agents].filter((a) => a !== 'cluster'),
        evidence: capEvidence(distinctEvidence(v.src)),
        helm: queue
          ? [{path: 'hubble.eventQueueSize', value: next, reason: 'the Hubble observer queue overflowed; double it until losses stop', cost: 'about 5 MB of agent memory per 10k entries'}]
          : source === 'perf_event_ring_buffer'
            ? [{path: 'bpf.monitorAggregation', value: 'maximum', reason: 'fewer per-packet events reach the perf ring buffer', cost: 'Hubble shows fewer per-packet trace events'}]
            : [],
      })
    }
    return out
  },
})
