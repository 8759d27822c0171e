import {ENCRYPTION_KEYS, IPSEC_KEYS_METRIC, WIREGUARD_PORT} from '../src/cilium/encryption.js'
import {agentPhrase, agentsWith, capEvidence, configText, ev, groupBy, helmEvidence, helmString, isTrue, metricSamples, nameList, nodeCount} from '../src/rules/helpers.js'
import type {CheckResult, Evidence} from '../src/rules/types.js'
import {defineRule} from '../src/rules/types.js'
import type {Agent, AgentStatus, Snapshot} from '../src/snapshot/schema.js'

/*
 * Transparent encryption as the agents report it (status "Encryption:" line, every version) and as the
 * CiliumNodes advertise it (spec.encryption.key, the IPsec SPI). Asked-for-but-off is feature-not-effective's;
 * XFRM counters are ipsec-xfrm-metrics' (metrics) and ipsec-errors' (encrypt status).
 */

const WG_DOC = 'https://docs.cilium.io/en/stable/security/network/encryption-wireguard/'
const IPSEC_DOC = 'https://docs.cilium.io/en/stable/security/network/encryption-ipsec/'

type Enc = NonNullable<AgentStatus['encryption']>
interface Row {agent: Agent, enc: Enc}

function rows(s: Snapshot): Row[] {
  return agentsWith(s, 'status').filter((a) => a.status.encryption).map((a) => ({agent: a, enc: a.status.encryption!}))
}

/** WireGuard peer counts per agent: the status line's, else `cilium-dbg encrypt status` / debuginfo's. */
function peerCounts(s: Snapshot, list: Row[]): Array<{agent: Agent, have: number, src: Evidence}> {
  const out = list.filter((r) => r.enc.interfaces && r.enc.interfaces.length > 0)
    .map((r) => ({agent: r.agent, have: r.enc.interfaces!.reduce((n, i) => n + i.peers, 0), src: ev(r.enc.src)}))
  const seen = new Set(out.map((x) => x.agent.name))
  for (const a of s.agents) {
    const ifaces = a.encrypt && /^wireguard$/i.test(a.encrypt.mode) ? a.encrypt.interfaces ?? [] : []
    const counted = ifaces.filter((i) => i.peerCount !== undefined || i.peers)
    if (seen.has(a.name) || counted.length === 0) continue
    out.push({agent: a, have: counted.reduce((n, i) => n + (i.peerCount ?? i.peers!.length), 0), src: ev(counted[0].src)})
  }
  return out
}

/** Nodes a WireGuard agent should peer with: the cluster's nodes, else the agent's own cluster-health table. */
function expectedPeers(s: Snapshot, a: Agent): {peers: number, from: string, src?: Evidence} | undefined {
  const n = nodeCount(s)
  if (n) return {peers: n.count - 1, from: `${n.count} nodes (${n.from})`, src: n.src ? ev(n.src) : undefined}
  const h = a.status?.clusterHealth
  if (h?.total !== undefined) return {peers: h.total - 1, from: `${h.total} nodes in its cluster-health table`, src: ev(h.src)}
  return undefined
}

function missingPeers(s: Snapshot, list: Row[]): CheckResult[] {
  const short = peerCounts(s, list).flatMap(({agent, have, src}) => {
    const want = expectedPeers(s, agent)
    return want && have < want.peers ? [{agent, have, want, src}] : []
  })
  if (short.length === 0) return []
  const w = short[0]
  return [{
    severity: 'high',
    messageId: 'wireguard-peers-missing',
    message: `WireGuard on ${agentPhrase(short.map((x) => x.agent.name))} has fewer peers than nodes − 1: ${nameList(short.map((x) => `${x.agent.name} ${x.have}/${x.want.peers}`), 5)} (expected from ${w.want.from}). Traffic to a node without a peer is not encrypted or not delivered.`,
    agents: short.map((x) => x.agent.name),
    evidence: capEvidence([...short.map((x) => x.src), ...(w.want.src ? [w.want.src] : [])]),
    helm: [],
    fix: `Peers come from the other nodes' CiliumNode objects (their WireGuard public key): find the nodes whose agent is not running with WireGuard or not Ready (kubectl -n kube-system get pods -l k8s-app=cilium -o wide), and allow UDP ${WIREGUARD_PORT} between all nodes (${WG_DOC}).`,
  }]
}

