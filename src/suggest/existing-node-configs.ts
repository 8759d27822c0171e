/*
 * CiliumNodeConfigs already in the cluster (a live collection lists them): a key one of them sets wins over
 * cilium-config on the nodes it selects, so a global change of that key does not reach those nodes, and a new
 * per-node override can collide with an existing one (several apply in name order, the later name winning;
 * pkg/k8s/apis/cilium.io/v2/cnc_types.go). Said as notes, next to the change they qualify.
 */
import {configKeyFor} from '../cilium/helm-config.js'
import {selectedNodes} from '../parse/cilium-node-configs.js'
import type {NodeConfigInfo, Snapshot} from '../snapshot/schema.js'
import type {NodeConfigProposal} from './node-configs.js'

interface GlobalChange {writePath: string, value: unknown}

const shownName = (c: {name: string, namespace?: string}) => `${c.namespace ? `${c.namespace}/` : ''}${c.name}`

function keyOf(writePath: string, version: string | undefined): string | undefined {
  return writePath.startsWith('extraConfig.') ? writePath.slice('extraConfig.'.length) : configKeyFor(writePath, version)?.config
}

function whereItApplies(cnc: NodeConfigInfo, s: Snapshot): {nodes?: string[], text: string} | undefined {
  const nodes = selectedNodes(cnc, s.cluster.nodes ?? [])
  if (nodes === undefined) return {text: 'the nodes its selector (matchExpressions) picks'}
  if (nodes.length === 0) return undefined // selects no node: it overrides nothing
  return {nodes, text: nodes.length > 5 ? `${nodes.length} nodes (${nodes.slice(0, 5).join(', ')}, …)` : nodes.join(', ')}
}

/** A global change of a key an existing CiliumNodeConfig overrides: those nodes keep the override. */
export function globalChangeNotes(s: Snapshot, changes: GlobalChange[], version: string | undefined): string[] {
  const out: string[] = []
  for (const ch of changes) {
    const key = keyOf(ch.writePath, version)
    if (!key) continue
    for (const cnc of s.cluster.nodeConfigs ?? []) {
      const v = cnc.defaults[key]
      const where = v === undefined ? undefined : whereItApplies(cnc, s)
      if (v === undefined || !where) continue
      out.push(`${ch.writePath}=${JSON.stringify(ch.value)} does not reach ${where.text}: the existing CiliumNodeConfig ${shownName(cnc)} sets ${key}: "${v}" there, and a CiliumNodeConfig overrides cilium-config; change or delete that override too if those nodes need the new value (the what-if above assumes every node takes it)`)
    }
  }
  return out
}

/** A proposed override that meets an existing one: same name (it would replace it), or the same key on the same nodes. */
export function proposalNotes(s: Snapshot, proposals: NodeConfigProposal[]): Array<{proposal: NodeConfigProposal, note: string}> {
  const out: Array<{proposal: NodeConfigProposal, note: string}> = []
  for (const p of proposals) {
    for (const cnc of s.cluster.nodeConfigs ?? []) {
      if (cnc.name === p.name && (cnc.namespace ?? p.namespace) === p.namespace) {
        out.push({proposal: p, note: `CiliumNodeConfig ${shownName(p)} already exists (setting ${Object.keys(cnc.defaults).join(', ') || 'nothing'}): applying the proposal replaces it; merge its keys in first`})
        continue
      }
      const shared = Object.keys(p.defaults).filter((k) => cnc.defaults[k] !== undefined)
      const where = shared.length > 0 ? whereItApplies(cnc, s) : undefined
      const overlap = where?.nodes ? where.nodes.filter((n) => p.nodes.includes(n)) : where ? p.nodes : []
      if (shared.length === 0 || overlap.length === 0) continue
      // same key on the same node: the later name (string order) wins
      const winner = cnc.name > p.name ? shownName(cnc) : shownName(p)
      out.push({proposal: p, note: `the proposed CiliumNodeConfig ${shownName(p)} and the existing ${shownName(cnc)} both set ${shared.join(', ')} (${shared.map((k) => `"${cnc.defaults[k]}" now`).join(', ')}) on ${where?.nodes ? overlap.join(', ') : 'nodes its selector may pick'}; they apply in name order, so ${winner} wins there${winner === shownName(p) ? '' : ': rename one or remove the key from the existing one'}`})
    }
  }
  return out
}
