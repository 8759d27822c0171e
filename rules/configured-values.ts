import type {CheckResult, Evidence} from '../src/rules/types.js'
import {defineRule} from '../src/rules/types.js'
import type {Snapshot} from '../src/snapshot/schema.js'
import {configText, helmEvidence, helmString, helmValue, isTrue, nodeCount, ev, settingCut} from '../src/rules/helpers.js'
import {integrationMode} from '../src/cilium/modes.js'
import {CHART_DEFAULTS} from '../src/cilium/helm-config.js'
import {MAP_FAMILIES, MAPS_DOC, type FamilyId} from '../src/cilium/maps.js'

/*
 * Helm values judged as configuration, beside configured-risks: map sizes set below Cilium's defaults, a smaller
 * dynamic-sizing ratio, CNI chaining, encryption settings, and more operator replicas than nodes. Each says "configured"; none claims
 * that anything failed. With agents' status in the evidence the status-based rules judge what is in effect.
 */

const SIZED: FamilyId[] = ['ct-tcp', 'ct-any', 'nat', 'neigh', 'lb-services', 'policy']

/** A map size as configured: the Helm value, else (for maps map-dynamic-sizing does not judge) the cilium-config key. */
function sizeOf(s: Snapshot, id: FamilyId): {name: string, value: number, evidence: Evidence} | undefined {
  const f = MAP_FAMILIES[id]
  if (helmValue(s, f.helmPath!) !== undefined) return {name: f.helmPath!, value: Number(helmValue(s, f.helmPath!)), evidence: helmEvidence(s, f.helmPath!)}
  // explicit CT/NAT/neighbor sizes in cilium-config are map-dynamic-sizing's (explicit-sizes-override)
  const c = f.dynamic ? undefined : configText(s, f.configKey!)
  return c ? {name: f.configKey!, value: Number(c.value), evidence: ev(c.src)} : undefined
}

function smallMaps(s: Snapshot): CheckResult[] {
  const out: CheckResult[] = []
  const seen = new Set<string>()
  for (const id of SIZED) {
    const f = MAP_FAMILIES[id]
    const size = sizeOf(s, id)
    const path = size?.name ?? ''
    const v = size?.value ?? NaN
    if (!size || seen.has(path) || !Number.isFinite(v) || v <= 0 || !f.defaultSize || v >= f.defaultSize) continue
    seen.add(path)
    out.push({
      severity: 'medium',
      messageId: 'map-size-below-default',
      message: `Configured: ${path}: ${v} is below Cilium's default of ${f.defaultSize} entries for the ${f.label} map${f.dynamic ? ', and an explicit size also keeps bpf.mapDynamicSizeRatio from sizing it by node memory' : ''}; the map fills ${(f.defaultSize / v).toFixed(1)}× sooner than with the default.`,
      agents: [],
      evidence: [size.evidence],
      helm: [],
      fix: `Unless the nodes are too small for the default, remove ${path}${f.dynamic ? ' and let bpf.mapDynamicSizeRatio size it' : ` or raise it to at least ${f.defaultSize}`}. ${MAPS_DOC}`,
    })
  }
  const cfgRatio = helmValue(s, 'bpf.mapDynamicSizeRatio') === undefined ? configText(s, 'bpf-map-dynamic-size-ratio') : undefined
  const ratioName = cfgRatio ? 'bpf-map-dynamic-size-ratio' : 'bpf.mapDynamicSizeRatio'
  const ratio = Number(cfgRatio ? cfgRatio.value : helmValue(s, 'bpf.mapDynamicSizeRatio'))
  if (Number.isFinite(ratio) && ratio > 0 && ratio < CHART_DEFAULTS.mapDynamicSizeRatio) {
    out.push({
      severity: 'info',
      messageId: 'ratio-below-default',
      message: `Configured: ${ratioName}: ${ratio} is below the chart's ${CHART_DEFAULTS.mapDynamicSizeRatio}: CT, NAT, neighbor and sock rev-NAT maps get ${(ratio / CHART_DEFAULTS.mapDynamicSizeRatio * 100).toFixed(0)} % of the memory share they get by default (never below their floors).`,
      agents: [],
      evidence: [cfgRatio ? ev(cfgRatio.src) : helmEvidence(s, 'bpf.mapDynamicSizeRatio')],
      helm: [],
      fix: `Keep it only if node memory is tight; otherwise remove it. ${MAPS_DOC}`,
    })
  }
  return out
}

