import type {AlertFacts} from '../facts.js'
import type {AlertDef, AlertGroup} from '../schema.js'
import {MIXIN, count, pct} from '../sources.js'

/* Room left in the identity space of this cluster and in each node's IPAM pool. */

const IDENTITY_SHARE = 0.8 // the mixin's RunningOutOfCiliumClusterIdentities
const IDENTITY_HORIZON_D = 7 // identity growth is label churn: fixing it is a label filter change, reviewed
const IDENTITY_FLOOR = 0.25 // below a quarter of the space a week's forecast is noise (heuristic)
const IPAM_SHARE = 0.9 // ciltune ipam-exhaustion (high); the mixin's operator IPAM alert also uses 90 %

function identity(facts: AlertFacts): AlertDef[] {
  const ns = facts.namespace.value
  const lim = facts.identityLimit.value
  const sel = 'cilium_identity{type="cluster_local"}'
  const s = (v: string) => ({series: `cilium_identity{namespace="${ns}",pod="cilium-7xk2p",type="cluster_local"}`, values: v})
  const high = Math.round(lim * IDENTITY_SHARE)
  return [{
    alert: 'CiliumIdentitySpaceFilling', severity: 'warning', for: '15m',
    expr: `max(${sel}) / ${lim} >= ${IDENTITY_SHARE}`,
    summary: `Cluster-wide identities use ${pct(IDENTITY_SHARE)} or more of the ${count(lim)} this cluster can allocate.`,
    description: `Security identities are running out: when the space is full new label sets get no identity and their pods get no policy. Identity count near one per pod means a high-cardinality label is identity-relevant.`,
    threshold: `${pct(IDENTITY_SHARE)} per ${MIXIN}; limit ${count(lim)} from ${facts.identityLimit.from}`,
    rule: 'identity-limit',
    firing: {series: [s(`${high + 100}x30`)], labels: {}},
    healthy: [s(`${high - 100}x30`)],
    evalMinutes: 25,
  }, {
    alert: 'CiliumIdentitySpaceFullSoon', severity: 'warning', for: '1h',
    expr: `max(predict_linear(${sel}[6h], ${IDENTITY_HORIZON_D} * 86400)) >= ${lim} and max(${sel}) >= ${Math.round(lim * IDENTITY_FLOOR)}`,
    summary: `Cluster-wide identities are on course to fill the identity space within ${IDENTITY_HORIZON_D} days.`,
    description: `At the 6 h trend the ${count(lim)} identities of this cluster run out within ${IDENTITY_HORIZON_D} days.`,
    threshold: `predict_linear over 6 h reaching ${count(lim)} (${facts.identityLimit.from}) within ${IDENTITY_HORIZON_D} days; only above ${pct(IDENTITY_FLOOR)} of the space (heuristic)`,
    rule: 'identity-limit',
    firing: {series: [s(`${Math.round(lim * 0.3)}+10x100`)], labels: {}},
    healthy: [s(`${Math.round(lim * 0.3)}+0x100`)],
    evalMinutes: 75,
  }]
}

function ipam(facts: AlertFacts): AlertDef {
  const ns = facts.namespace.value
  const pool = facts.ipamPool
  const free = pool ? `; the smallest pool here holds ${count(pool.value)} addresses (${pool.from}), so it fires with ${count(Math.floor(pool.value * (1 - IPAM_SHARE)))} or fewer left` : ''
  const s = (name: string, v: string) => ({series: `${name}{namespace="${ns}",pod="cilium-7xk2p",family="ipv4"}`, values: v})
  const cap = pool?.value ?? 254
  return {
    alert: 'CiliumIpamPoolFilling', severity: 'warning', for: '15m',
    expr: `sum by (namespace, pod, family) (cilium_ip_addresses) / sum by (namespace, pod, family) (cilium_ipam_capacity) >= ${IPAM_SHARE}`,
    summary: `The IPAM pool of {{ $labels.pod }} ({{ $labels.family }}) is ${pct(IPAM_SHARE)} or more allocated.`,
    description: `Agent {{ $labels.pod }} has allocated ${pct(IPAM_SHARE)} or more of its {{ $labels.family }} pod addresses for 15 min: new pods on that node will fail to start once it is full.`,
    threshold: `${pct(IPAM_SHARE)} (ciltune ipam-exhaustion; ${MIXIN}: CiliumOperatorLowAvailableIpamIps 90%)${free}`,
    rule: 'ipam-exhaustion',
    firing: {series: [s('cilium_ip_addresses', `${Math.ceil(cap * 0.95)}x30`), s('cilium_ipam_capacity', `${cap}x30`)], labels: {namespace: ns, pod: 'cilium-7xk2p', family: 'ipv4'}},
    healthy: [s('cilium_ip_addresses', `${Math.floor(cap * 0.5)}x30`), s('cilium_ipam_capacity', `${cap}x30`)],
    evalMinutes: 25,
  }
}

export function capacityAlerts(facts: AlertFacts): AlertGroup {
  return {name: 'ciltune-cilium-capacity', alerts: [...identity(facts), ipam(facts)]}
}
