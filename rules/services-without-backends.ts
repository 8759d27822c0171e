import {agentsWith, capEvidence, ev, agentPhrase, distinctEvidence} from '../src/rules/helpers.js'
import type {CheckResult, Evidence, Severity} from '../src/rules/types.js'
import {defineRule} from '../src/rules/types.js'
import {SEVERITY_ORDER} from '../src/rules/types.js'
import {frontendKey, frontendKeyType, hasActiveBackend} from '../src/cilium/services.js'

/*
 * Which empty frontends are NOT problems (documented choices):
 * - LocalRedirect: Local Redirect Policy frontends only get node-local backends; a node without a
 *   local backend pod legitimately shows none.
 * - NodePort / LoadBalancer / HostPort / ExternalIPs empty on some agents but with active backends on
 *   others: externalTrafficPolicy=Local keeps only node-local backends, so nodes without a local pod
 *   show none by design. Only "empty on every agent that has the frontend" is reported for them.
 * - ClusterIP empty on some agents only: internalTrafficPolicy=Local does the same, but an agent that
 *   missed an update also looks like this, so it is reported as info with that caveat.
 * - Backends in "unknown" state (a line cut off in the capture) are assumed active.
 */
const PER_NODE_TYPES = /^(nodeport|loadbalancer|hostport|externalips)$/i
const SKIP_TYPES = /^localredirect$/i

// withFrontend: how many agents list the frontend (each agent counted once)
interface Seen {key: string, type: string, withFrontend: number, empty: Set<string>, noActive: Map<string, string[]>, evidence: Evidence[]}

function seenOf(byKey: Map<string, Seen>, key: string, type: string): Seen {
  let seen = byKey.get(key)
  if (!seen) byKey.set(key, seen = {key, type, withFrontend: 0, empty: new Set(), noActive: new Map(), evidence: []})
  return seen
}

/** Every agent's frontends, counted once per agent; agents sharing one key list (the snapshot summary) are counted together. */
function countFrontends(agents: ReturnType<typeof agentsWith<'services'>>, byKey: Map<string, Seen>): void {
  const shared = new Map<readonly string[], number>()
  for (const a of agents) {
    const keys = a.services.summary?.frontendKeys
    if (keys) {
      shared.set(keys, (shared.get(keys) ?? 0) + 1)
      continue
    }
    const mine = new Map<string, string>()
    for (const s of a.services.services) if (!SKIP_TYPES.test(s.type)) mine.set(frontendKey(s), s.type)
    for (const [key, type] of mine) seenOf(byKey, key, type).withFrontend++
  }
  for (const [keys, agentCount] of shared) for (const key of keys) seenOf(byKey, key, frontendKeyType(key)).withFrontend += agentCount
}

/** Frontends with no backend or no active one, per agent, with the rows that show it. */
function collectEmpty(agents: ReturnType<typeof agentsWith<'services'>>, byKey: Map<string, Seen>): void {
  for (const a of agents) {
    for (const s of a.services.services) {
      if (SKIP_TYPES.test(s.type) || hasActiveBackend(s)) continue
      const seen = seenOf(byKey, frontendKey(s), s.type)
      if (s.backends.length === 0) {
        seen.empty.add(a.name)
        seen.evidence.push(ev(s.src))
      } else {
        seen.noActive.set(a.name, [...new Set(s.backends.map((b) => b.state))])
        seen.evidence.push(ev(s.src), ...s.backends.slice(0, 2).map((b) => ev(b.src)))
      }
    }
  }
}

