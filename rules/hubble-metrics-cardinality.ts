import {configValue, ev, helmEvidence, helmValue} from '../src/rules/helpers.js'
import type {Evidence} from '../src/rules/types.js'
import {defineRule} from '../src/rules/types.js'

// Context values that create one series per pod / IP / DNS name (metrics.rst "Context options").
const HIGH_CONTEXT = new Set(['ip', 'pod', 'pod-name', 'pod-short', 'dns'])
const HIGH_LABELS = new Set(['source_ip', 'destination_ip', 'source_pod', 'destination_pod'])

export interface Risk {handler: string, spec: string, problems: string[], rewritten: string}

/** Parse "handler:opt=a|b;labelsContext=x,y" specs and name the per-pod / per-IP options. */
export function cardinalityRisks(specs: string[]): Risk[] {
  const out: Risk[] = []
  for (const spec of specs) {
    const i = spec.indexOf(':')
    const handler = i < 0 ? spec : spec.slice(0, i)
    const opts = i < 0 ? [] : spec.slice(i + 1).split(';').filter(Boolean)
    const problems: string[] = []
    const kept: string[] = []
    for (const o of opts) {
      const [k, v = ''] = o.split('=')
      if (/^(source|destination)Context$/.test(k)) {
        const vals = v.split('|')
        const bad = vals.filter((x) => HIGH_CONTEXT.has(x))
        if (bad.length > 0) problems.push(`${k}=${bad.join('|')}`)
        const good = vals.filter((x) => !HIGH_CONTEXT.has(x))
        kept.push(`${k}=${good.length > 0 ? good.join('|') : 'workload-name|reserved-identity'}`)
      } else if (k === 'labelsContext') {
        const vals = v.split(',')
        const bad = vals.filter((x) => HIGH_LABELS.has(x))
        if (bad.length > 0) problems.push(`labelsContext ${bad.join(',')}`)
        const good = vals.filter((x) => !HIGH_LABELS.has(x))
        const repl = bad.map((b) => b.replace(/_(ip|pod)$/, '_workload'))
        kept.push(`labelsContext=${[...new Set([...good, ...repl])].join(',')}`)
      } else kept.push(o)
    }
    if (problems.length > 0) out.push({handler, spec, problems, rewritten: kept.length > 0 ? `${handler}:${kept.join(';')}` : handler})
  }
  return out
}

export default defineRule({
  meta: {
    id: 'hubble-metrics-cardinality',
    title: 'High-cardinality Hubble metrics',
    severity: 'medium',
    versions: '*',
    needs: [['config'], ['helm']],
    messages: {'high-cardinality': 'Hubble metrics with per-pod or per-IP labels'},
    description: 'hubble-metrics handlers whose sourceContext/destinationContext use ip, pod, pod-name, pod-short or dns, or whose labelsContext includes source_ip, destination_ip, source_pod or destination_pod. Hubble metrics off (no key) passes.',
    why: 'Per-pod and per-IP labels create a series per pod/IP pair: Prometheus memory and agent CPU grow with churn; "All labels listed are included in the metric, even if empty", and pod-bound series are only garbage-collected when namespace and pod are both present.',
    fix: 'Use workload / namespace contexts, e.g. httpV2:labelsContext=source_namespace,source_workload,destination_namespace,destination_workload,traffic_direction; drop dns:query unless needed.',
    sources: [
      'https://docs.cilium.io/en/stable/observability/metrics/',
      'https://docs.cilium.io/en/stable/operations/performance/tuning/',
    ],
  },
  check(ctx) {
    const s = ctx.snapshot
    const cfg = configValue(s, 'hubble-metrics')
    const helm = helmValue(s, 'hubble.metrics.enabled')
    let specs: string[] = []
    let evidence: Evidence
    if (cfg) {
      specs = cfg.value.split(/\s+/).filter(Boolean)
      evidence = ev(cfg.src)
    } else if (Array.isArray(helm)) {
      specs = helm.filter((x): x is string => typeof x === 'string')
      evidence = helmEvidence(s, 'hubble.metrics.enabled')
    } else {
      return []
    }
    const risks = cardinalityRisks(specs)
    if (risks.length === 0) return []
    return [{
      messageId: 'high-cardinality',
      message: `Hubble metrics with per-pod/per-IP labels: ${risks.map((r) => `${r.handler} (${r.problems.join('; ')})`).join(', ')}`,
      agents: [],
      evidence: [evidence],
      helm: [],
      fix: `In hubble.metrics.enabled replace ${risks.map((r) => `"${r.spec}" with "${r.rewritten}"`).join(', ')}.`,
    }]
  },
})
