import {ENCRYPTION_KEYS, FRAGMENT_NOT_FOUND, WIREGUARD_OVERHEAD_FIX, WIREGUARD_PORT} from '../src/cilium/encryption.js'
import {atLeast} from '../src/cilium/version.js'
import {agentPhrase, agentVersion, capEvidence, clusterVersion, configText, ev, fmtCount, helmString, isTrue, metricSamples, nameList} from '../src/rules/helpers.js'
import type {CheckResult, Evidence} from '../src/rules/types.js'
import {defineRule} from '../src/rules/types.js'
import type {Agent, Snapshot, WireguardPeer} from '../src/snapshot/schema.js'

/*
 * What WireGuard does on the wire, beyond its peer count (encryption-health's): peers that never completed a
 * handshake (per-peer times exist only in `cilium-dbg debuginfo`, src/parse/encrypt-status*.ts), and fragments
 * dropped because the encryption overhead did not fit the MTU (cilium#46100). Neither status nor debuginfo
 * prints an MTU, so the MTU is judged from its symptom, the "First logical datagram fragment not found" drops.
 */

const WG_DOC = 'https://docs.cilium.io/en/stable/security/network/encryption-wireguard/'

interface Stale {agent: Agent, peers: WireguardPeer[], total: number}

function neverHandshaked(s: Snapshot): Stale[] {
  return s.agents.flatMap((agent) => {
    const peers = (agent.encrypt?.interfaces ?? []).flatMap((i) => i.peers ?? [])
    const bad = peers.filter((p) => !p.handshake)
    return bad.length > 0 ? [{agent, peers: bad, total: peers.length}] : []
  })
}

function handshakeFinding(list: Stale[]): CheckResult[] {
  if (list.length === 0) return []
  // the same peer node missing from several agents is that node's problem; all peers missing is this node's
  const byEndpoint = new Map<string, string[]>()
  for (const x of list) {
    for (const p of x.peers) {
      const agents = byEndpoint.get(p.endpoint)
      if (agents) agents.push(x.agent.name)
      else byEndpoint.set(p.endpoint, [x.agent.name])
    }
  }
  const isolated = list.filter((x) => x.total >= 2 && x.peers.length === x.total)
  const shared = [...byEndpoint].filter(([, agents]) => agents.length >= 2).map(([e]) => e)
  const endpoints = [...byEndpoint.keys()]
  const where = isolated.length > 0
    ? `${agentPhrase(isolated.map((x) => x.agent.name))} never completed a handshake with any of their peers: the fault is on that node (UDP ${WIREGUARD_PORT} blocked to or from it, or its agent's WireGuard device not working).`
    : shared.length > 0
      ? `Peer ${nameList(shared, 3)} is unanswered from several agents: the fault is on that node (its agent not running WireGuard, UDP ${WIREGUARD_PORT} blocked towards it, or a key its peers do not have).`
      : 'Traffic to those nodes is not encrypted and not delivered until a handshake succeeds.'
  return [{
    severity: isolated.length > 0 || shared.length > 0 ? 'high' : 'medium',
    messageId: 'never-handshaked',
    title: 'WireGuard peers without a handshake',
    message: `WireGuard peers that never completed a handshake (last handshake at Go's zero time): ${nameList(list.map((x) => `${x.agent.name} → ${nameList(x.peers.map((p) => p.endpoint), 3)} (${x.peers.length} of ${x.total})`), 4)}. ${where}`,
    agents: list.map((x) => x.agent.name),
    evidence: capEvidence(list.flatMap((x) => x.peers.map((p) => ev(p.src)))),
    helm: [],
    fix: `Allow UDP ${WIREGUARD_PORT} in both directions between the node IPs, to and from ${nameList(endpoints.map((e) => e.replace(/:\d+$/, '')), 5)} (security groups, host firewalls, cloud network policies); check that the agent on each of those nodes runs with WireGuard (kubectl -n kube-system get pods -l k8s-app=cilium -o wide) and that its CiliumNode carries the WireGuard public key its peers use (a node whose agent state was wiped gets a new key until its peers resync). A node that has only just joined shows the zero time until its first packet (${WG_DOC}#troubleshooting).`,
  }]
}

function nodeEncryptionOn(s: Snapshot, agents: Agent[]): {on: boolean, evidence?: Evidence} {
  for (const a of agents) {
    const e = a.status?.encryption
    if (e?.nodeEncryption === 'Enabled') return {on: true, evidence: ev(e.src)}
    if (a.encrypt?.nodeEncryption === 'Enabled') return {on: true, evidence: ev(a.encrypt.src)}
  }
  const cfg = configText(s, ENCRYPTION_KEYS.nodeEncryption)
  if (cfg && isTrue(cfg.value)) return {on: true, evidence: ev(cfg.src)}
  return {on: false}
}

function wireguardAgents(s: Snapshot): Agent[] {
  return s.agents.filter((a) => /^wireguard$/i.test(a.status?.encryption?.mode ?? '') || /^wireguard$/i.test(a.encrypt?.mode ?? ''))
}

