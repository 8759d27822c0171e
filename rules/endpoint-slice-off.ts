import type {Snapshot} from '../src/snapshot/schema.js'
import {ev, settingCut, parseVersion, configText, helmEvidence, helmValue, isTrue, nodeCount} from '../src/rules/helpers.js'
import type {CheckResult, Evidence} from '../src/rules/types.js'
import {defineRule} from '../src/rules/types.js'

// Heuristic thresholds (no Cilium-published number for CES): the brief's 100 nodes / 5000 CEPs; high above 1000 nodes.
const NODES = 100
const CEPS = 5000
const NODES_HIGH = 1000

function helmBool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v
  if (typeof v === 'string') return isTrue(v)
  return undefined
}

/** What the config and Helm values say about CES and egress gateway. */
function sliceFacts(s: Snapshot, version: string | undefined) {
  const cesCfg = configText(s, 'enable-cilium-endpoint-slice')
  const cesHelm = helmBool(helmValue(s, 'ciliumEndpointSlice.enabled')) ?? helmBool(helmValue(s, 'enableCiliumEndpointSlice'))
  const cesOn = cesCfg ? isTrue(cesCfg.value) : cesHelm === true
  const cesEvidence: Evidence[] = cesCfg ? [ev(cesCfg.src)] : cesHelm !== undefined ? [helmEvidence(s, helmValue(s, 'ciliumEndpointSlice.enabled') !== undefined ? 'ciliumEndpointSlice.enabled' : 'enableCiliumEndpointSlice')] : []
  const egwCfg = configText(s, 'enable-egress-gateway') ?? configText(s, 'enable-ipv4-egress-gateway')
  const egwOn = egwCfg ? isTrue(egwCfg.value) : helmBool(helmValue(s, 'egressGateway.enabled')) === true
  const egwEvidence: Evidence[] = egwCfg ? [ev(egwCfg.src)] : egwOn ? [helmEvidence(s, 'egressGateway.enabled')] : []
  const v = parseVersion(version)
  const modernKey = !v || v[0] > 1 || v[1] >= 16
  const path = modernKey ? 'ciliumEndpointSlice.enabled' : 'enableCiliumEndpointSlice'
  return {cesOn, cesEvidence, egwOn, egwEvidence, modernKey, path}
}

type Facts = ReturnType<typeof sliceFacts>

/** CES and egress gateway both on: they are not compatible. */
function conflict({cesOn, egwOn, cesEvidence, egwEvidence}: Facts, out: CheckResult[]): void {
  if (cesOn && egwOn) {
    out.push({
      severity: 'high',
      messageId: 'conflicts-with-egress-gateway',
      message: 'Configured: CiliumEndpointSlice and egress gateway are both enabled; the Cilium docs state egress gateway is not compatible with CES (cilium/cilium#24833)',
      agents: [],
      evidence: [...cesEvidence, ...egwEvidence],
      helm: [],
      fix: 'Choose one: if egress gateway is required, set ciliumEndpointSlice.enabled: false (agents first, then operator).',
    })
  }
}

/** Helm keys removed in 1.18. */
function removedKeys(s: Snapshot, {modernKey}: Facts, out: CheckResult[]): void {
  const legacyKey = helmValue(s, 'enableCiliumEndpointSlice')
  const sliceMode = helmValue(s, 'ciliumEndpointSlice.sliceMode')
  if (legacyKey !== undefined || sliceMode !== undefined) {
    const keys = [legacyKey !== undefined ? 'enableCiliumEndpointSlice' : '', sliceMode !== undefined ? 'ciliumEndpointSlice.sliceMode' : ''].filter(Boolean)
    out.push({
      severity: 'medium',
      messageId: 'removed-helm-key',
      message: `Configured: Helm values use ${keys.join(' and ')}, removed in 1.18: helm upgrade to 1.18+ fails ("enableCiliumEndpointSlice was deprecated in v1.16 and has been removed in v1.18")`,
      agents: [],
      evidence: keys.map((k) => helmEvidence(s, k)),
      helm: legacyKey !== undefined && modernKey
        ? [{path: 'ciliumEndpointSlice.enabled', value: helmBool(legacyKey) ?? false, reason: 'replacement of the removed enableCiliumEndpointSlice key (delete the old key)'}]
        : [],
    })
  }
}

