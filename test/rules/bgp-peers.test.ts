import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import rule from '../../rules/bgp-peers.js'
import {parseBgpPeers} from '../../src/parse/bgp-peers.js'
import {FIXTURES_DIR} from '../helpers/reference.js'
import {agent, snapshot} from '../helpers/snapshot.js'
import {ruleTester} from './_rule-tester.js'

// fixtures/bgp/INDEX.md names the public samples each file imitates
const peersOf = (f: string) => parseBgpPeers(readFileSync(join(FIXTURES_DIR, 'bgp', f), 'utf8'), f).peers
const cli = peersOf('bgp-peers-cli-node-active.txt')
const dbg = peersOf('bgp-peers-dbg-1.18-one-active.txt')

ruleTester(rule, {
  valid: [
    {name: 'every session established', snapshot: snapshot({agents: [agent('cilium-a', {node: 'rack1-wk-1', bgpPeers: cli.filter((p) => p.state === 'established')})]})},
  ],
  invalid: [
    {
      name: 'cilium-cli: a node whose only peer is active has no session at all (high), named by node, no agent',
      messageIds: ['no-session'],
      snapshot: snapshot({agents: [agent('bgp-peers-cli-node-active', {bgpPeers: cli})]}),
      expect: {severity: 'high', agents: [], message: /1 node\(s\) have no established BGP session.*rack1-wk-2: 192\.0\.2\.1 \(AS 65000\) active, uptime 0s.*"active": the TCP connection to the peer fails/, evidence: {line: 4}, noHelm: true},
    },
    {
      name: 'cilium-dbg in one agent: one peer active next to an established one (medium), the agent named',
      messageIds: ['peers-down'],
      snapshot: snapshot({agents: [agent('cilium-7kq2m', {node: 'rack2-wk-4', bgpPeers: dbg})]}),
      expect: {severity: 'medium', agents: ['cilium-7kq2m'], message: /^1 BGP peer\(s\) not established.*rack2-wk-4: 198\.51\.100\.2:179 \(AS 4200000100\) active, uptime 0s/, evidence: {text: /198\.51\.100\.2:179 +active/}},
    },
    {
      name: 'both at once: each in its own finding',
      messageIds: ['no-session', 'peers-down'],
      snapshot: snapshot({agents: [agent('bgp-peers-cli-node-active', {bgpPeers: cli}), agent('cilium-7kq2m', {node: 'rack2-wk-4', bgpPeers: dbg})]}),
    },
  ],
})
