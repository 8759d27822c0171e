import {capEvidence, ev} from '../src/rules/helpers.js'
import type {CheckResult, Evidence} from '../src/rules/types.js'
import {defineRule} from '../src/rules/types.js'

/**
 * What a pasted cilium-cli `cilium status` says: often the first (or only) thing on a ticket.
 * Its per-component error counts, unavailable pods and Errors/Warnings rows are judged here;
 * agent-level rules need `cilium-dbg status --verbose` from the agents for the why.
 */
export default defineRule({
  meta: {
    id: 'cilium-cli-status',
    title: 'cilium status (cilium-cli) reports errors',
    severity: 'critical',
    versions: '*',
    needs: [],
    messages: {errors: 'cilium status reports errors', warnings: 'cilium status reports warnings'},
    description: 'Reads the cilium-cli summary: components with errors or warnings (Cilium, Operator, Envoy DaemonSet, Hubble Relay, ClusterMesh), DaemonSets/Deployments with unavailable or unready pods, the Errors and Warnings rows per pod, and a trailing "status check failed".',
    why: 'cilium-cli aggregates every agent and the operator: "Cilium: N errors" or "Unavailable: 2/2" means agents are down or unhealthy cluster-wide, even when no agent output was captured.',
    fix: 'Read each Errors row (pod and message); then capture `kubectl -n kube-system exec ds/cilium -c cilium-agent -- cilium-dbg status --verbose` from a failing agent (or a cilium sysdump) so ciltune can name the cause.',
    sources: [
      'https://github.com/cilium/cilium-cli/blob/main/status/status.go',
      'https://docs.cilium.io/en/stable/operations/troubleshooting/',
    ],
  },
  check(ctx) {
    const cli = ctx.snapshot.cluster.cliStatus
    if (!cli) {
      // Agents read directly make the cilium-cli summary redundant; without either, nothing was checked.
      if (ctx.snapshot.agents.some((a) => a.status)) return ctx.notApplicable('agents were read directly; no cilium-cli summary needed')
      return ctx.notEvaluated('no cilium-cli `cilium status` output in the evidence')
    }
    const out: CheckResult[] = []
    const unavailable = cli.workloads.filter((w) => (w.unavailable ?? 0) > 0 || (w.desired !== undefined && w.ready !== undefined && w.ready < w.desired))
    const allDown = unavailable.filter((w) => w.desired !== undefined && w.desired > 0 && ((w.unavailable ?? 0) >= w.desired || w.ready === 0))
    const broken = cli.components.filter((c) => c.errors > 0)
    if (unavailable.length > 0 || broken.length > 0 || cli.errors.length > 0 || cli.checkFailed) {
      const evidence: Evidence[] = [
        ...broken.map((c) => ev(c.src)),
        ...unavailable.map((w) => ev(w.src)),
        ...cli.errors.map((e) => ev(e.src)),
        ...(cli.checkFailed ? [ev(cli.checkFailed.src)] : []),
      ]
      const parts = [
        ...broken.map((c) => `${c.name}: ${c.text}`),
        ...unavailable.map((w) => `${w.kind} ${w.name}: ${w.ready ?? '?'}/${w.desired ?? '?'} ready${w.unavailable ? `, ${w.unavailable} unavailable` : ''}`),
      ]
      const pods = [...new Set(cli.errors.map((e) => e.pod))]
      out.push({
        severity: allDown.length > 0 ? 'critical' : 'high',
        messageId: 'errors',
        message: `${parts.join('; ') || 'errors reported'}${pods.length > 0 ? `. Errors on ${pods.slice(0, 5).join(', ')}${pods.length > 5 ? ', …' : ''}: ${cli.errors[0].message}` : ''}`,
        agents: pods.filter((p) => /^cilium-[a-z0-9]{5}$/.test(p)),
        evidence: capEvidence(evidence),
        helm: [],
        fix: allDown.length > 0 ? `every pod of ${allDown.map((w) => w.name).join(', ')} is down: kubectl -n kube-system describe pod and logs --previous of one of them first` : undefined,
      })
    }
    const warned = cli.components.filter((c) => c.errors === 0 && c.warnings > 0)
    if (warned.length > 0 || (cli.warnings.length > 0 && out.length === 0)) {
      out.push({
        severity: 'medium',
        title: 'cilium status (cilium-cli) reports warnings',
        messageId: 'warnings',
        message: `${warned.map((c) => `${c.name}: ${c.text}`).join('; ') || `${cli.warnings.length} warning row(s)`}${cli.warnings[0] ? `: ${cli.warnings[0].message}` : ''}`,
        agents: [],
        evidence: capEvidence([...warned.map((c) => ev(c.src)), ...cli.warnings.map((w) => ev(w.src))]),
        helm: [],
      })
    }
    return out
  },
})
