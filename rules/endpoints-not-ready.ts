import {agentPhrase, capEvidence, ev, groupBy, nameList} from '../src/rules/helpers.js'
import type {CheckResult, Severity} from '../src/rules/types.js'
import {defineRule} from '../src/rules/types.js'
import type {EndpointRow} from '../src/snapshot/schema.js'

/*
 * Endpoint states from `cilium-dbg endpoint list` or `kubectl get ciliumendpoints`. ready is healthy;
 * regenerating, waiting-to-regenerate, restoring and creating pass on their own within seconds (one capture
 * cannot tell a stuck one), so only states an endpoint does not leave by itself are reported.
 */

interface StateInfo {severity: Severity, reading: string, fix: string}

const STATES: Record<string, StateInfo> = {
  'not-ready': {
    severity: 'high',
    reading: 'the last regeneration failed, so these pods run with stale BPF programs or policy',
    fix: 'cilium-dbg endpoint get <id> shows the status log with the failing step; the agent log has "Regeneration of endpoint failed" with the error (policy map full, compilation, identity).',
  },
  'waiting-for-identity': {
    severity: 'high',
    reading: 'the pods have no security identity yet, so no policy admits their traffic',
    fix: 'Identity allocation is blocked: check the agent log for "Key allocation attempt failed" (identity space exhausted or the API server/kvstore unreachable) and that the operator runs.',
  },
  'invalid': {
    severity: 'high',
    reading: 'the agent gave up on these endpoints',
    fix: 'Delete the pods so the agent creates fresh endpoints, and read the agent log for the error that made them invalid.',
  },
  'disconnected': {
    severity: 'medium',
    reading: 'the endpoints were torn down but are still listed (pods deleted while the agent was busy)',
    fix: 'They go away with the next endpoint garbage collection; if they stay, restart the agent on that node.',
  },
}

interface Hit {where: string, row: EndpointRow}

function finding(state: string, info: StateInfo, hits: Hit[], total: number): CheckResult {
  const places = [...new Set(hits.map((h) => h.where))]
  const names = hits.map((h) => (h.row.labels.find((l) => /pod\.name|app=|k8s-app=|reserved:/.test(l)) ?? h.row.id))
  return {
    severity: info.severity,
    messageId: `endpoints-${state}`,
    message: `${hits.length} of ${total} endpoint(s) ${state} (${nameList([...new Set(names)])}) on ${agentPhrase(places)}: ${info.reading}.`,
    agents: places.filter((p) => p !== 'the cluster (CiliumEndpoints)'),
    evidence: capEvidence(hits.map((h) => ev(h.row.src))),
    helm: [],
    fix: info.fix,
  }
}

export default defineRule({
  meta: {
    id: 'endpoints-not-ready',
    title: 'Endpoints stuck outside ready',
    severity: 'high',
    versions: '*',
    needs: [['endpoints']],
    messages: {
      'endpoints-not-ready': 'endpoints whose regeneration failed',
      'endpoints-waiting-for-identity': 'endpoints without a security identity',
      'endpoints-invalid': 'endpoints the agent gave up on',
      'endpoints-disconnected': 'endpoints torn down but still listed',
    },
    description: 'Endpoints in `cilium-dbg endpoint list` or `kubectl get ciliumendpoints` in a state they do not leave by themselves: not-ready, waiting-for-identity, invalid, disconnected. Transient states (regenerating, waiting-to-regenerate, restoring) are normal.',
    why: 'An endpoint that is not ready keeps stale policy and programs; one waiting for an identity has no connectivity under any policy.',
    fix: 'Per state: `cilium-dbg endpoint get <id>` (or `cilium-dbg endpoint log <id>`) shows the status log with the failing step; the agent log has "Regeneration of endpoint failed" with the error. waiting-for-identity points at identity allocation (operator, API server or kvstore, identity space); invalid endpoints go away when their pods are recreated.',
    sources: ['https://docs.cilium.io/en/stable/operations/troubleshooting/', 'https://github.com/cilium/cilium/issues/8234', 'https://github.com/cilium/cilium/issues/39091'],
  },
  check(ctx) {
    const s = ctx.snapshot
    const all: Hit[] = []
    for (const a of s.agents) for (const row of a.endpoints ?? []) all.push({where: a.name, row})
    for (const row of s.cluster.ciliumEndpoints ?? []) all.push({where: 'the cluster (CiliumEndpoints)', row})
    const bad = all.filter((h) => STATES[h.row.state])
    return [...groupBy(bad, (h) => h.row.state)].map(([state, hits]) => finding(state, STATES[state], hits, all.length))
  },
})
