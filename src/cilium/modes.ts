/*
 * Integration modes, as facts: CNI chaining, cloud IPAM (ENI, Azure), and Cilium that a cloud provider installs
 * and manages. Each mode says what it rules out, so that no suggestion contradicts it (src/suggest/gate.ts).
 * Sources: https://docs.cilium.io/en/stable/installation/cni-chaining/ (aws-cni, azure, generic-veth, portmap),
 * https://docs.cilium.io/en/stable/network/concepts/ipam/eni/ , https://docs.cilium.io/en/stable/network/concepts/ipam/azure/ ,
 * https://cloud.google.com/kubernetes-engine/docs/concepts/dataplane-v2 (DaemonSet anetd in kube-system),
 * https://learn.microsoft.com/en-us/azure/aks/azure-cni-powered-by-cilium (managed; BYOCNI is self-managed),
 * https://github.com/Azure/AKS/issues/5949 (managed AKS exposes almost no agent configuration),
 * https://github.com/aws/eks-anywhere/issues/393 (EKS Anywhere ships a fixed Cilium configuration).
 */
import type {Snapshot, SourceRef} from '../snapshot/schema.js'
import {valueAt} from './conditions.js'

export const CHAINING_MODES = ['aws-cni', 'azure', 'generic-veth', 'portmap'] as const
export type ChainingMode = typeof CHAINING_MODES[number]

/** What each chaining mode is, and the docs page for it. */
export const CHAINING: Record<ChainingMode, {title: string, docs: string}> = {
  'aws-cni': {title: 'aws-cni chaining (AWS VPC CNI does IPAM and routing)', docs: 'https://docs.cilium.io/en/stable/installation/cni-chaining-aws-cni/'},
  'azure': {title: 'azure chaining (Azure CNI does IPAM and routing)', docs: 'https://docs.cilium.io/en/stable/installation/cni-chaining-azure-cni/'},
  'generic-veth': {title: 'generic-veth chaining (another veth-based CNI does IPAM and routing)', docs: 'https://docs.cilium.io/en/stable/installation/cni-chaining-generic-veth/'},
  'portmap': {title: 'portmap chaining (the portmap plugin serves hostPort)', docs: 'https://docs.cilium.io/en/stable/installation/cni-chaining-portmap/'},
}

export const CLOUD_IPAM = ['eni', 'azure', 'alibabacloud', 'delegated-plugin'] as const
export type CloudIpam = typeof CLOUD_IPAM[number]

export const IPAM_DOCS: Record<CloudIpam, string> = {
  'eni': 'https://docs.cilium.io/en/stable/network/concepts/ipam/eni/',
  'azure': 'https://docs.cilium.io/en/stable/network/concepts/ipam/azure/',
  'alibabacloud': 'https://docs.cilium.io/en/stable/network/concepts/ipam/alibabacloud/',
  'delegated-plugin': 'https://docs.cilium.io/en/stable/network/concepts/ipam/',
}

export type ManagedKind = 'gke-dataplane-v2' | 'aks-managed' | 'eks-anywhere'

export const MANAGED: Record<ManagedKind, {title: string, howToChange: string, docs: string}> = {
  'gke-dataplane-v2': {
    title: 'GKE Dataplane V2 (Cilium as the anetd DaemonSet, managed by Google)',
    howToChange: 'GKE owns anetd and its configuration: change cluster or node-pool settings through GKE, or move to a self-installed Cilium',
    docs: 'https://cloud.google.com/kubernetes-engine/docs/concepts/dataplane-v2',
  },
  'aks-managed': {
    title: 'AKS Azure CNI powered by Cilium (managed by AKS)',
    howToChange: 'AKS owns the Cilium configuration (only a few settings are exposed): change it through AKS, or use BYOCNI with a self-installed Cilium',
    docs: 'https://learn.microsoft.com/en-us/azure/aks/azure-cni-powered-by-cilium',
  },
  'eks-anywhere': {
    title: 'EKS Anywhere default Cilium (installed and upgraded by EKS Anywhere)',
    howToChange: 'EKS Anywhere renders the Cilium configuration from its cluster spec and overwrites Helm changes on upgrade: change the cluster spec, or replace the default CNI (skipUpgrade) to manage Cilium with Helm yourself',
    docs: 'https://anywhere.eks.amazonaws.com/docs/clustermgmt/networking/',
  },
}

export interface ModeFact<T extends string> {mode: T, text: string, src?: SourceRef}

export interface IntegrationMode {
  chaining?: ModeFact<string> // a ChainingMode, or a mode this table does not know
  ipam?: ModeFact<CloudIpam>
  managed?: ModeFact<ManagedKind>
  /** AKS bring-your-own-CNI: Cilium on AKS, installed and managed by the user (Helm values apply). */
  byocni?: ModeFact<'aks-byocni'>
}

