/*
 * Transparent encryption facts ciltune relies on, in one place. Sources: the chart's cilium-configmap.yaml
 * (encryption.* → enable-ipsec / enable-wireguard / encrypt-node / ipsec-key-rotation-duration),
 * pkg/datapath/linux/ipsec/xfrm_collector.go (metric names and labels) and the IPsec / WireGuard docs.
 */

export const ENCRYPTION_KEYS = {
  ipsec: 'enable-ipsec',
  wireguard: 'enable-wireguard',
  nodeEncryption: 'encrypt-node',
  keyRotationDuration: 'ipsec-key-rotation-duration',
} as const

/** The agent removes the previous IPsec key this long after a rotation (chart encryption.ipsec.keyRotationDuration). */
export const DEFAULT_KEY_ROTATION_SECONDS = 5 * 60

/** cilium_ipsec_xfrm_error{type="inbound|outbound", error="no_state|state_protocol|…"}: /proc/net/xfrm_stat counters. */
export const XFRM_ERROR_METRIC = 'cilium_ipsec_xfrm_error'
/** cilium_ipsec_keys: IPsec keys in use on the node: 1, 2 during a rotation. */
export const IPSEC_KEYS_METRIC = 'cilium_ipsec_keys'

/** The only XFRM error the IPsec docs do not call a Cilium bug or an operational mistake (packets too big: MTU). */
export const BENIGN_XFRM_ERRORS = new Set(['forward_header'])

/** Documented causes, by the metric's error label (docs: IPsec troubleshooting). */
export const XFRM_CAUSES: Record<string, string> = {
  no_state: 'no XFRM state for the packet\'s SPI: a node uses a key its peer does not have (a missed or too slow key rotation, or the old key removed before every node had the new one)',
  state_protocol: 'the key changed without a new SPI, or the peers disagree on the anti-replay sequence: perform a proper key rotation',
  state_sequence: 'an XFRM OUT state reached its maximum sequence number: rotate the key (it resets every sequence number)',
  state_mismatched: 'XFRM states and policies disagree, often after an interrupted upgrade or rotation: restart the agent on the node',
  policy_blocked: 'XFRM policies block the packet: states and policies disagree; restart the agent on the node',
  no_policy: 'no XFRM policy matched: states and policies disagree; restart the agent on the node',
  forward_header: 'packets too big or with bad headers when forwarded (MTU)',
}

/** Cilium's WireGuard UDP port (pkg/wireguard/types ListenPort). */
export const WIREGUARD_PORT = 51871

/** Seconds of a Go duration string as the chart renders it ("5m", "1h30m", "90s"); undefined when unreadable. */
export function durationSeconds(text: string | undefined): number | undefined {
  if (!text) return undefined
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(h|m|s|ms)/g)]
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text.trim()) return undefined
  const unit: Record<string, number> = {h: 3600, m: 60, s: 1, ms: 0.001}
  return parts.reduce((sum, p) => sum + Number(p[1]) * unit[p[2]], 0)
}

/** The drop reason of a fragment whose first fragment was never seen (bpf/lib/drop_reasons.h, code 175). */
export const FRAGMENT_NOT_FOUND = 'First logical datagram fragment not found'

/** First release whose WireGuard overhead (95 bytes) covers WireGuard's padding (cilium#45940; 80 before). */
export const WIREGUARD_OVERHEAD_FIX = '1.19.5'