function chaining(s: Snapshot): CheckResult | undefined {
  const c = integrationMode(s).chaining
  if (!c) return undefined
  const name = c.src ? `cni-chaining-mode: ${c.mode}` : `cni.chainingMode: ${c.mode}`
  return {
    severity: 'info',
    messageId: 'chaining-mode',
    message: `Configured: CNI chaining (${name}). Cilium runs on top of the ${c.mode} plugin, which keeps IPAM and routing; Cilium adds policy, visibility and load-balancing. Findings about Cilium's own routing and masquerading do not apply.`,
    agents: [],
    evidence: [c.src ? ev(c.src) : helmEvidence(s, 'cni.chainingMode')],
    helm: [],
    fix: 'Nothing to change if chaining is intended; the feature limits of chaining are listed at https://docs.cilium.io/en/stable/installation/cni-chaining/',
  }
}

interface Encryption {type: string, evidence: Evidence[], secret?: string}

/** Transparent encryption as configured: Helm values, else cilium-config's enable-ipsec / enable-wireguard. */
function encryptionOf(s: Snapshot): Encryption | undefined {
  if (helmString(s, 'encryption.enabled') === 'true') {
    // 1.14+ charts read encryption.ipsec.secretName; older ones encryption.secretName (default cilium-ipsec-keys)
    const secret = helmString(s, 'encryption.ipsec.secretName') ?? helmString(s, 'encryption.secretName') ?? 'cilium-ipsec-keys'
    return {
      type: helmString(s, 'encryption.type') ?? 'ipsec', secret,
      evidence: [helmEvidence(s, 'encryption.enabled'), ...(helmValue(s, 'encryption.type') !== undefined ? [helmEvidence(s, 'encryption.type')] : [])],
    }
  }
  if (s.cluster.helm && helmValue(s, 'encryption.enabled') !== undefined) return undefined
  for (const [key, type] of [['enable-ipsec', 'ipsec'], ['enable-wireguard', 'wireguard']] as const) {
    const c = configText(s, key)
    if (c && isTrue(c.value)) return {type, evidence: [ev(c.src)]}
  }
  return undefined
}

/** Encryption as configured: what its documentation asks for before agents start, and what it cannot run with. */
function encryption(s: Snapshot): CheckResult[] {
  const enc = encryptionOf(s)
  if (!enc) return []
  const chain = integrationMode(s).chaining
  const out: CheckResult[] = []
  if (chain) {
    out.push({
      severity: 'medium',
      messageId: 'encryption-with-chaining',
      message: `Configured: transparent encryption (${enc.type}) together with CNI chaining (${chain.mode}). Cilium does not support encryption when chained on top of another plugin, which owns the underlying connectivity (cilium/cilium#15596): traffic may leave unencrypted.`,
      agents: [],
      evidence: [...enc.evidence, chain.src ? ev(chain.src) : helmEvidence(s, 'cni.chainingMode')],
      helm: [],
      fix: 'Run Cilium as the only CNI if encryption is required, or encrypt at another layer. https://github.com/cilium/cilium/issues/15596',
    })
  }
  if (enc.type === 'ipsec') {
    const named = enc.secret ? `the Secret ${enc.secret}` : 'the Secret the cilium DaemonSet mounts (cilium-ipsec-keys unless renamed)'
    out.push({
      severity: 'info',
      messageId: 'ipsec-key-secret',
      message: `Configured: IPsec encryption. The agents read their keys from ${named} in Cilium's namespace, which Helm does not create; without it they cannot start. The configuration alone cannot show that it exists.`,
      agents: [],
      evidence: enc.evidence,
      helm: [],
      fix: `Check it exists before rolling out: kubectl -n kube-system get secret ${enc.secret ?? 'cilium-ipsec-keys'} (create it as in https://docs.cilium.io/en/stable/security/network/encryption-ipsec/).`,
    })
  }
  return out
}

