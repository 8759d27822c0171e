import {defineRule} from '../src/rules/types.js'
import {capEvidence} from '../src/rules/helpers.js'

const HARD = new Set(['timeout', 'forbidden', 'unreachable', 'failed'])

/**
 * Agents whose evidence could not be collected. Without this, a cluster where half the agents time out
 * would look healthier than it is: their checks are counted "not evaluated" and named here.
 */
export default defineRule({
  meta: {
    id: 'agent-unreachable',
    title: 'Evidence could not be collected from some agents',
    severity: 'high',
    versions: '*',
    needs: [],
    messages: {unreachable: 'agents whose evidence could not be read', incomplete: 'agents or cluster sources that gave incomplete evidence'},
    description: 'Lists agents whose commands timed out, were forbidden, failed or were missing from the capture, and cluster objects that could not be read.',
    why: 'Checks that need an unreadable agent cannot run; a report without this would look complete when it is not. An agent that does not answer exec is often itself the incident (overloaded, crash-looping, node down).',
    fix: 'Check the named pods (kubectl -n <ns> describe pod), RBAC for pods/exec (deploy/rbac.yaml), and re-run with a longer --timeout.',
    sources: [
      'https://docs.cilium.io/en/stable/operations/troubleshooting/',
    ],
  },
  check(ctx) {
    // Without agents there is nothing whose readability could pass (a Prometheus-only or cluster-only run).
    if (ctx.snapshot.agents.length === 0 && ctx.snapshot.cluster.errors.length === 0) ctx.notEvaluated('no agents in the evidence')
    const out = []
    const hard = ctx.snapshot.agents.filter((a) => a.errors.some((e) => HARD.has(e.kind)))
    if (hard.length > 0) {
      const evidence = hard.flatMap((a) => a.errors.filter((e) => HARD.has(e.kind)).map((e) => ({source: `pod/${a.name}`, line: 0, text: `${e.command}: ${e.kind}: ${e.message}`})))
      const kinds = [...new Set(hard.flatMap((a) => a.errors.map((e) => e.kind)))].join(', ')
      out.push({
        messageId: 'unreachable',
        message: `${hard.length} of ${ctx.snapshot.agents.length} agents could not be read (${kinds}): ${hard.slice(0, 5).map((a) => a.name).join(', ')}${hard.length > 5 ? ', …' : ''}. Their checks are not evaluated.`,
        agents: hard.map((a) => a.name),
        evidence: capEvidence(evidence),
        helm: [],
        fix: 'Inspect those agent pods; re-run with --timeout or --node to retry them.',
      })
    }
    const soft = ctx.snapshot.agents.filter((a) => !hard.includes(a) && a.errors.length > 0)
    const clusterErrors = ctx.snapshot.cluster.errors
    if (soft.length > 0 || clusterErrors.length > 0) {
      const evidence = [
        ...soft.flatMap((a) => a.errors.map((e) => ({source: `agent/${a.name}`, line: 0, text: `${e.command}: ${e.kind}: ${e.message}`}))),
        ...clusterErrors.map((e) => ({source: 'cluster', line: 0, text: `${e.command}: ${e.kind}: ${e.message}`})),
      ]
      out.push({
        severity: 'medium' as const,
        title: 'Some evidence is missing or unreadable',
        messageId: 'incomplete',
        message: `${soft.length} agent(s) and ${clusterErrors.length} cluster source(s) gave incomplete evidence; checks that needed it are not evaluated.`,
        agents: soft.map((a) => a.name),
        evidence: capEvidence(evidence),
        helm: [],
      })
    }
    return out
  },
})
