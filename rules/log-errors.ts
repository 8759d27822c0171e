import {isClaimed} from '../src/logs/claimed.js'
import {agentsOf, logEntries, messageTemplate} from '../src/logs/entries.js'
import {ev, groupBy, logSourcePhrase} from '../src/rules/helpers.js'
import {defineRule} from '../src/rules/types.js'

const SHOWN = 5
const shown = (s: string) => (s.length > 160 ? `${s.slice(0, 160)}…` : s)

export default defineRule({
  meta: {
    id: 'log-errors',
    title: 'Agent log errors no rule explains',
    severity: 'medium',
    versions: '*',
    needs: [['logs']],
    messages: {'unrecognized-errors': 'error lines no rule explains, grouped by template'},
    description: 'Error lines in agent logs that no other rule recognizes, grouped by message template with counts and the first example of each, so a log full of errors never reads as healthy.',
    why: 'An error ciltune does not understand is still an error: it is shown, not counted as passed.',
    fix: 'Read the first example of each template; the error= field usually names the failing component.',
    sources: ['https://docs.cilium.io/en/stable/operations/troubleshooting/#agent-logs'],
  },
  check(ctx) {
    const all = logEntries(ctx.snapshot).filter((l) => l.entry.level === 'error')
    const unclaimed = all.filter((l) => !isClaimed(l.entry))
    if (unclaimed.length === 0) return []
    const groups = [...groupBy(unclaimed, (l) => messageTemplate(l.entry.msg || l.entry.src.text)).values()]
      .sort((a, b) => b.length - a.length)
    const agents = agentsOf(unclaimed)
    const lines = ctx.snapshot.agents.reduce((n, a) => n + a.logs.reduce((m, l) => m + l.lines, 0), 0) +
      (ctx.snapshot.cluster.operatorLogs ?? []).reduce((m, l) => m + l.lines, 0)
    const top = groups.slice(0, SHOWN).map((g) => `"${shown(g[0].entry.msg || messageTemplate(g[0].entry.src.text))}" ×${g.length}`)
    return [{
      messageId: 'unrecognized-errors',
      message: `${unclaimed.length} error line(s) in ${groups.length} message template(s) on ${logSourcePhrase(unclaimed)} that no rule explains ` +
        `(of ${lines} log lines read, ${all.length - unclaimed.length} error lines were recognized): ${top.join('; ')}` +
        (groups.length > SHOWN ? `; ${groups.length - SHOWN} more template(s)` : '') + '.',
      agents,
      evidence: groups.slice(0, 8).map((g) => ev(g[0].entry.src)),
      helm: [],
    }]
  },
})
