import type {AgentStatus} from '../snapshot/schema.js'

/*
 * The status "Encryption:" value (pkg/command's status formatter: `Encryption:\t<mode>\t<fields>`):
 *   Disabled | IPsec | Ztunnel (1.20)                                          nothing after the mode
 *   Wireguard [cilium_wg0 (Pubkey: <key>, Port: 51871, Peers: N)]              1.10–1.13 (cilium#15833)
 *   Wireguard [NodeEncryption: Enabled|Disabled|OptedOut, cilium_wg0 (…)]      1.14+ (cilium#24239)
 *   Wireguard <error>                                                        the agent could not read its device
 */

type Encryption = NonNullable<AgentStatus['encryption']>
type Details = Pick<Encryption, 'nodeEncryption' | 'interfaces' | 'error'>

const IFACE = /([\w.-]+) \(Pubkey: ([^,]*), Port: (\d+), Peers: (\d+)\)/g

export function encryptionDetails(mode: string, message: string): Details {
  const msg = message.trim()
  if (!/^wireguard$/i.test(mode) || msg === '') return {}
  const bracket = /^\[(.*)\]$/.exec(msg)
  if (!bracket) return {error: msg}
  const out: Details = {interfaces: []}
  const node = /^NodeEncryption: (\w+)/.exec(bracket[1])
  if (node) out.nodeEncryption = node[1]
  for (const m of bracket[1].matchAll(IFACE)) out.interfaces!.push({name: m[1], port: Number(m[3]), peers: Number(m[4])})
  return out
}
