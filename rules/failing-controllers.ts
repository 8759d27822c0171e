import {agentsWith, capEvidence, ev, agentPhrase, distinctEvidence, gaugeByAgent, groupBy} from '../src/rules/helpers.js'
import type {CheckResult, Severity} from '../src/rules/types.js'
import {defineRule} from '../src/rules/types.js'
import type {ControllerRow, SourceRef} from '../src/snapshot/schema.js'

// Controllers whose failure means services, CNI setup or endpoints are not programmed (R-AGT-03 heuristic).
const CRITICAL = /^(sync-lb-maps-with-k8s-services|write-cni-file|sync-host-ips)$|regeneration|^sync-to-k8s-ciliumendpoint/

/** "sync-to-k8s-ciliumendpoint (1178)" → "sync-to-k8s-ciliumendpoint"; "endpoint-1178-regeneration-recovery" → "endpoint-*-regeneration-recovery". */
export function controllerGroup(name: string): string {
  return name
    .replace(/\s*\(\d+\)$/, '')
    .replace(/^endpoint-\d+-/, 'endpoint-*-')
    .replace(/^(resolve-labels|restoring-ep-identity|dns-garbage-collector-job|ipcache-inject-labels)-?.*$/, '$1')
}

function severityOf(group: string): Severity {
  return CRITICAL.test(group) ? 'critical' : 'high'
}

interface Hit {agent: string, row: ControllerRow}

/** A hint from what the error says, not from the controller's name ("sync-lb-maps" also fails on API timeouts). */
function fixFor(group: string, message: string): {fix?: string} {
  if (/map is full|argument list too long|LB bpf map|no space left|bpf map/i.test(message) || /^bpf-map-sync/.test(group)) {
    return {fix: 'The error points at a BPF map: compare map pressure and sizes (bpf.lbMapMax, bpf.mapDynamicSizeRatio) before restarting the agent.'}
  }
  if (/kubernetes|k8s|api ?server|synchroni[sz]ed|forbidden|unauthorized/i.test(message)) {
    return {fix: 'The controller is waiting on the Kubernetes API: check API-server reachability and latency from this node (KubeProxyReplacement needs k8sServiceHost to be reachable).'}
  }
  if (/4240|hello|health/i.test(`${group} ${message}`)) {
    return {fix: 'The local cilium-health endpoint does not answer: check that its pod IP is routed on this node and that TCP 4240 is not blocked.'}
  }
  return {}
}

export default defineRule({
  meta: {
    id: 'failing-controllers',
    title: 'Failing agent controllers',
    severity: 'critical',
    versions: '*',
    needs: [['status'], ['metrics']],
    messages: {'controller-failing': 'a named controller is failing', 'controllers-failing-count': 'the controller summary counts failing controllers', 'controllers-failing-metric': 'cilium_controllers_failing > 0'},
    description: 'Controller rows with a consecutive-failure count > 0 in cilium-dbg status; "Controller Status: N/M healthy" with N < M when the table was not printed; cilium_controllers_failing > 0. Idle controllers (never run, zero failures) are healthy.',
    why: 'A failing controller retries with backoff; what it syncs (LB maps, CNI config, host IPs, endpoint state) stays stale until it succeeds.',
    fix: 'Read the controller error; sync-lb-maps and bpf-map-sync failures usually mean a full BPF map; write-cni-file means the CNI config dir is not writable.',
    sources: [
      'https://github.com/cilium/cilium/blob/main/pkg/client/client.go',
      'https://github.com/cilium/cilium/blob/main/pkg/metrics/status.go',
    ],
  },
  check(ctx) {
    const out: CheckResult[] = []
    const withCtrl = agentsWith(ctx.snapshot, 'status').filter((a) => a.status.controllers)
    const failingMetric = gaugeByAgent(ctx.snapshot, 'cilium_controllers_failing')
    if (withCtrl.length === 0 && failingMetric.size === 0) {
      ctx.notEvaluated('no Controller Status line in status (early exit?) and no cilium_controllers_failing metric')
    }
    const covered = new Set(withCtrl.map((a) => a.name))

    const hits: Hit[] = []
    const countsOnly: Array<{agent: string, failing: number, total: number, src: SourceRef}> = []
    for (const a of withCtrl) {
      const c = a.status.controllers!
      const bad = c.rows.filter((r) => r.failureCount > 0)
      for (const row of bad) hits.push({agent: a.name, row})
      // Plain mode can omit rows; the header still counts failing controllers.
      if (bad.length === 0 && c.healthy < c.total) countsOnly.push({agent: a.name, failing: c.total - c.healthy, total: c.total, src: c.src})
    }

    for (const [group, list] of groupBy(hits, (h) => controllerGroup(h.row.name))) {
      const names = [...new Set(list.map((h) => h.agent))]
      const worst = list.reduce((m, h) => (h.row.failureCount > m.row.failureCount ? h : m))
      const instances = list.length > names.length ? ` (${list.length} instances)` : ''
      out.push({
        severity: severityOf(group),
        messageId: 'controller-failing',
        message: `Controller ${group} failing on ${agentPhrase(names)}${instances}: ${worst.row.failureCount} consecutive failures, last error ${worst.row.lastError}: ${worst.row.message}`,
        agents: names,
        evidence: capEvidence(distinctEvidence(list.map((h) => ev(h.row.src)))),
        helm: [],
        ...fixFor(group, worst.row.message),
      })
    }
    for (const list of groupBy(countsOnly, (c) => `${c.failing}/${c.total}`).values()) {
      const names = list.map((c) => c.agent)
      out.push({
        severity: 'high',
        messageId: 'controllers-failing-count',
        message: `Controller Status ${list[0].total - list[0].failing}/${list[0].total} healthy on ${agentPhrase(names)}: ${list[0].failing} controller(s) failing; the table was not captured, run cilium-dbg status --all-controllers`,
        agents: names,
        evidence: capEvidence(distinctEvidence(list.map((c) => ev(c.src)))),
        helm: [],
      })
    }
    const metricBad = [...failingMetric.entries()].filter(([agent, v]) => v.value > 0 && !covered.has(agent))
    if (metricBad.length > 0) {
      const names = metricBad.map(([a]) => a)
      out.push({
        severity: 'high',
        messageId: 'controllers-failing-metric',
        message: `cilium_controllers_failing > 0 on ${agentPhrase(names)} (max ${Math.max(...metricBad.map(([, v]) => v.value))}); the metric does not name the controller, see cilium-dbg status --all-controllers`,
        agents: names.filter((n) => n !== 'cluster'),
        evidence: capEvidence(distinctEvidence(metricBad.flatMap(([, v]) => v.src.map(ev)))),
        helm: [],
      })
    }
    return out
  },
})
