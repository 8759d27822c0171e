import {capEvidence, ev, nameList} from '../src/rules/helpers.js'
import type {CheckResult} from '../src/rules/types.js'
import {defineRule} from '../src/rules/types.js'
import type {BgpPeer} from '../src/snapshot/schema.js'

// What each gobgp session state (the Session column) says about why the session is not up.
const STATE_MEANS: Record<string, string> = {
  idle: 'not even trying: the peer is administratively down, or the last attempt failed and the retry timer runs',
  connect: 'the TCP connection to port 179 is being attempted',
  active: 'the TCP connection to the peer fails (address, port 179 filtered, or the router does not list this node as a neighbor)',
  opensent: 'TCP is up but the BGP OPEN was not accepted yet (ASN, router ID or capabilities mismatch)',
  openconfirm: 'OPEN messages were exchanged but no keepalive followed (hold timer, authentication)',
}

interface Down {peer: BgpPeer, where: string, agent?: string}

function describe(d: Down): string {
  return `${d.where}: ${d.peer.peerAddress} (AS ${d.peer.peerAsn}) ${d.peer.state}${d.peer.uptime ? `, uptime ${d.peer.uptime}` : ''}`
}

function finding(messageId: 'no-session' | 'peers-down', list: Down[]): CheckResult {
  const nodes = [...new Set(list.map((d) => d.where))]
  const states = [...new Set(list.map((d) => d.peer.state))]
  return {
    severity: messageId === 'no-session' ? 'high' : 'medium',
    messageId,
    message: (messageId === 'no-session'
      ? `${nodes.length} node(s) have no established BGP session, so they advertise nothing (pod CIDRs, LoadBalancer IPs): `
      : `${list.length} BGP peer(s) not established on node(s) that have other sessions up: `) +
      `${nameList(list.map(describe), 5)}. ${states.map((s) => `"${s}": ${STATE_MEANS[s] ?? 'not a gobgp state this rule knows'}`).join('; ')}.`,
    agents: [...new Set(list.flatMap((d) => (d.agent ? [d.agent] : [])))],
    evidence: capEvidence(list.map((d) => ev(d.peer.src))),
    helm: [],
    fix: 'Compare the peer address, peer ASN and local ASN with the router\'s neighbor configuration (CiliumBGPClusterConfig/CiliumBGPPeerConfig from 1.16, CiliumBGPPeeringPolicy before), check TCP 179 between node and router (active = connection failing), and read the agent log for bgp-control-plane lines; `cilium bgp peers` again after the fix should show established with a growing uptime.',
  }
}

export default defineRule({
  meta: {
    id: 'bgp-peers',
    title: 'BGP peers not established',
    severity: 'high',
    versions: '*',
    needs: [['bgp']],
    messages: {'no-session': 'a node has BGP peers but none established', 'peers-down': 'some BGP peers of a node are not established'},
    description: 'Reads `cilium-dbg bgp peers` (in an agent) or `cilium bgp peers` (cilium-cli, every node): each peer\'s Session state and Uptime. A node with peers and none established is high (it advertises no route); peers down next to established ones are medium. Family continuation rows are read as part of their peer.',
    why: 'With BGP control plane, routes to pod CIDRs and LoadBalancer IPs exist only while sessions are up: a node without an established session is unreachable through the fabric, and the agent\'s status says nothing about it.',
    fix: 'Fix the peering (addresses, ASNs, TCP 179, the router\'s neighbor list); the Session column names the stage that fails.',
    sources: [
      'https://docs.cilium.io/en/stable/network/bgp-control-plane/bgp-control-plane-troubleshooting/',
      'https://github.com/cilium/cilium/pull/30506',
      'https://github.com/cilium/cilium/issues/39861',
      'https://github.com/cilium/cilium-cli/pull/1500',
    ],
  },
  check(ctx) {
    const byNode = new Map<string, Down[]>()
    for (const a of ctx.snapshot.agents) {
      for (const peer of a.bgpPeers ?? []) {
        const where = peer.node ?? a.node ?? a.name
        const list = byNode.get(where) ?? []
        list.push({peer, where, ...(peer.node ? {} : {agent: a.name})})
        byNode.set(where, list)
      }
    }
    const none: Down[] = []
    const some: Down[] = []
    for (const list of byNode.values()) {
      const down = list.filter((d) => d.peer.state !== 'established')
      if (down.length === 0) continue
      if (down.length === list.length) none.push(...down)
      else some.push(...down)
    }
    return [...(none.length > 0 ? [finding('no-session', none)] : []), ...(some.length > 0 ? [finding('peers-down', some)] : [])]
  },
})