function wireguardErrors(list: Row[]): CheckResult[] {
  const bad = list.filter((r) => r.enc.error)
  if (bad.length === 0) return []
  return [{
    severity: 'high',
    messageId: 'wireguard-error',
    message: `WireGuard status on ${agentPhrase(bad.map((r) => r.agent.name))} is an error instead of its device list: "${bad[0].enc.error}".`,
    agents: bad.map((r) => r.agent.name),
    evidence: capEvidence(bad.map((r) => ev(r.enc.src))),
    helm: [],
    fix: `The agent cannot read its WireGuard device (cilium_wg0): check the agent log for WireGuard errors and that the node kernel has WireGuard (5.6+ or the module) (${WG_DOC}).`,
  }]
}

function mixedModes(list: Row[]): CheckResult[] {
  const modes = groupBy(list, (r) => r.enc.mode.toLowerCase())
  if (modes.size < 2) return []
  const groups = [...modes.values()].sort((a, b) => a.length - b.length)
  return [{
    severity: 'high',
    messageId: 'mixed-modes',
    message: `Agents disagree on transparent encryption: ${groups.map((g) => `${g.length} ${g[0].enc.mode} (${nameList(g.map((r) => r.agent.name), 3)})`).join(', ')}. Mixed encryption modes are not supported: traffic between the groups is dropped or sent in the clear.`,
    agents: groups.slice(0, -1).flat().map((r) => r.agent.name),
    evidence: capEvidence(groups.map((g) => ev(g[0].enc.src))),
    helm: [],
    fix: 'Agents running with another setting were not restarted since the change (or a CiliumNodeConfig overrides some nodes): restart the cilium DaemonSet so every agent reads the same encryption settings.',
  }]
}

/** Node-to-node encryption as asked for: cilium-config's encrypt-node, else the Helm value encryption.nodeEncryption. */
function nodeEncryptionAsked(s: Snapshot): {text: string, evidence: Evidence} | undefined {
  const cfg = configText(s, ENCRYPTION_KEYS.nodeEncryption)
  if (cfg) return isTrue(cfg.value) ? {text: `cilium-config ${ENCRYPTION_KEYS.nodeEncryption}: ${cfg.value}`, evidence: ev(cfg.src)} : undefined
  return helmString(s, 'encryption.nodeEncryption') === 'true' ? {text: 'Helm encryption.nodeEncryption: true', evidence: helmEvidence(s, 'encryption.nodeEncryption')} : undefined
}

function nodeEncryptionOff(s: Snapshot, list: Row[]): CheckResult[] {
  const asked = nodeEncryptionAsked(s)
  if (!asked) return []
  // OptedOut is deliberate (node label node-encryption.cilium.io/opt-out, control-plane nodes by default)
  const off: Array<{agent: Agent, src: Evidence}> = list.filter((r) => /^wireguard$/i.test(r.enc.mode) && r.enc.nodeEncryption === 'Disabled').map((r) => ({agent: r.agent, src: ev(r.enc.src)}))
  for (const a of s.agents) {
    if (a.encrypt?.nodeEncryption === 'Disabled' && !off.some((o) => o.agent === a)) off.push({agent: a, src: ev(a.encrypt.src)})
  }
  if (off.length === 0) return []
  return [{
    severity: 'medium',
    messageId: 'node-encryption-not-effective',
    message: `Node-to-node encryption is asked for (${asked.text}) but ${agentPhrase(off.map((r) => r.agent.name))} report NodeEncryption: Disabled: host-to-host traffic leaves these nodes unencrypted.`,
    agents: off.map((r) => r.agent.name),
    evidence: capEvidence([asked.evidence, ...off.map((r) => r.src)]),
    helm: [],
    fix: `The agents read ${ENCRYPTION_KEYS.nodeEncryption} from cilium-config at start-up: check that cilium-config carries ${ENCRYPTION_KEYS.nodeEncryption}: "true" (a Helm value not yet rendered into it needs a helm upgrade), then restart the agents (kubectl -n kube-system rollout restart ds/cilium) (${WG_DOC}).`,
  }]
}

