import {agentPhrase, capEvidence, distinctEvidence, ev, nameList} from '../src/rules/helpers.js'
import type {Agent, KnownNode, Snapshot} from '../src/snapshot/schema.js'
import type {CheckResult} from '../src/rules/types.js'
import {defineRule} from '../src/rules/types.js'

/*
 * `cilium-dbg node list` is the agent's own view of the cluster: the nodes it routes to, keeps in the ipcache and
 * probes for health. Held against the nodes the cluster has (kubectl get nodes, a NodeList, CiliumNodes), a node
 * missing from it is a node this agent cannot reach pods on (#24574, #11532); an entry the cluster no longer has is stale.
 */

/** The agent's own-cluster rows: under Cluster Mesh the remote clusters' nodes are listed too, prefixed with their cluster. */
function localRows(rows: KnownNode[]): {rows: KnownNode[], prefix?: string} {
  const local = rows.find((r) => r.source === 'local')
  const prefixes = new Set(rows.map((r) => r.cluster))
  const own = local ? local.cluster : prefixes.size === 1 ? [...prefixes][0] : rows.some((r) => r.cluster === undefined) ? undefined : null
  return own === null ? {rows} : {rows: rows.filter((r) => r.cluster === own), ...(own ? {prefix: own} : {})}
}

function clusterNodeNames(s: Snapshot): string[] {
  const c = s.cluster
  return [...new Set([...(c.nodes ?? []).map((n) => n.name), ...(c.ciliumNodes ?? []).map((n) => n.name)])]
}

function missingFinding(a: Agent, rows: KnownNode[], missing: string[]): CheckResult {
  return {
    messageId: 'nodes-missing',
    message: `${agentPhrase([a.name])} does not know ${missing.length} of the cluster's nodes: ${nameList(missing)}. ` +
      'It has no route, ipcache entry or health probe for them, so its pods cannot reach pods there.',
    agents: [a.name],
    evidence: capEvidence(distinctEvidence([ev(rows[0]?.src ?? {file: a.name, line: 0, text: ''}), ...rows.slice(-1).map((r) => ev(r.src))])),
    helm: [],
  }
}

export default defineRule({
  meta: {
    id: 'agent-node-view',
    title: 'An agent\'s node list disagrees with the cluster\'s nodes',
    severity: 'high',
    versions: '*',
    needs: [['node-list', 'nodes'], ['node-list', 'counts']],
    messages: {'nodes-missing': 'nodes the cluster has are missing from an agent\'s node list', 'stale-nodes': 'an agent still lists nodes the cluster no longer has'},
    description: 'Compares each agent\'s `cilium-dbg node list` (its own cluster\'s rows) with the cluster\'s nodes (kubectl get nodes, a NodeList, CiliumNodes). ' +
      'A node list that may have been cut after its last row (it is sorted by name) is not taken as proof that the nodes after it are missing.',
    why: 'An agent learns nodes from CiliumNode objects (or the kvstore): when its watch stalls it keeps routing to nodes that are gone and never learns new ones, so pods on the new nodes are unreachable from its pods while everything else looks healthy.',
    fix: 'Check the agent\'s log for CiliumNode watch or kvstore errors, that every node has a CiliumNode (kubectl get ciliumnodes) and the operator runs; restarting the agent on the affected node (kubectl -n kube-system delete pod AGENT) makes it list the nodes again.',
    sources: [
      'https://github.com/cilium/cilium/blob/main/cilium-dbg/cmd/node_list.go',
      'https://github.com/cilium/cilium/issues/24574',
      'https://github.com/cilium/cilium/issues/11532',
    ],
  },
  check(ctx) {
    const s = ctx.snapshot
    const cluster = clusterNodeNames(s)
    if (cluster.length === 0) ctx.notEvaluated('no list of the cluster\'s nodes (kubectl get nodes, a NodeList or CiliumNodes) to hold the agents\' node lists against')
    const listCut = s.cluster.errors.some((e) => e.kind === 'truncated')
    const out: CheckResult[] = []
    for (const a of s.agents) {
      if (!a.knownNodes || a.knownNodes.length === 0) continue
      const {rows, prefix} = localRows(a.knownNodes)
      const known = new Set(rows.map((r) => r.node))
      const missing = cluster.filter((n) => !known.has(n)).sort()
      // the list is printed sorted by name: a cut paste loses only names after its last row
      const lastPrinted = a.knownNodes.at(-1)!.name
      if (missing.length > 0 && missing.every((n) => (prefix ? `${prefix}/${n}` : n) > lastPrinted)) {
        ctx.notJudged(`the node list of ${a.name} ends at ${lastPrinted}; the nodes that would follow it in name order (${nameList(missing)}) may only have been cut off`)
      } else if (missing.length > 0) {
        out.push(missingFinding(a, rows, missing))
      }
      const stale = listCut ? [] : rows.filter((r) => !cluster.includes(r.node))
      if (stale.length > 0) {
        out.push({
          severity: 'medium',
          messageId: 'stale-nodes',
          message: `${a.name} still lists ${stale.length} node(s) the cluster no longer has: ${nameList(stale.map((r) => r.node))}. Its node watch may have stalled; new nodes are then missed as well.`,
          agents: [a.name],
          evidence: capEvidence(stale.map((r) => ev(r.src))),
          helm: [],
        })
      }
    }
    return out
  },
})