function operatorReplicas(s: Snapshot, notJudged: (reason: string) => void): CheckResult | undefined {
  if (!s.cluster.helm) return void notJudged('operator replicas are not in cilium-config: the Helm values or the cilium-operator Deployment decide')
  const set = helmValue(s, 'operator.replicas')
  if (set === undefined) {
    const cut = settingCut(s, {helm: 'operator.replicas'})
    if (cut) return void notJudged(cut)
  }
  const replicas = set === undefined ? CHART_DEFAULTS.operatorReplicas : Number(set)
  if (!Number.isInteger(replicas)) return undefined
  const nodes = nodeCount(s)
  if (!nodes) return void notJudged(`operator replicas (${replicas}${set === undefined ? ', the chart default' : ''}) not compared with the node count: no Node objects or CiliumNode count in the evidence`)
  if (replicas <= nodes.count) return undefined
  return {
    severity: 'info',
    messageId: 'operator-replicas-over-nodes',
    message: `Configured: ${replicas} operator replica(s)${set === undefined ? ' (the chart default)' : ''} on ${nodes.count} node(s) (${nodes.from}): the operator runs with host networking and anti-affinity, so ${replicas - nodes.count} replica(s) stay Pending. Harmless (a standby), but it reads as a failure in pod lists.`,
    agents: [],
    evidence: [set === undefined ? {source: s.cluster.helm.source, line: 0, text: 'operator.replicas not set (chart default 2)'} : helmEvidence(s, 'operator.replicas'), ...(nodes.src ? [ev(nodes.src)] : [])],
    helm: [{path: 'operator.replicas', value: nodes.count, reason: `one operator replica per node at most (${nodes.count} node(s))`}],
  }
}

export default defineRule({
  meta: {
    id: 'configured-values',
    title: 'Configured values to review (configured, not observed)',
    severity: 'medium',
    versions: '*',
    needs: [['helm'], ['config']],
    messages: {
      'map-size-below-default': 'a BPF map size configured below the default',
      'ratio-below-default': 'a dynamic map sizing ratio below the chart default',
      'chaining-mode': 'CNI chaining configured',
      'operator-replicas-over-nodes': 'more operator replicas than nodes',
      'encryption-with-chaining': 'transparent encryption configured with CNI chaining',
      'ipsec-key-secret': 'IPsec configured: its key Secret must exist',
    },
    description: 'Helm values or cilium-config judged on their own when no agent status is in the evidence: explicit BPF map sizes (bpf.ctTcpMax, ctAnyMax, natMax, neighMax, lbMapMax, policyMapMax; from cilium-config bpf-lb-map-max and bpf-policy-map-max, the CT/NAT keys being map-dynamic-sizing\'s) below Cilium\'s defaults, a dynamic sizing ratio below 0.0025, CNI chaining, encryption (encryption.enabled, or enable-ipsec/enable-wireguard) with chaining (not supported), IPsec (its key Secret must exist before agents start), and operator.replicas (default 2) above the node count (not judged without Node objects, nor from cilium-config, which does not hold it).',
    why: 'A values file is often all there is in a ticket or before an install; small maps fill early under load, chaining changes which features apply, and extra operator replicas stay Pending on small clusters.',
    fix: 'Per finding.',
    sources: [
      'https://docs.cilium.io/en/stable/network/ebpf/maps/',
      'https://docs.cilium.io/en/stable/installation/cni-chaining/',
      'https://docs.cilium.io/en/stable/internals/cilium_operator/',
      'https://docs.cilium.io/en/stable/security/network/encryption-ipsec/',
      'https://github.com/cilium/cilium/issues/15596',
      'https://github.com/cilium/cilium/blob/main/install/kubernetes/cilium/templates/cilium-operator/deployment.yaml',
    ],
  },
  check(ctx) {
    const s = ctx.snapshot
    if (s.agents.some((a) => a.status)) ctx.notApplicable('agent status is in the evidence: the status-based rules judge what is in effect')
    const out = [...smallMaps(s)]
    const chain = chaining(s)
    if (chain) out.push(chain)
    out.push(...encryption(s))
    const op = operatorReplicas(s, ctx.notJudged)
    if (op) out.push(op)
    return out
  },
})
