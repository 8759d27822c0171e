import {LIMITS_SOURCES, NODE_ID_MAX, NODE_MAP_CONFIG_KEY, NODE_MAP_DEFAULT, ROOM_THRESHOLDS, SERVICE_ID_LIMIT} from '../src/cilium/limits.js'
import {configValue, ev, percent, nodeCount} from '../src/rules/helpers.js'
import type {CheckResult, Evidence, Severity} from '../src/rules/types.js'
import {defineRule} from '../src/rules/types.js'
import type {Snapshot} from '../src/snapshot/schema.js'

function severityFor(share: number): Severity | undefined {
  return ROOM_THRESHOLDS.find((t) => share >= t.share)?.severity
}

/** Frontends (one service ID each) on the agent that programs the most. */
function serviceIds(s: Snapshot): CheckResult | undefined {
  const top = s.agents.filter((a) => a.services).sort((x, y) => y.services!.services.length - x.services!.services.length)[0]
  const used = top?.services?.services.length ?? 0
  const severity = severityFor(used / SERVICE_ID_LIMIT)
  if (!top || !severity) return undefined
  return {
    severity,
    messageId: 'service-ids',
    message: `${used} service frontends on ${top.name} = ${percent(used / SERVICE_ID_LIMIT)} of the ${SERVICE_ID_LIMIT} service IDs an agent can allocate (room for ${SERVICE_ID_LIMIT - used} more).`,
    agents: [top.name],
    evidence: [ev(top.services!.services[0].src)],
    helm: [],
    fix: 'The service ID space is fixed (uint16): fewer frontends per cluster (drop unused Services, NodePorts and externalIPs, which add a frontend per node address) or split the workload across clusters. A bigger bpf.lbMapMax does not add IDs.',
  }
}

/** Node IDs (one per remote node) and node-map entries (one per node IP) against their limits. */
function nodeIds(s: Snapshot): CheckResult | undefined {
  const n = nodeCount(s)
  if (!n) return undefined
  const cfg = configValue(s, NODE_MAP_CONFIG_KEY)
  const mapMax = Number(cfg?.value) > 0 ? Number(cfg!.value) : NODE_MAP_DEFAULT
  const families = configValue(s, 'enable-ipv6')?.value === 'true' && configValue(s, 'enable-ipv4')?.value !== 'false' ? 2 : 1
  // each node is known by its InternalIP and its cilium_host (CiliumInternalIP) address, per family
  const entries = n.count * 2 * families
  const share = Math.max(entries / mapMax, n.count / NODE_ID_MAX)
  const severity = severityFor(share)
  if (!severity) return undefined
  const evidence: Evidence[] = [...(n.src ? [ev(n.src)] : []), ...(cfg ? [ev(cfg.src)] : [])]
  return {
    severity,
    messageId: 'node-ids',
    message: `${n.count} nodes (${n.from}) ≈ ${entries} node-map entries (2 addresses per node${families === 2 ? ' and family' : ''}) = ${percent(entries / mapMax)} of the node map's ${mapMax} entries${cfg ? '' : ' (default)'}; node IDs are a uint16 space (${NODE_ID_MAX}).`,
    agents: [],
    evidence,
    helm: [],
    fix: `Raise ${NODE_MAP_CONFIG_KEY} (Helm extraConfig, agents restart) before adding nodes or clusters to the mesh; remote clusters' nodes count too. When it is full the agent logs "No more IDs available for nodes" and traffic to the new nodes is not encapsulated or encrypted correctly.`,
  }
}

export default defineRule({
  meta: {
    id: 'id-space',
    title: 'Room under hard ID limits (service IDs, node IDs)',
    severity: 'critical',
    versions: '*',
    needs: [['services'], ['nodes'], ['counts']],
    messages: {'service-ids': 'service frontends near the service ID limit', 'node-ids': 'nodes near the node ID / node map limit'},
    description: `Service frontends on the busiest agent against the ${SERVICE_ID_LIMIT} service IDs; nodes × their addresses against the node map (bpf-node-map-max, default ${NODE_MAP_DEFAULT}) and the uint16 node ID space. ≥ 75 % medium, ≥ 90 % high, ≥ 97 % critical (heuristic). Identities are identity-limit, policy map entries bpf-map-pressure, pod IPs ipam-exhaustion.`,
    why: 'These limits are fixed in the agent: when an ID space runs out, new Services or nodes are not programmed at all, and no map resize brings them back.',
    fix: 'Service IDs: fewer frontends. Node IDs: raise bpf-node-map-max before growing the cluster or the mesh.',
    sources: [...LIMITS_SOURCES, 'https://github.com/cilium/cilium/issues/42787'],
  },
  check(ctx) {
    return [serviceIds(ctx.snapshot), nodeIds(ctx.snapshot)].filter((x) => x !== undefined)
  },
})
