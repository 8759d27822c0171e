import {capEvidence, ev, percent, agentPhrase, configText, helmValue, isTrue} from '../src/rules/helpers.js'
import type {CheckResult, HelmSuggestion} from '../src/rules/types.js'
import {defineRule} from '../src/rules/types.js'

// Share of debug lines above which a log is "mostly debug" (heuristic).
const DEBUG_SHARE = 0.5
const NOISY = /\b(datapath|flow|policy)\b/

export default defineRule({
  meta: {
    id: 'debug-logging',
    title: 'Debug logging enabled',
    severity: 'medium',
    versions: '*',
    needs: [['config'], ['helm'], ['logs']],
    messages: {'debug-enabled': 'debug logging enabled in the config', 'mostly-debug': 'agent logs are mostly debug lines'},
    description: 'cilium-config debug: "true", debug-verbose with datapath/flow/policy, Helm debug.enabled true, or agent logs that are mostly debug lines (> 50 %, heuristic).',
    why: 'Debug logging costs agent CPU and log volume at scale; debug-verbose "datapath" turns on per-packet datapath debug events.',
    fix: 'debug.enabled: false and unset debug.verbose; for targeted debugging use cilium-dbg config debug=true on one agent temporarily.',
    sources: [
      'https://docs.cilium.io/en/stable/helm-reference/',
      'https://docs.cilium.io/en/stable/operations/troubleshooting/',
    ],
  },
  check(ctx) {
    const s = ctx.snapshot
    const out: CheckResult[] = []
    const dbg = configText(s, 'debug')
    const verbose = configText(s, 'debug-verbose')
    const helmDbg = helmValue(s, 'debug.enabled')
    const on = dbg ? isTrue(dbg.value) : helmDbg === true || helmDbg === 'true'
    const noisy = verbose && NOISY.test(verbose.value) ? verbose : undefined
    if (on || noisy) {
      const helm: HelmSuggestion[] = []
      if (on) helm.push({path: 'debug.enabled', value: false, reason: 'debug logging is expensive in production'})
      if (noisy) helm.push({path: 'debug.verbose', value: null, reason: `debug-verbose "${noisy.value}" adds per-packet/per-flow debug output`})
      out.push({
        messageId: 'debug-enabled',
        message: `Debug logging is enabled cluster-wide${on ? ' (debug: true)' : ''}${noisy ? `, debug-verbose: ${noisy.value}` : ''}`,
        agents: [],
        evidence: [dbg && on ? ev(dbg.src) : undefined, noisy ? ev(noisy.src) : undefined].filter((x) => x !== undefined).concat(!dbg && on ? [{source: s.cluster.helm?.source ?? 'helm values', line: 0, text: 'debug.enabled: true'}] : []),
        helm,
      })
    }
    if (out.length === 0) {
      const mostly = s.agents.flatMap((a) => a.logs.filter((l) => l.lines >= 100 && l.debugLines / l.lines > DEBUG_SHARE).map((l) => ({a, l})))
      if (mostly.length > 0) {
        const names = [...new Set(mostly.map((m) => m.a.name))]
        out.push({
          messageId: 'mostly-debug',
          message: `Agent logs are mostly debug on ${agentPhrase(names)} (${mostly.map((m) => `${m.l.debugLines}/${m.l.lines} = ${percent(m.l.debugLines / m.l.lines)}`).slice(0, 3).join(', ')})`,
          agents: names,
          evidence: capEvidence(mostly.map((m) => ({source: m.l.file, line: 0, text: `${m.l.debugLines} of ${m.l.lines} lines at level debug`}))),
          helm: [{path: 'debug.enabled', value: false, reason: 'debug logging is expensive in production'}],
          fix: 'If debug was switched on at runtime (cilium-dbg config debug=true), switch it off the same way: cilium-dbg config debug=false.',
        })
      }
    }
    if (out.length === 0 && !dbg && helmDbg === undefined && !s.agents.some((a) => a.logs.some((l) => l.lines > 0))) {
      ctx.notEvaluated('no debug key in cilium-config or Helm values and no agent log lines')
    }
    return out
  },
})