export default defineRule({
  meta: {
    id: 'services-without-backends',
    title: 'Services without (active) backends',
    severity: 'high',
    versions: '*',
    needs: [['services']],
    messages: {'no-backends': 'a service frontend without active backends', 'many-without-backends': 'many service frontends without active backends'},
    description: 'From cilium-dbg service list: ClusterIP/NodePort/LoadBalancer/ExternalIPs/HostPort frontends with zero backends, or whose backends are all terminating/quarantined/maintenance, grouped per frontend across agents. LocalRedirect frontends and externalTrafficPolicy=Local style per-node emptiness are not reported.',
    why: 'Connections to such a frontend are dropped or refused (Cilium answers with "Service backend not found" drops); if the Service should have endpoints, its pods are missing, not ready, or the agent missed the endpoint update.',
    fix: 'kubectl get endpointslices -l kubernetes.io/service-name=<svc>: if it has ready endpoints but the agent shows none, the agent is out of sync (check failing sync-lb-maps controllers / degraded lb reconciler, LB map pressure); otherwise fix the workload or delete the stale Service.',
    sources: [
      'https://github.com/cilium/cilium/blob/main/cilium-dbg/cmd/service_list.go',
      'https://github.com/cilium/cilium/blob/main/pkg/monitor/api/drop.go',
    ],
  },
  check(ctx) {
    const agents = agentsWith(ctx.snapshot, 'services')
    // A list whose rows were all unreadable (a format the parser does not know) is not an empty cluster.
    const parsed = agents.filter((a) => a.services.services.length > 0)
    const unreadable = agents.filter((a) => a.services.services.length === 0 && a.services.unrecognized.length > 0)
    if (parsed.length === 0 && unreadable.length > 0) {
      const u = unreadable[0].services.unrecognized[0]
      ctx.notEvaluated(`the service list has no parsed services but ${unreadable.reduce((n, a) => n + a.services.unrecognized.length, 0)} unrecognized line(s) (first: line ${u.line} "${u.text.trim().slice(0, 80)}"); backends were not checked`)
    }
    const byKey = new Map<string, Seen>()
    countFrontends(agents, byKey)
    collectEmpty(agents, byKey)

    interface Problem {seen: Seen, bad: string[], severity: Severity, text: string}
    const problems: Problem[] = []
    for (const seen of byKey.values()) {
      const bad = [...new Set([...seen.empty, ...seen.noActive.keys()])]
      if (bad.length === 0) continue
      const everywhere = bad.length === seen.withFrontend
      if (!everywhere && PER_NODE_TYPES.test(seen.type)) continue
      const states = [...new Set([...seen.noActive.values()].flat())]
      const what = seen.empty.size > 0 && states.length === 0
        ? 'no backends'
        : seen.empty.size === 0 ? `no active backend (only ${states.join('/')})` : `no backends or only ${states.join('/')} ones`
      let severity: Severity = 'medium'
      if (!everywhere) severity = 'info'
      else if (seen.withFrontend >= 2) severity = 'high'
      const where = everywhere
        ? (seen.withFrontend === 1 ? `on ${bad[0]}` : `on all ${seen.withFrontend} agents that have it`)
        : `on ${agentPhrase(bad)} while ${seen.withFrontend - bad.length} other agent(s) have active backends (expected only with internalTrafficPolicy: Local; otherwise these agents are out of sync)`
      problems.push({seen, bad, severity, text: `${seen.key} has ${what} ${where}`})
    }
    if (problems.length === 0) return []

    problems.sort((x, y) => SEVERITY_ORDER[y.severity] - SEVERITY_ORDER[x.severity] || x.seen.key.localeCompare(y.seen.key))
    if (problems.length <= 3) {
      return problems.map((p): CheckResult => ({
        severity: p.severity,
        messageId: 'no-backends',
        message: p.text,
        agents: p.bad,
        evidence: capEvidence(distinctEvidence(p.seen.evidence), 6),
        helm: [],
      }))
    }
    // Several empty frontends: one finding per severity, each frontend named, or the report drowns.
    const out: CheckResult[] = []
    for (const severity of ['high', 'medium', 'info'] as const) {
      const group = problems.filter((p) => p.severity === severity)
      if (group.length === 0) continue
      out.push({
        // ten or more empty frontends on one agent is a systemic problem, not a stray Service
        severity: severity === 'medium' && group.length >= 10 ? 'high' : severity,
        messageId: 'many-without-backends',
        message: `${group.length} service frontends have no active backends: ${group.slice(0, 10).map((p) => p.text).join('; ')}${group.length > 10 ? `; and ${group.length - 10} more` : ''}`,
        agents: [...new Set(group.flatMap((p) => p.bad))],
        evidence: capEvidence(distinctEvidence(group.flatMap((p) => p.seen.evidence.slice(0, 1))), 10),
        helm: [],
      })
    }
    return out
  },
})
