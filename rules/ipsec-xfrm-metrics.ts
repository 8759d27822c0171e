import {BENIGN_XFRM_ERRORS, DEFAULT_KEY_ROTATION_SECONDS, ENCRYPTION_KEYS, IPSEC_KEYS_METRIC, XFRM_CAUSES, XFRM_ERROR_METRIC, durationSeconds} from '../src/cilium/encryption.js'
import {agentOf, agentPhrase, capEvidence, configText, counterText, ev, fmtCount, groupBy, metricSamples, trendFor} from '../src/rules/helpers.js'
import type {CheckResult, Severity} from '../src/rules/types.js'
import {defineRule} from '../src/rules/types.js'
import type {Snapshot} from '../src/snapshot/schema.js'

/*
 * IPsec from the agents' metrics (pkg/datapath/linux/ipsec/xfrm_collector.go): cilium_ipsec_xfrm_error is
 * /proc/net/xfrm_stat since boot, one series per type (inbound/outbound) and error; cilium_ipsec_keys the keys
 * in use (1, 2 during a rotation). This rule owns those counters: ipsec-errors reads the same ones from
 * `cilium-dbg encrypt status` only for agents whose metrics do not report them (src/rules/lib/encryption.ts).
 */

const DOC = 'https://docs.cilium.io/en/stable/security/network/encryption-ipsec/#troubleshooting'

type Sample = ReturnType<typeof metricSamples>[number]

function xfrmErrors(s: Snapshot): CheckResult[] {
  const bad = metricSamples(s, XFRM_ERROR_METRIC).filter((x) => x.value > 0)
  if (bad.length === 0) return []
  const real = bad.filter((x) => !BENIGN_XFRM_ERRORS.has(x.labels.error ?? ''))
  const shown = real.length > 0 ? real : bad
  const trends = shown.map((x) => trendFor(s, XFRM_ERROR_METRIC, {type: x.labels.type ?? '', error: x.labels.error ?? ''}, agentOf(x)))
  const rising = trends.some((t) => t && t.slopePerHour > 0)
  const flat = trends.length > 0 && trends.every((t) => t && t.slopePerHour <= 0)
  const severity: Severity = real.length === 0 ? 'medium' : rising ? 'high' : flat ? 'info' : 'high'
  const byKind = groupBy(shown, (x) => `${x.labels.type ?? '?'}/${x.labels.error ?? '?'}`)
  const kinds = [...byKind].map(([k, xs]) => ({k, n: xs.reduce((a, x) => a + x.value, 0), xs})).sort((a, b) => b.n - a.n)
  const causes = [...new Set(shown.map((x) => XFRM_CAUSES[x.labels.error ?? '']).filter(Boolean))]
  const agents = [...new Set(shown.map(agentOf))]
  return [{
    severity,
    messageId: real.length > 0 ? 'xfrm-errors' : 'xfrm-forward-header',
    message: `IPsec XFRM errors on ${agentPhrase(agents)}: ${kinds.map((k) => `${k.k} ${counterText(k.n, trendFor(s, XFRM_ERROR_METRIC, {type: k.xs[0].labels.type ?? '', error: k.xs[0].labels.error ?? ''}, agentOf(k.xs[0])))}`).join(', ')}. Every XFRM error is a packet the kernel dropped${flat ? '; none is rising in the trend window (old errors since boot)' : ''}.`,
    agents,
    evidence: capEvidence(kinds.flatMap((k) => k.xs.map((x: Sample) => ev(x.src)))),
    helm: [],
    fix: `${causes.join('; ')} (${DOC}).`,
  }]
}