/** CiliumNodes advertising different IPsec SPIs: a key rotation in progress, or nodes that missed it. */
function spiMismatch(s: Snapshot): CheckResult[] {
  const nodes = (s.cluster.ciliumNodes ?? []).filter((n) => n.encryptionKey)
  const bySpi = new Map<number, typeof nodes>()
  for (const n of nodes) bySpi.set(n.encryptionKey!.spi, [...(bySpi.get(n.encryptionKey!.spi) ?? []), n])
  if (bySpi.size < 2) return []
  const groups = [...bySpi.entries()].sort((a, b) => b[0] - a[0])
  // agents hold two keys while a rotation runs (cilium_ipsec_keys 2): then different SPIs are expected for a while
  const keys = [...metricSamples(s, IPSEC_KEYS_METRIC),
    ...s.agents.filter((a) => a.encrypt?.keysInUse !== undefined && /ipsec/i.test(a.encrypt.mode)).map((a) => ({agent: a.name, value: a.encrypt!.keysInUse!, src: a.encrypt!.src}))]
  const rotating = keys.filter((k) => k.value >= 2)
  const finished = keys.length > 0 && rotating.length === 0
  return [{
    severity: rotating.length > 0 ? 'info' : 'medium',
    messageId: 'spi-mismatch',
    message: `CiliumNodes advertise ${bySpi.size} different IPsec SPIs: ${groups.map(([spi, ns]) => `SPI ${spi} on ${ns.length} (${nameList(ns.map((n) => n.name), 3)})`).join(', ')}. ` +
      (rotating.length > 0
        ? `A key rotation is in progress (${rotating.length} agent(s) hold two keys): normal for a few minutes.`
        : `${finished ? 'No agent holds two keys any more, so the rotation has ended and' : 'Either a key rotation is in progress, or'} the nodes on the older SPI did not pick up the new key; their traffic is dropped once the old key is gone (XfrmInNoStates).`),
    agents: [],
    evidence: capEvidence([...groups.map(([, ns]) => ev(ns[0].encryptionKey!.src)), ...(keys[0] ? [ev(keys[0].src)] : [])]),
    helm: [],
    fix: `If this persists past the rotation (minutes), restart the agents on the nodes with the older SPI so they load the new key from the cilium-ipsec-keys Secret (${IPSEC_DOC}).`,
  }]
}

export default defineRule({
  meta: {
    id: 'encryption-health',
    title: 'Transparent encryption health (WireGuard, IPsec)',
    severity: 'high',
    versions: '*',
    needs: [['status'], ['counts'], ['encrypt']],
    messages: {
      'wireguard-peers-missing': 'WireGuard has fewer peers than nodes − 1',
      'wireguard-error': 'the agent reports a WireGuard error instead of its device',
      'mixed-modes': 'agents run different encryption modes',
      'node-encryption-not-effective': 'node-to-node encryption asked for but off',
      'spi-mismatch': 'CiliumNodes advertise different IPsec SPIs',
    },
    description: 'The status "Encryption:" line in every form (Disabled; IPsec; Wireguard [cilium_wg0 (Pubkey, Port, Peers)] before 1.14; Wireguard [NodeEncryption: …, …] from 1.14; an error message), and where the agent has no such line its `cilium-dbg encrypt status` ("Number of peers") or debuginfo: WireGuard peers below nodes − 1, a WireGuard error, agents with different modes, node encryption asked for (cilium-config encrypt-node, else Helm encryption.nodeEncryption) but Disabled. CiliumNode spec.encryption.key: nodes advertising different IPsec SPIs (info while agents hold two keys, from cilium_ipsec_keys or encrypt status "Keys in use: 2", i.e. a rotation runs; medium otherwise). `cilium-dbg encrypt status` prints no SPI, so CiliumNodes are the per-node SPI. Disabled everywhere is healthy; OptedOut nodes are deliberate.',
    why: 'A node missing from a WireGuard peer list, agents in different modes, or a node still on an old IPsec key means traffic between some nodes is dropped or leaves the node unencrypted, while everything looks enabled in the values.',
    fix: 'Per finding: nodes without a running WireGuard agent, UDP 51871 blocked, agents not restarted after an encryption change, an incomplete IPsec key rotation.',
    sources: [
      WG_DOC,
      IPSEC_DOC,
      'https://github.com/cilium/cilium/pull/15833',
      'https://github.com/cilium/cilium/issues/24239',
      'https://github.com/cilium/cilium/blob/main/cilium-dbg/cmd/encrypt_status.go',
    ],
  },
  check(ctx) {
    const s = ctx.snapshot
    const list = rows(s)
    const haveSpi = (s.cluster.ciliumNodes ?? []).some((n) => n.encryptionKey)
    if (list.length === 0 && !haveSpi && !s.agents.some((a) => a.encrypt)) ctx.notEvaluated('no "Encryption:" line in the agents\' status, no encrypt status or debuginfo, and no CiliumNode with an IPsec SPI')
    return [...wireguardErrors(list), ...missingPeers(s, list), ...mixedModes(list), ...nodeEncryptionOff(s, list), ...spiMismatch(s)]
  },
})
