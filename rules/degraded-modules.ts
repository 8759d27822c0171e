import {agentsWith, capEvidence, ev, agentPhrase, distinctEvidence, gaugeByAgent, groupBy} from '../src/rules/helpers.js'
import type {CheckResult, Severity} from '../src/rules/types.js'
import {defineRule} from '../src/rules/types.js'
import type {ModuleHealth} from '../src/snapshot/schema.js'

// Modules whose failure means packets are (or will be) handled wrongly, not just a side feature (heuristic, R-AGT-02).
const DATAPATH = /(datapath|loader|endpoint|reconciler|loadbalancer|\blb\b|\.lb\.|bpf|maps?\b|ipcache|policy|service)/i

function severityFor(path: string): Severity {
  return DATAPATH.test(path) ? 'critical' : 'high'
}

/** Strip per-endpoint ids so "cilium-endpoint-1178 (ns/pod)" modules on many nodes group as one problem. */
function moduleKey(m: ModuleHealth): string {
  return m.path.replace(/cilium-endpoint-\d+( \([^)]*\))?/g, 'cilium-endpoint-*')
}

export default defineRule({
  meta: {
    id: 'degraded-modules',
    title: 'Degraded agent modules (hive health)',
    severity: 'critical',
    versions: '>=1.15',
    needs: [['status'], ['metrics']],
    messages: {'module-degraded': 'a module is DEGRADED (status tree)', 'degraded-count': 'Modules Health counts degraded modules', 'degraded-metric': 'cilium_hive_status reports degraded modules'},
    description: 'Finds [DEGRADED] leaves in the Modules Health tree (or Degraded(N) > 0 in the summary, or cilium_hive_status{status="degraded"} > 0). STOPPED modules are normal (finished jobs) and never reported.',
    why: 'A degraded reconciler keeps retrying: services, policies or routes it owns are not (fully) programmed into the datapath until it recovers.',
    fix: 'Read the degraded module message (cilium-dbg status --verbose shows the last error and age) and correlate with the agent log around that age.',
    sources: [
      'https://github.com/cilium/cilium/blob/main/pkg/health/client/modules.go',
      'https://github.com/cilium/cilium/blob/main/pkg/hive/health/metrics.go',
    ],
  },
  check(ctx) {
    const out: CheckResult[] = []
    const withModules = agentsWith(ctx.snapshot, 'status').filter((a) => a.status.modulesHealth)
    const covered = new Set(withModules.map((a) => a.name))
    const hive = gaugeByAgent(ctx.snapshot, 'cilium_hive_status', (l) => (l.status ?? '').toLowerCase() === 'degraded')
    if (withModules.length === 0 && hive.size === 0) {
      ctx.notEvaluated('no Modules Health section in status (early exit or agent < 1.15) and no cilium_hive_status metric')
    }

    // Tree leaves: one finding per module path, across agents.
    const leaves: Array<{agent: string, m: ModuleHealth}> = []
    const summaryOnly: Array<{agent: string, n: number, src: ModuleHealth['src']}> = []
    for (const a of withModules) {
      const mh = a.status.modulesHealth!
      const degraded = mh.modules.filter((m) => m.level === 'DEGRADED')
      for (const m of degraded) leaves.push({agent: a.name, m})
      if (degraded.length === 0 && (mh.degraded ?? 0) > 0) summaryOnly.push({agent: a.name, n: mh.degraded!, src: mh.src})
    }
    for (const list of groupBy(leaves, (l) => moduleKey(l.m)).values()) {
      const {m} = list[0]
      const names = list.map((l) => l.agent)
      out.push({
        severity: severityFor(m.path),
        messageId: 'module-degraded',
        message: `Module ${moduleKey(m)} is DEGRADED on ${agentPhrase(names)}: ${m.message || '(no message)'} (${m.age}, x${m.count})`,
        agents: [...new Set(names)],
        evidence: capEvidence(distinctEvidence(list.map((l) => ev(l.m.src)))),
        helm: [],
        fix: 'The message after "--" is the reconciler error; check the agent log for the same module around that age. Map-full errors point at bpf map sizing.',
      })
    }
    for (const list of groupBy(summaryOnly, (s) => String(s.n)).values()) {
      const names = list.map((s) => s.agent)
      out.push({
        severity: 'high',
        messageId: 'degraded-count',
        message: `Modules Health reports Degraded(${list[0].n}) on ${agentPhrase(names)}; run cilium-dbg status --verbose on them to see which module and why`,
        agents: names,
        evidence: capEvidence(distinctEvidence(list.map((s) => ev(s.src)))),
        helm: [],
      })
    }
    // Metric only where no status tree covered the agent (avoid double reporting).
    const metricBad = [...hive.entries()].filter(([agent, v]) => v.value > 0 && !covered.has(agent))
    if (metricBad.length > 0) {
      const names = metricBad.map(([a]) => a)
      const total = metricBad.reduce((s, [, v]) => s + v.value, 0)
      out.push({
        severity: 'high',
        messageId: 'degraded-metric',
        message: `cilium_hive_status{status="degraded"} > 0 on ${agentPhrase(names)} (${total} degraded module${total === 1 ? '' : 's'} in total)`,
        agents: names.filter((n) => n !== 'cluster'),
        evidence: capEvidence(distinctEvidence(metricBad.flatMap(([, v]) => v.src.map(ev)))),
        helm: [],
        fix: 'Run cilium-dbg status --verbose on the named agents to see the degraded module and its error.',
      })
    }
    return out
  },
})