function mtuFix(s: Snapshot, node: boolean, version: string | undefined): string {
  const parts: string[] = []
  if (atLeast(version, WIREGUARD_OVERHEAD_FIX) === false) parts.push(`Upgrade to Cilium ${WIREGUARD_OVERHEAD_FIX} or later: before it the WireGuard overhead was taken as 80 bytes, but WireGuard pads to 16 bytes and needs up to 95, so full-size packets are fragmented after encryption (https://github.com/cilium/cilium/pull/45940).`)
  if (node) parts.push('With node-to-node encryption, host-originated packets are sized by the underlay route MTU, not by cilium_wg0\'s, so they leave too big (https://github.com/cilium/cilium/issues/37919): lower the MTU of the nodes\' routes towards the other nodes by the WireGuard overhead (95 bytes), or set encryption.nodeEncryption=false if host traffic need not be encrypted.')
  const mtu = configText(s, 'mtu')?.value ?? helmString(s, 'MTU')
  if (mtu && mtu !== '0') parts.push(`The MTU is set by hand (${mtu}): it must be the MTU of the path between nodes, not more; Cilium subtracts the WireGuard overhead from it itself.`)
  if (parts.length === 0) parts.push('The cause could not be determined from this evidence: compare `ip link show cilium_wg0` and the pod route MTU (`ip route` in a pod) with the path MTU between nodes (a ping with the don\'t-fragment bit set).')
  return `${parts.join(' ')} (${WG_DOC})`
}

function fragmentDrops(s: Snapshot): CheckResult[] {
  const wg = wireguardAgents(s)
  if (wg.length === 0) return []
  const drops = metricSamples(s, 'cilium_drop_count_total').filter((x) => x.labels.reason === FRAGMENT_NOT_FOUND && x.value > 0)
  if (drops.length === 0) return []
  const node = nodeEncryptionOn(s, wg)
  const agents = [...new Set(drops.map((d) => d.agent ?? 'unknown agent'))]
  const total = drops.reduce((n, d) => n + d.value, 0)
  return [{
    severity: 'medium',
    messageId: 'fragment-drops',
    title: 'Fragments dropped: WireGuard overhead does not fit the MTU',
    message: `${fmtCount(total)} packets dropped as "${FRAGMENT_NOT_FOUND}" on ${agentPhrase(agents)} while WireGuard${node.on ? ' with node-to-node encryption' : ''} is on: packets too big for the path once the WireGuard overhead is added are fragmented, and the later fragments are dropped (https://github.com/cilium/cilium/issues/46100).`,
    agents,
    evidence: capEvidence([...drops.map((d) => ev(d.src)), ...(node.evidence ? [node.evidence] : [ev((wg[0].status?.encryption ?? wg[0].encrypt)!.src)])]),
    helm: [],
    fix: mtuFix(s, node.on, agentVersion(wg[0], clusterVersion(s))),
  }]
}

export default defineRule({
  meta: {
    id: 'wireguard-datapath',
    title: 'WireGuard handshakes and MTU',
    severity: 'high',
    versions: '*',
    needs: [['encrypt'], ['status', 'metrics']],
    messages: {
      'never-handshaked': 'WireGuard peers never completed a handshake',
      'fragment-drops': 'fragments dropped under WireGuard: the overhead does not fit the MTU',
    },
    description: 'Per-peer "last-handshake-time" from cilium-dbg debuginfo (JSON or markdown): peers at Go\'s zero time never completed a handshake (high when one agent has no working peer at all, or one peer is unanswered from several agents; medium otherwise). With WireGuard on, cilium_drop_count_total{reason="First logical datagram fragment not found"} above 0: packets too big once the WireGuard overhead is added (node-to-node encryption, Cilium before 1.19.5, a hand-set MTU). Peers with a handshake of any age are healthy (idle peers do not re-handshake).',
    why: 'A peer without a handshake gets no traffic at all; fragments of oversized encrypted packets are dropped by the BPF fragment tracking, so large transfers stall while small requests work.',
    fix: 'Handshakes: UDP 51871 open both ways between node IPs and the peer\'s agent running with WireGuard. Fragments: upgrade to 1.19.5+ (95-byte overhead), account for node-to-node encryption on host routes, or correct a hand-set MTU.',
    sources: [
      `${WG_DOC}#troubleshooting`,
      'https://github.com/cilium/cilium/blob/main/cilium-dbg/cmd/debuginfo.go',
      'https://github.com/cilium/cilium/issues/46100',
      'https://github.com/cilium/cilium/issues/37919',
      'https://github.com/cilium/cilium/pull/45940',
    ],
  },
  check(ctx) {
    const s = ctx.snapshot
    const withPeers = s.agents.some((a) => a.encrypt?.interfaces?.some((i) => i.peers))
    if (!withPeers && wireguardAgents(s).length === 0) ctx.notApplicable('no agent reports WireGuard (status "Encryption:" line, encrypt status or debuginfo)')
    return [...handshakeFinding(neverHandshaked(s)), ...fragmentDrops(s)]
  },
})
