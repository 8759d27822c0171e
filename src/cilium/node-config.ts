/*
 * CiliumNodeConfig: per-node overrides of cilium-config keys, selected by node labels (spec.nodeSelector) and
 * read by the agent's config init container at start (so an agent pod must be recreated to pick one up).
 * v2alpha1 since 1.13 (cilium#22656), v2 since 1.16 (cilium#31721), v2alpha1 deprecated after (cilium#37403).
 * Docs: https://docs.cilium.io/en/stable/configuration/per-node-config/
 */
import {atLeast} from './version.js'

export const NODE_CONFIG_DOCS = 'https://docs.cilium.io/en/stable/configuration/per-node-config/'

/** The apiVersion to write for this Cilium version, or why none can be written. */
export function nodeConfigApi(version: string | undefined): {apiVersion: string} | {unavailable: string} {
  if (atLeast(version, '1.16.0')) return {apiVersion: 'cilium.io/v2'}
  if (atLeast(version, '1.13.0')) return {apiVersion: 'cilium.io/v2alpha1'}
  if (version === undefined) return {apiVersion: 'cilium.io/v2'}
  return {unavailable: `Cilium ${version} has no CiliumNodeConfig (per-node overrides exist from 1.13 on)`}
}

/** Label keys that name a node group, best first: a selector on one of them survives node replacement. */
export const GROUP_LABEL_KEYS = [
  'node.kubernetes.io/instance-type', 'beta.kubernetes.io/instance-type', 'eks.amazonaws.com/nodegroup',
  'cloud.google.com/gke-nodepool', 'kubernetes.azure.com/agentpool', 'karpenter.sh/nodepool',
]
export const HOSTNAME_LABEL = 'kubernetes.io/hostname'
