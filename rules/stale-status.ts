import {agentsWith, capEvidence, ev, agentPhrase, distinctEvidence, groupBy} from '../src/rules/helpers.js'
import {defineRule} from '../src/rules/types.js'

/** `"kvstore" since 2026-…, "cluster" since …` → ["kvstore", "cluster"]. */
export function staleProbes(text: string): string[] {
  const quoted = [...text.matchAll(/"([^"]+)"/g)].map((m) => m[1])
  return quoted.length > 0 ? quoted : [text.trim()]
}

export default defineRule({
  meta: {
    id: 'stale-status',
    title: 'Stale status probes',
    severity: 'high',
    versions: '*',
    needs: [['status']],
    messages: {'stale-probes': 'status probes are stale'},
    description: 'A "Stale status:" line in cilium-dbg status: some status probes (kvstore, kubernetes, ipam, cluster, cilium-health, controllers …) have not completed recently.',
    why: 'A probe that does not return means the agent subsystem behind it is hung or starved (API server slow, kvstore stuck, lock contention); the values printed for it are old.',
    fix: 'Check the named subsystems in the agent log and API-server latency; if the probe stays stale for minutes, collect a sysdump (gops stack) and restart the agent.',
    sources: [
      'https://github.com/cilium/cilium/blob/main/daemon/cmd/status.go',
      'https://github.com/cilium/cilium/blob/main/pkg/client/client.go',
    ],
  },
  check(ctx) {
    const agents = agentsWith(ctx.snapshot, 'status')
    const stale = agents.filter((a) => a.status.staleStatus)
    if (stale.length === 0) return []
    return [...groupBy(stale, (a) => staleProbes(a.status.staleStatus!.text).sort().join(',')).values()].map((list) => {
      const probes = staleProbes(list[0].status.staleStatus!.text)
      const names = list.map((a) => a.name)
      return {
        messageId: 'stale-probes',
        message: `Status probe${probes.length === 1 ? '' : 's'} ${probes.map((p) => `"${p}"`).join(', ')} stale on ${agentPhrase(names)}: ${list[0].status.staleStatus!.text}`,
        agents: names,
        evidence: capEvidence(distinctEvidence(list.map((a) => ev(a.status.staleStatus!.src)))),
        helm: [],
      }
    })
  },
})
