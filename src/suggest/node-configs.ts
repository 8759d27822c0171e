/*
 * Per-node overrides as CiliumNodeConfig manifests: built from a ratio split (src/sizing/per-node.ts), written
 * as their own YAML documents, each with its reason, never mixed into the Helm values overlay.
 */
import {Document} from 'yaml'
import {nodeConfigApi, NODE_CONFIG_DOCS} from '../cilium/node-config.js'
import {formatBytes} from '../sizing/memory.js'
import type {RatioSplit, NodeSelector} from '../sizing/per-node.js'
import {groupSelector} from '../sizing/per-node.js'
import type {Snapshot} from '../snapshot/schema.js'
import {redactText} from './redact.js'

export interface NodeConfigProposal {
  apiVersion: string
  name: string
  namespace: string
  nodeSelector: NodeSelector
  defaults: Record<string, string>
  nodes: string[]
  reason: string
}

function agentNamespace(s: Snapshot): string {
  return s.agents.find((a) => a.pod?.namespace)?.pod?.namespace ?? s.cluster.config?.namespace ?? 'kube-system'
}

/** A CiliumNodeConfig for a group of nodes, or why none can be written for this version. */
export function nodeConfigFor(s: Snapshot, o: {name: string, nodes: string[], defaults: Record<string, string>, why: string}, version: string | undefined): NodeConfigProposal | {unavailable: string} {
  const api = nodeConfigApi(version)
  if ('unavailable' in api) return api
  const selector = groupSelector(o.nodes, s.cluster.nodes ?? [])
  const how = 'matchLabels' in selector ? `label ${Object.entries(selector.matchLabels).map(([k, v]) => `${k}=${v}`).join(',')}` : 'their hostnames (no label marks exactly this group)'
  return {
    apiVersion: api.apiVersion, name: o.name, namespace: agentNamespace(s), nodeSelector: selector, defaults: o.defaults, nodes: o.nodes,
    reason: `${o.why}; selected by ${how}; takes effect when these nodes' agent pods are recreated`,
  }
}

/** The CiliumNodeConfig for a ratio split. */
export function ratioNodeConfig(s: Snapshot, split: RatioSplit, version: string | undefined): NodeConfigProposal | {unavailable: string} {
  return nodeConfigFor(s, {
    name: 'ciltune-map-dynamic-size-ratio', nodes: split.group.nodes,
    defaults: {'bpf-map-dynamic-size-ratio': String(split.group.ratio)},
    why: `only ${split.group.nodes.join(', ')} need ratio ${split.group.ratio}; every other node (${split.restNodes.length}) fits with ${split.rest ?? 'the current ratio'}, and one global ${split.group.ratio} would cost them ${formatBytes(split.savedBytes)} more kernel memory in maps`,
  }, version)
}

/** Every proposal as its own YAML document, its reason and the docs in the comment above it. */
export function renderNodeConfigs(list: NodeConfigProposal[]): string {
  return list.map((p) => {
    const doc = new Document({
      apiVersion: p.apiVersion,
      kind: 'CiliumNodeConfig',
      metadata: {name: p.name, namespace: p.namespace},
      spec: {nodeSelector: p.nodeSelector, defaults: p.defaults},
    })
    doc.commentBefore = [` ciltune suggest: per-node override (${NODE_CONFIG_DOCS})`, ` reason: ${redactText(p.reason)}`, ` apply: kubectl apply -f <this file>, then recreate the cilium pods on these nodes`].join('\n')
    return doc.toString({lineWidth: 0})
  }).join('---\n')
}
