import {agentPhrase, capEvidence, ev} from '../src/rules/helpers.js'
import {keysFromMetrics, xfrmErrorsFromMetrics} from '../src/rules/lib/encryption.js'
import type {CheckResult} from '../src/rules/types.js'
import {defineRule} from '../src/rules/types.js'
import type {Agent, EncryptStatus} from '../src/snapshot/schema.js'

/*
 * `cilium-dbg encrypt status`: every XFRM error is a dropped packet (Cilium's IPsec troubleshooting docs),
 * except XfrmFwdHdrError; the causes named here are the documented ones. The same counters in the agent's metrics
 * are ipsec-xfrm-metrics' (src/rules/lib/encryption.ts): an agent whose metrics report XFRM errors, or export its
 * key count, is left to that rule so one condition is one finding. "Keys in use: 0" alone is not judged: 1.12–1.15
 * print 0 for every AES-CBC key (cilium#29181); a missing cilium-ipsec-keys Secret shows as a FailedMount event
 * (pod-events) or a fatal "missing IPSec key" log line (agent-restarts).
 */

const DOC = 'https://docs.cilium.io/en/stable/security/network/encryption-ipsec/#troubleshooting'

const CAUSES: Array<[RegExp, string]> = [
  [/XfrmInStateProtoError/, 'XfrmInStateProtoError: the key was changed without a new SPI, or the peers disagree on the anti-replay sequence; fix it with a proper key rotation (new SPI, "+1" in the keyid)'],
  [/XfrmOutStateSeqError/, 'XfrmOutStateSeqError: an XFRM OUT state reached its maximum sequence number; rotate the key, which resets all sequence numbers, and rotate regularly'],
  [/XfrmInNoStates|XfrmOutNoStates/, 'Xfrm*NoStates: packets arrive for a key/SPI the node has no state for (a node missed a rotation or still uses an old key): check that every node has the same keys and "Keys in use" agrees'],
  [/XfrmInStateMismatch|XfrmOutPolBlock|XfrmInNoPols/, 'policy/state mismatch: XFRM policies and states disagree, usually after an interrupted upgrade or key rotation; restart the agent on the node to reinstall them'],
  [/XfrmFwdHdrError/, 'XfrmFwdHdrError: packets too big or with bad headers on forwarding (MTU); the only XFRM error that is not a Cilium bug or operational mistake'],
]

interface Hit {agent: Agent, enc: EncryptStatus}

function errorFinding(hits: Hit[]): CheckResult {
  const rows = hits.flatMap((h) => h.enc.errorRows)
  const names = [...new Set(rows.map((r) => r.name))]
  const causes = CAUSES.filter(([re]) => names.some((n) => re.test(n))).map(([, c]) => c)
  const onlyFwd = names.length > 0 && names.every((n) => n === 'XfrmFwdHdrError')
  const total = hits.reduce((n, h) => n + (h.enc.errors ?? 0), 0)
  return {
    severity: onlyFwd ? 'medium' : 'high',
    messageId: 'xfrm-errors',
    message: `IPsec XFRM errors on ${agentPhrase(hits.map((h) => h.agent.name))}: ${total} in total` +
      (rows.length > 0 ? ` (${rows.map((r) => `${r.name} ${r.count}`).join(', ')})` : '') + '. Each one is a packet the kernel dropped.',
    agents: hits.map((h) => h.agent.name),
    evidence: capEvidence([...hits.map((h) => ev(h.enc.src)), ...rows.map((r) => ev(r.src))]),
    helm: [],
    fix: `${causes.length > 0 ? causes.join('; ') : 'Read the error names against the IPsec troubleshooting list'} (${DOC}).`,
  }
}

function seqFinding(h: Hit): CheckResult | undefined {
  const seq = h.enc.maxSeq
  if (!seq || seq.max === 0 || seq.used / seq.max < 0.8) return undefined
  return {
    severity: seq.used / seq.max >= 0.95 ? 'high' : 'medium',
    messageId: 'sequence-near-max',
    message: `IPsec sequence number on ${h.agent.name} at ${(100 * seq.used / seq.max).toFixed(1)}% of its maximum: when it reaches 0xffffffff the node drops outgoing encrypted packets (XfrmOutStateSeqError).`,
    agents: [h.agent.name],
    evidence: [ev(h.enc.src)],
    helm: [],
    fix: `Rotate the IPsec key now (new SPI): a rotation resets every sequence number (${DOC}).`,
  }
}

export default defineRule({
  meta: {
    id: 'ipsec-errors',
    title: 'IPsec errors in encrypt status',
    severity: 'high',
    versions: '*',
    needs: [['encrypt']],
    messages: {'xfrm-errors': 'XFRM error counters are non-zero', 'sequence-near-max': 'the IPsec sequence number nears its maximum', 'keys-in-use': 'more IPsec keys in use than a rotation needs'},
    description: 'cilium-dbg encrypt status: non-zero XFRM error counters by name with their documented cause, a sequence number near 0xffffffff, and more than two keys in use (one normally, two during a rotation). An agent whose metrics report the same XFRM errors (cilium_ipsec_xfrm_error above 0) or export its key count (cilium_ipsec_keys) is reported by ipsec-xfrm-metrics instead, never twice. "Keys in use: 0" alone is not judged (1.12–1.15 print 0 for AES-CBC keys, cilium#29181). WireGuard and disabled encryption are silent.',
    why: 'An XFRM error is a dropped packet; a node whose sequence number wraps stops sending encrypted traffic.',
    fix: 'Per error name: XfrmInStateProtoError and XfrmOutStateSeqError are fixed by a proper key rotation (new key with the SPI/keyid incremented, applied to every node); Xfrm*NoStates means a node missed a rotation; XfrmFwdHdrError is an MTU problem. Rotate keys regularly so sequence numbers never wrap.',
    sources: [DOC, 'https://docs.cilium.io/en/stable/security/network/encryption-ipsec/#key-rotation', 'https://github.com/cilium/cilium/pull/26808', 'https://github.com/cilium/cilium/issues/33881', 'https://github.com/cilium/cilium/issues/44428', 'https://github.com/cilium/cilium/issues/29181'],
  },
  check(ctx) {
    const hits: Hit[] = ctx.snapshot.agents.filter((a) => a.encrypt && /ipsec/i.test(a.encrypt.mode)).map((a) => ({agent: a, enc: a.encrypt!}))
    const out: CheckResult[] = []
    const metricErrors = xfrmErrorsFromMetrics(ctx.snapshot)
    const metricKeys = keysFromMetrics(ctx.snapshot)
    const failing = hits.filter((h) => ((h.enc.errors ?? 0) > 0 || h.enc.errorRows.length > 0) && !metricErrors.has(h.agent.name))
    if (failing.length > 0) out.push(errorFinding(failing))
    for (const h of hits) {
      const f = seqFinding(h)
      if (f) out.push(f)
      if ((h.enc.keysInUse ?? 0) > 2 && !metricKeys.has(h.agent.name)) {
        out.push({
          severity: 'medium', messageId: 'keys-in-use',
          message: `${h.enc.keysInUse} IPsec keys in use on ${h.agent.name}: one is normal, two only during a key rotation.`,
          agents: [h.agent.name], evidence: [ev(h.enc.src)], helm: [],
          fix: `Finish the key rotation on every node (the old key is removed once all agents use the new SPI) (${DOC}).`,
        })
      }
    }
    return out
  },
})
