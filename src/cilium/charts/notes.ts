/*
 * What the charts alone cannot say about a removed value: its successor when the chart's comment did not
 * name one, how an old value maps onto the successor, and what breaks when nothing is done. Each entry
 * names the public source it rests on. Everything else about removals is derived from the charts
 * (src/cilium/charts/derive.ts).
 */
import type {Scalar} from './derive.js'
import {upgradeNotesUrl} from './requirements.js'

export interface UpgradeNote {
  /** The value's path in the older chart. */
  path: string
  /** The first minor whose chart no longer has it, e.g. "1.15". */
  removedIn: string
  successor?: string
  /** The successor values an old value becomes, when it is not a plain copy; undefined = not automatic. */
  migrate?: (value: unknown) => Array<{path: string, value: Scalar}> | undefined
  /** The successor needs more than a value (resources to create, a feature to plan): never migrated automatically. */
  manual?: true
  /** What happens when the values file is used unchanged. */
  effect: string
  url: string
}

const TUNNEL_PR = 'https://github.com/cilium/cilium/pull/29053'
const BGP_DOCS = 'https://docs.cilium.io/en/latest/network/bgp-toc/'
const NOTES_119 = upgradeNotesUrl('1.19')

function tunnelMigration(value: unknown): Array<{path: string, value: Scalar}> | undefined {
  if (value === 'disabled') return [{path: 'routingMode', value: 'native'}]
  if (value === 'vxlan' || value === 'geneve') return [{path: 'routingMode', value: 'tunnel'}, {path: 'tunnelProtocol', value}]
  return undefined
}

export const UPGRADE_NOTES: UpgradeNote[] = [
  {
    path: 'tunnel', removedIn: '1.15', successor: 'routingMode', migrate: tunnelMigration,
    effect: 'the 1.15 chart no longer reads it: routing falls back to routingMode\'s default (tunnel, VXLAN), so a cluster on native routing (tunnel: disabled) would start encapsulating',
    url: TUNNEL_PR,
  },
  ...['bgp.enabled', 'bgp.announce.loadbalancerIP', 'bgp.announce.podCIDR'].map((path): UpgradeNote => ({
    path, removedIn: '1.17', successor: 'bgpControlPlane.enabled', manual: true,
    effect: 'the MetalLB-based BGP speaker is no longer configured: LoadBalancer IPs and pod CIDRs stop being announced until BGP Control Plane resources (CiliumBGP*) replace it',
    url: BGP_DOCS,
  })),
  ...['customCalls.enabled', 'svcSourceRangeCheck'].map((path): UpgradeNote => ({
    path, removedIn: '1.19',
    effect: 'the agent flag behind it is removed in 1.19 (listed among the removed flags of the 1.19 upgrade notes); the value is ignored',
    url: NOTES_119,
  })),
]

export function noteFor(path: string, toMinor: string): UpgradeNote | undefined {
  return UPGRADE_NOTES.find((n) => n.path === path && n.removedIn === toMinor)
}

/**
 * cilium-config keys (agent options) that a Cilium minor stopped reading, each with its public source. Only
 * options whose removal a source states are listed; the chart catalog covers Helm values, not agent options.
 */
export interface RemovedAgentOption {
  key: string
  removedIn: string
  successor: string
  effect: string
  url: string
}

export const REMOVED_AGENT_OPTIONS: RemovedAgentOption[] = [
  {
    key: 'tunnel', removedIn: '1.15', successor: 'routing-mode and tunnel-protocol',
    effect: 'agents of 1.15 and later no longer read it: without routing-mode they use its default (tunnel, VXLAN), so a cluster meant for native routing (tunnel: disabled) would encapsulate',
    url: TUNNEL_PR,
  },
]
