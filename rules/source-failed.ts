import type {CheckResult} from '../src/rules/types.js'
import {defineRule} from '../src/rules/types.js'
import {failedPrometheusFamilies} from '../src/rules/helpers.js'

/**
 * A source that was asked for and gave nothing: its checks did not run, which must not read as "healthy".
 * (When it was the only source, doctor stops with exit 2 before the rules run.)
 */
export default defineRule({
  meta: {
    id: 'source-failed',
    title: 'An evidence source that was asked for failed',
    severity: 'high',
    versions: '*',
    needs: [],
    messages: {'input-unparsable': 'an input file could not be read', 'prometheus-failed': 'Prometheus gave no Cilium metrics', 'prometheus-partial': 'some Prometheus queries failed; the checks reading those families are not evaluated'},
    description: 'An input file that could not be parsed (broken YAML, a duplicate key), or Prometheus given (--prometheus-url) but answered no Cilium metric: unreachable, refused, not Prometheus, or holding no Cilium series; or Prometheus answered but some of its queries failed. The metric-based checks (or those reading the failed families) are then not evaluated.',
    why: 'Without this, a typo in the URL would leave every metric check silently unrun behind an otherwise clean report.',
    fix: 'Fix the URL, credentials or TLS flags named in the message, or make Prometheus scrape the agents (Helm prometheus.enabled=true).',
    sources: ['https://docs.cilium.io/en/stable/observability/metrics/'],
  },
  check(ctx) {
    const out: CheckResult[] = []
    const unreadable = ctx.snapshot.cluster.errors.filter((e) => e.kind === 'unparsable')
    if (unreadable.length > 0) {
      out.push({
        messageId: 'input-unparsable',
        message: `${unreadable.length} input file(s) could not be read, so the checks that need them are not evaluated: ${unreadable.slice(0, 3).map((e) => e.message).join('; ')}${unreadable.length > 3 ? '; …' : ''}`,
        agents: [],
        evidence: unreadable.slice(0, 8).map((e) => ({source: e.command, line: Number(/: line (\d+):/.exec(e.message)?.[1] ?? 0), text: e.message})),
        helm: [],
        fix: 'Fix the file at the line named (or capture it again with kubectl/helm), then run doctor again.',
      })
    }
    const p = ctx.snapshot.prometheus
    const partial = failedPrometheusFamilies(ctx.snapshot)
    if (p && partial.size > 0) {
      const errors = p.errors.filter((e) => e.command.startsWith('prometheus query '))
      out.push({
        messageId: 'prometheus-partial',
        message: `Prometheus ${p.url} answered, but the queries for ${partial.size} metric famil${partial.size === 1 ? 'y' : 'ies'} failed (${[...partial.keys()].slice(0, 5).join(', ')}${partial.size > 5 ? ', …' : ''}): ${errors[0]?.message ?? [...partial.values()][0]}. The checks that read them are not evaluated (see coverage).`,
        agents: [],
        evidence: errors.slice(0, 8).map((e) => ({source: e.command, line: 0, text: e.message})),
        helm: [],
        fix: 'A 422 "too many samples" or a timeout: raise Prometheus --query.max-samples / --query.timeout, or shorten --prometheus-range; an expired token: renew it and run doctor again.',
      })
    }
    if (!p || p.samples.length > 0 || p.errors.length === 0) return out
    out.push({
      messageId: 'prometheus-failed',
      message: `Prometheus ${p.url} gave no Cilium metrics, so every metric-based check is not evaluated: ${p.errors[0].message}${p.errors.length > 1 ? ` (and ${p.errors.length - 1} more error(s))` : ''}`,
      agents: [],
      evidence: p.errors.slice(0, 8).map((e) => ({source: e.command, line: 0, text: e.message})),
      helm: [],
    })
    return out
  },
})