function cfg(s: Snapshot, key: string): {value: string, src: SourceRef} | undefined {
  const v = s.cluster.config?.data[key]
  return v ? {value: v.value.trim(), src: v.src} : undefined
}

function helmAt(s: Snapshot, path: string): unknown {
  return valueAt(s.cluster.helm?.values, path)
}

function chaining(s: Snapshot): IntegrationMode['chaining'] {
  const c = cfg(s, 'cni-chaining-mode')
  if (c) return c.value !== '' && c.value !== 'none' ? {mode: c.value, text: `cni-chaining-mode: ${c.value}`, src: c.src} : undefined
  const v = helmAt(s, 'cni.chainingMode')
  return typeof v === 'string' && v !== '' && v !== 'none' ? {mode: v, text: `Helm cni.chainingMode: ${v}`} : undefined
}

function ipam(s: Snapshot): IntegrationMode['ipam'] {
  const c = cfg(s, 'ipam')
  const mode = c?.value ?? helmAt(s, 'ipam.mode')
  if (typeof mode !== 'string' || !(CLOUD_IPAM as readonly string[]).includes(mode)) return undefined
  return {mode: mode as CloudIpam, text: c ? `ipam: ${mode}` : `Helm ipam.mode: ${mode}`, src: c?.src}
}

/** Every pod of the snapshot with its image: agents' pods, listed pods and the operator. */
function podImages(s: Snapshot): Array<{name: string, namespace?: string, image?: string, src?: SourceRef}> {
  const agents = s.agents.map((a) => ({name: a.pod?.name ?? a.name, namespace: a.pod?.namespace, image: a.pod?.image, src: a.pod?.src}))
  const pods = (s.cluster.pods ?? []).map((p) => ({name: p.name, namespace: p.namespace, image: p.image, src: p.src}))
  const op = s.cluster.operator ? [{name: 'cilium-operator', image: s.cluster.operator.image, src: s.cluster.operator.src}] : []
  const cli = (s.cluster.cliStatus?.images ?? []).map((i) => ({name: i.name, image: i.image, src: i.src}))
  return [...agents, ...pods, ...op, ...cli]
}

// gke.gcr.io/cilium/… and gcr.io/gke-release/cilium/… are the GKE builds; mcr.microsoft.com/oss/cilium/… and
// …/containernetworking/cilium/… the AKS builds; public.ecr.aws/isovalent/cilium:v…-eksa… the EKS Anywhere build.
const GKE_IMAGE = /^(gke\.gcr\.io|gcr\.io\/gke-release)\/(cilium|anetd)/
const AKS_IMAGE = /^mcr\.microsoft\.com\/(oss|containernetworking)\/cilium\//
const EKSA_IMAGE = /^public\.ecr\.aws\/(isovalent|eks)\/cilium[/:].*eksa/

function managed(s: Snapshot): IntegrationMode['managed'] {
  const pods = podImages(s)
  const anetd = pods.find((p) => /^anetd-[a-z0-9]+$/.test(p.name) && (p.namespace === undefined || p.namespace === 'kube-system'))
  if (anetd) return {mode: 'gke-dataplane-v2', text: `pod ${anetd.namespace ?? 'kube-system'}/${anetd.name}`, src: anetd.src}
  const gke = pods.find((p) => GKE_IMAGE.test(p.image ?? ''))
  if (gke) return {mode: 'gke-dataplane-v2', text: `image ${gke.image}`, src: gke.src}
  // A readable Helm release means someone installs this Cilium with Helm (AKS BYOCNI, EKS-A with its own CNI).
  if (s.cluster.helm) return undefined
  const aks = pods.find((p) => AKS_IMAGE.test(p.image ?? ''))
  if (aks) return {mode: 'aks-managed', text: `image ${aks.image}`, src: aks.src}
  const eksa = pods.find((p) => EKSA_IMAGE.test(p.image ?? ''))
  if (eksa) return {mode: 'eks-anywhere', text: `image ${eksa.image}`, src: eksa.src}
  return undefined
}

/** The cluster's integration mode, as far as the evidence shows it. */
export function integrationMode(s: Snapshot): IntegrationMode {
  const out: IntegrationMode = {}
  const c = chaining(s)
  if (c) out.chaining = c
  const i = ipam(s)
  if (i) out.ipam = i
  const m = managed(s)
  if (m) out.managed = m
  else if (helmAt(s, 'aksbyocni.enabled') === true) out.byocni = {mode: 'aks-byocni', text: 'Helm aksbyocni.enabled: true'}
  return out
}

/** A chaining mode's own words for what it is, including modes this table does not know. */
export function chainingTitle(mode: string): string {
  return (CHAINING as Record<string, {title: string} | undefined>)[mode]?.title ?? `${mode} chaining`
}