/** CES off at scale. */
function offAtScale(s: Snapshot, {cesOn, cesEvidence, egwOn, egwEvidence, path}: Facts, out: CheckResult[], notEvaluated: (reason: string) => never, notJudged: (reason: string) => void): void {
  // "off" read from a key missing only because the source was cut is not off
  const cut = cesOn ? undefined
    : settingCut(s, {config: 'enable-cilium-endpoint-slice', helm: 'ciliumEndpointSlice.enabled'}) ?? settingCut(s, {helm: 'enableCiliumEndpointSlice'})
  if (cut) {
    notJudged(cut)
    return
  }
  if (!cesOn) {
    const nodes = nodeCount(s)
    const ceps = s.cluster.counts?.ciliumEndpoints
    if (!nodes && ceps === undefined) {
      if (out.length === 0) notEvaluated('CES is off but there is no node or CiliumEndpoint count to judge scale')
      return
    }
    const big = (nodes !== undefined && nodes.count > NODES) || (ceps !== undefined && ceps > CEPS)
    if (!big) return
    const facts = [nodes ? `${nodes.count} nodes (${nodes.from})` : '', ceps !== undefined ? `${ceps} CiliumEndpoints` : ''].filter(Boolean).join(', ')
    const evidence = [...cesEvidence, ...(nodes?.src ? [ev(nodes.src)] : []), ...(s.cluster.counts?.src ? [ev(s.cluster.counts.src)] : [])]
    if (egwOn) {
      out.push({
        severity: 'info',
        messageId: 'off-blocked',
        message: `Configured: CiliumEndpointSlice is off${cesEvidence.length === 0 ? ' (the default)' : ''} with ${facts}, but enabling it is blocked: egress gateway is enabled and is not compatible with CES`,
        agents: [],
        evidence: [...evidence, ...egwEvidence],
        helm: [],
        fix: 'Keep CES off while egress gateway is used; watch API-server load and cilium_k8s_client_rate_limiter_duration_seconds instead.',
      })
    } else {
      out.push({
        severity: nodes !== undefined && nodes.count > NODES_HIGH ? 'high' : 'medium',
        messageId: 'off',
        message: `Configured: CiliumEndpointSlice is off${cesEvidence.length === 0 ? ' (the default)' : ''} with ${facts} (heuristic threshold: > ${NODES} nodes or > ${CEPS} CiliumEndpoints); every agent watches every CiliumEndpoint`,
        agents: [],
        evidence,
        helm: [{
          path,
          value: true,
          reason: 'agents watch batched CiliumEndpointSlices instead of every CiliumEndpoint',
          cost: 'enable on the operator first and wait for cilium_operator_ces_sync_total to settle, then restart agents; identities of new endpoints may be recognised slightly later (beta feature)',
        }],
      })
    }
  }
}

export default defineRule({
  meta: {
    id: 'endpoint-slice-off',
    title: 'CiliumEndpointSlice off at scale (or conflicting with egress gateway)',
    severity: 'high',
    versions: '>=1.11',
    needs: [['config'], ['helm']],
    features: ['endpoint-slice'],
    messages: {'conflicts-with-egress-gateway': 'CiliumEndpointSlice and egress gateway are both on', 'removed-helm-key': 'Helm values use a key removed in 1.18', 'off-blocked': 'CiliumEndpointSlice off at scale, enabling blocked by egress gateway', off: 'CiliumEndpointSlice off at scale'},
    description: 'CES disabled (enable-cilium-endpoint-slice != true) while the cluster has > 100 nodes or > 5000 CiliumEndpoints (heuristic); CES enabled together with egress gateway (documented incompatibility); Helm values still using enableCiliumEndpointSlice / ciliumEndpointSlice.sliceMode (removed in 1.18).',
    why: 'Without CES every agent watches every CiliumEndpoint: each pod create/update fans out to all nodes (1k nodes x 30 pods/s ≈ 90k watch events/s, cilium/cilium#15153), loading the API server and delaying identity propagation.',
    fix: 'ciliumEndpointSlice.enabled: true (operator first, wait until cilium_operator_ces_sync_total settles, then agents). Keep it off when egress gateway is used.',
    prerequisites: 'disableEndpointCRD=false; not compatible with egress gateway.',
    sources: [
      'https://docs.cilium.io/en/stable/network/kubernetes/ciliumendpointslice/',
      'https://docs.cilium.io/en/stable/network/egress-gateway/egress-gateway/',
      'https://docs.cilium.io/en/stable/operations/performance/scalability/report/',
      'https://github.com/cilium/cilium/blob/main/install/kubernetes/cilium/templates/validate.yaml',
    ],
  },
  check(ctx) {
    const s = ctx.snapshot
    const out: CheckResult[] = []
    const f = sliceFacts(s, ctx.ciliumVersion)
    conflict(f, out)
    removedKeys(s, f, out)
    offAtScale(s, f, out, ctx.notEvaluated, ctx.notJudged)
    return out
  },
})
