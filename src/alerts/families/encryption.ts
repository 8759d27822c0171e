import type {AlertFacts} from '../facts.js'
import type {AlertDef, AlertGroup} from '../schema.js'
import {DROP_REASONS, METRICS_DOC} from '../sources.js'

/*
 * Encryption errors, only for the mode this cluster runs. IPsec has xfrm error counters (cilium_ipsec_xfrm_error,
 * a gauge holding /proc/net/xfrm_stat, hence delta) and the "No node ID found" drop. Cilium exports no WireGuard
 * counters: the one WireGuard-specific signal is the strict-mode drop "Traffic is unencrypted"; a broken tunnel
 * otherwise shows as unreachable nodes (CiliumUnreachableNodes).
 */

function drop(ns: string, reason: string, v: string): {series: string, values: string} {
  return {series: `cilium_drop_count_total{namespace="${ns}",pod="cilium-7xk2p",direction="EGRESS",reason="${reason}"}`, values: v}
}

function ipsec(facts: AlertFacts): AlertDef[] {
  const ns = facts.namespace.value
  const xfrm = (error: string, v: string) => ({series: `cilium_ipsec_xfrm_error{namespace="${ns}",pod="cilium-7xk2p",error="${error}",type="inbound"}`, values: v})
  return [{
    alert: 'CiliumIpsecXfrmErrors', severity: 'warning', for: '10m',
    expr: 'sum by (namespace, pod, error, type) (delta(cilium_ipsec_xfrm_error[10m])) > 0',
    summary: 'IPsec xfrm errors ({{ $labels.type }} {{ $labels.error }}) grow on {{ $labels.pod }}.',
    description: `The kernel's xfrm error counter {{ $labels.type }}/{{ $labels.error }} grows on {{ $labels.pod }} for 10 min: missing or stale IPsec states (key rotation, a node that left), packets dropped. Encryption from ${facts.encryption.from}.`,
    threshold: `any growth for 10 min: cilium-cli's connectivity test fails on any change of cilium_ipsec_xfrm_error (noIPsecXfrmErrors); metric from ${METRICS_DOC}`,
    rule: 'feature-not-effective',
    firing: {series: [xfrm('no_state', '0+4x30')], labels: {namespace: ns, pod: 'cilium-7xk2p', error: 'no_state', type: 'inbound'}},
    healthy: [xfrm('no_state', '12+0x30')],
    evalMinutes: 25,
  }, {
    alert: 'CiliumIpsecNoNodeIdDrops', severity: 'warning', for: '10m',
    expr: 'sum by (namespace, pod) (rate(cilium_drop_count_total{reason="No node ID found"}[5m])) > 0',
    summary: 'Cilium agent {{ $labels.pod }} drops IPsec traffic: no node ID for the peer.',
    description: `{{ $labels.pod }} drops packets with reason "No node ID found" for 10 min: the IPsec datapath has no node ID for a peer node, so it cannot pick the xfrm state. Encryption from ${facts.encryption.from}.`,
    threshold: `any such drop for 10 min (reason 197, ${DROP_REASONS})`,
    rule: 'feature-not-effective',
    firing: {series: [drop(ns, 'No node ID found', '0+10x30')], labels: {namespace: ns, pod: 'cilium-7xk2p'}},
    healthy: [drop(ns, 'No node ID found', '3+0x30')],
    evalMinutes: 25,
  }]
}

function wireguard(facts: AlertFacts): AlertDef[] {
  const ns = facts.namespace.value
  return [{
    alert: 'CiliumWireguardUnencryptedDrops', severity: 'warning', for: '10m',
    expr: 'sum by (namespace, pod, direction) (rate(cilium_drop_count_total{reason="Traffic is unencrypted"}[5m])) > 0',
    summary: 'Cilium agent {{ $labels.pod }} drops traffic that should have been encrypted.',
    description: `{{ $labels.pod }} drops {{ $labels.direction }} packets with reason "Traffic is unencrypted" for 10 min: with strict mode, pod traffic to a peer without a WireGuard tunnel is dropped (peer not yet known, key not exchanged). Encryption from ${facts.encryption.from}. Cilium exports no WireGuard counters; broken tunnels also show as CiliumUnreachableNodes.`,
    threshold: `any such drop for 10 min (reason 195, ${DROP_REASONS})`,
    rule: 'feature-not-effective',
    firing: {series: [drop(ns, 'Traffic is unencrypted', '0+10x30')], labels: {namespace: ns, pod: 'cilium-7xk2p', direction: 'EGRESS'}},
    healthy: [drop(ns, 'Traffic is unencrypted', '0+0x30')],
    evalMinutes: 25,
  }]
}

/** Undefined when encryption is off or unknown: no alert for a feature this cluster does not run. */
export function encryptionAlerts(facts: AlertFacts): AlertGroup | undefined {
  const mode = facts.encryption.value
  if (mode === 'ipsec') return {name: 'ciltune-cilium-encryption', alerts: ipsec(facts)}
  if (mode === 'wireguard') return {name: 'ciltune-cilium-encryption', alerts: wireguard(facts)}
  return undefined
}