function keyRotation(s: Snapshot): CheckResult[] {
  const keys = metricSamples(s, IPSEC_KEYS_METRIC)
  const cfg = configText(s, ENCRYPTION_KEYS.keyRotationDuration)
  const rotation = durationSeconds(cfg?.value) ?? DEFAULT_KEY_ROTATION_SECONDS
  const out: CheckResult[] = []
  const tooMany = keys.filter((k) => k.value > 2)
  const stuck = keys.filter((k) => k.value === 2).filter((k) => {
    const t = trendFor(s, IPSEC_KEYS_METRIC, {}, agentOf(k))
    // two keys through a whole trend window longer than the rotation grace period: the old key was never removed
    return t !== undefined && t.slopePerHour === 0 && t.windowSeconds > rotation * 2
  })
  if (tooMany.length > 0) {
    out.push({
      severity: 'medium', messageId: 'too-many-keys',
      message: `${agentPhrase([...new Set(tooMany.map(agentOf))])} use ${Math.max(...tooMany.map((k) => k.value))} IPsec keys: one is normal, two only during a key rotation.`,
      agents: [...new Set(tooMany.map(agentOf))], evidence: capEvidence(tooMany.map((k) => ev(k.src))), helm: [],
      fix: `Rotations overlapped or the old keys were never removed: finish the rotation (one new SPI, "+" keyid) and restart agents still holding old keys (${DOC}).`,
    })
  }
  if (stuck.length > 0) {
    const t = trendFor(s, IPSEC_KEYS_METRIC, {}, agentOf(stuck[0]))!
    out.push({
      severity: 'medium', messageId: 'rotation-stuck',
      message: `${agentPhrase([...new Set(stuck.map(agentOf))])} kept 2 IPsec keys for the whole ${fmtCount(Math.round(t.windowSeconds / 60))} min trend window, longer than the ${fmtCount(rotation / 60)} min key-rotation grace period (${cfg ? `${ENCRYPTION_KEYS.keyRotationDuration}: ${cfg.value}` : 'default'}): the rotation did not finish.`,
      agents: [...new Set(stuck.map(agentOf))], evidence: capEvidence([...stuck.map((k) => ev(k.src)), ev(t.src), ...(cfg ? [ev(cfg.src)] : [])]), helm: [],
      fix: `Check that every node has the new key (kubectl get ciliumnodes: spec.encryption.key is the SPI each node uses) and restart the agents still on the old SPI (${DOC}).`,
    })
  }
  return out
}

export default defineRule({
  meta: {
    id: 'ipsec-xfrm-metrics',
    title: 'IPsec XFRM errors and key rotation (metrics)',
    severity: 'high',
    versions: '*',
    needs: [['metrics']],
    messages: {
      'xfrm-errors': 'XFRM errors: packets dropped by IPsec',
      'xfrm-forward-header': 'only XfrmFwdHdrError: oversized forwarded packets',
      'too-many-keys': 'more IPsec keys in use than a rotation needs',
      'rotation-stuck': 'an IPsec key rotation did not finish',
    },
    description: 'cilium_ipsec_xfrm_error{type,error} above 0 (forward_header alone is medium: MTU, not a Cilium or key problem; errors not rising in the Prometheus window are info), cilium_ipsec_keys above 2, or at 2 through a trend window longer than twice the key-rotation duration (ipsec-key-rotation-duration, default 5 min).',
    why: 'Each XFRM error is a dropped packet; the documented causes are key rotations done wrong or not finished, sequence numbers running out, and states out of sync after upgrades.',
    fix: 'Per error label: a proper key rotation (new SPI) fixes state_protocol, state_sequence and no_state; restart the agent for state/policy mismatches; MTU for forward_header.',
    sources: [
      DOC,
      'https://github.com/cilium/cilium/blob/main/pkg/datapath/linux/ipsec/xfrm_collector.go',
      'https://github.com/cilium/cilium/pull/44335',
    ],
  },
  check(ctx) {
    const s = ctx.snapshot
    if (metricSamples(s, XFRM_ERROR_METRIC).length === 0 && metricSamples(s, IPSEC_KEYS_METRIC).length === 0) {
      ctx.notApplicable('no cilium_ipsec_* metrics: IPsec is off, or the agents\' metrics were not read')
    }
    return [...xfrmErrors(s), ...keyRotation(s)]
  },
})
