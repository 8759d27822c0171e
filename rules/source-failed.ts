import type {Rule} from '../src/rules/types.js'

/**
 * A source that was asked for and gave nothing: its checks did not run, which must not read as "healthy".
 * (When it was the only source, doctor stops with exit 2 before the rules run.)
 */
export default {
  meta: {
    id: 'source-failed',
    title: 'An evidence source that was asked for failed',
    severity: 'high',
    versions: '*',
    needs: [['prometheus']],
    catalog: [],
    description: 'Prometheus was given (--prometheus-url) but answered no Cilium metric: unreachable, refused, not Prometheus, or holding no Cilium series. The metric-based checks are then not evaluated.',
    why: 'Without this, a typo in the URL would leave every metric check silently unrun behind an otherwise clean report.',
    fix: 'Fix the URL, credentials or TLS flags named in the message, or make Prometheus scrape the agents (Helm prometheus.enabled=true).',
    sources: ['https://docs.cilium.io/en/stable/observability/metrics/'],
  },
  check(ctx) {
    const p = ctx.snapshot.prometheus
    if (!p) return []
    if (p.samples.length > 0 || p.errors.length === 0) return []
    return [{
      messageId: 'prometheus-failed',
      message: `Prometheus ${p.url} gave no Cilium metrics, so every metric-based check is not evaluated: ${p.errors[0].message}${p.errors.length > 1 ? ` (and ${p.errors.length - 1} more error(s))` : ''}`,
      agents: [],
      evidence: p.errors.slice(0, 8).map((e) => ({source: e.command, line: 0, text: e.message})),
      helm: [],
    }]
  },
} satisfies Rule
