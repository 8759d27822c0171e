/*
 * What a Cilium minor needs of the cluster, each fact with the public page it was read from. A minor (or a
 * fact) not listed is unknown to ciltune and reported as not evaluated, never assumed.
 */

export interface KernelRequirement {
  /** kernel.org version the agent needs at least. */
  min: string
  /** The distribution kernel the docs accept as equivalent (RHEL 8 backports), when they name one. */
  rhel?: string
  url: string
  /** Said when the source is a proposal or a secondary source rather than the release's docs. */
  caveat?: string
}

export interface KubernetesRequirement {
  /** Kubernetes minors the release is e2e-tested against; others are untested, not necessarily broken. */
  tested: string[]
  url: string
  caveat?: string
}

export interface Requirements {
  kernel?: KernelRequirement
  kubernetes?: KubernetesRequirement
}

const SYSREQ_LATEST = 'https://docs.cilium.io/en/latest/operations/system_requirements/'

export const REQUIREMENTS: Record<string, Requirements> = {
  '1.14': {
    kernel: {min: '4.19.57', url: 'https://github.com/cilium/cilium/pull/24258', caveat: 'stated in a Cilium pull request citing the 1.14 system requirements'},
  },
  '1.15': {
    kernel: {min: '4.19.57', url: 'https://github.com/cilium/cilium/issues/30456', caveat: 'the 1.16 kernel proposal states the v4.19 minimum in force before it'},
    kubernetes: {tested: ['1.26', '1.27', '1.28', '1.29'], url: 'https://github.com/kube-hetzner/terraform-hcloud-kube-hetzner/pull/1222', caveat: 'a secondary source; docs.cilium.io/en/stable/network/kubernetes/compatibility/ listed the same versions when 1.15 was stable'},
  },
  '1.16': {
    kernel: {min: '5.4', rhel: '4.18 (RHEL 8.6)', url: SYSREQ_LATEST},
  },
  '1.17': {
    kernel: {min: '5.4', rhel: '4.18 (RHEL 8.6)', url: SYSREQ_LATEST},
  },
  '1.18': {
    kernel: {min: '5.10', url: 'https://github.com/awsdocs/amazon-eks-user-guide/pull/1163', caveat: 'from the EKS Hybrid Nodes notes for Cilium 1.18'},
    kubernetes: {tested: ['1.30', '1.31', '1.32', '1.33'], url: 'https://raw.githubusercontent.com/cilium/cilium/v1.18.14/Documentation/network/kubernetes/compatibility.rst'},
  },
  '1.19': {
    kernel: {min: '5.10', rhel: '4.18 (RHEL 8.10)', url: 'https://contextqmd.com/libraries/cilium/versions/1.19.3/pages/Documentation/operations/system_requirements'},
    kubernetes: {tested: ['1.32', '1.33', '1.34', '1.35'], url: 'https://contextqmd.com/libraries/cilium/versions/1.19.3/pages/Documentation/network/kubernetes/compatibility'},
  },
  '1.20': {
    kernel: {min: '5.10', url: 'https://github.com/cilium/cilium/issues/44201', caveat: 'v5.10 is the floor in force before 1.20; CFP #44201 proposed raising it to v6.1 with 1.20, which ciltune could not confirm from the 1.20 docs'},
    kubernetes: {tested: ['1.33', '1.34', '1.35', '1.36'], url: 'https://github.com/thaum-xyz/ankhmorpork/pull/1054', caveat: 'a secondary source (an upgrade pull request quoting the docs)'},
  },
}

/** The upgrade guide: one minor at a time, latest patch first, the pre-flight check, the per-minor notes. */
export const UPGRADE_GUIDE = 'https://docs.cilium.io/en/stable/operations/upgrade/'

export function upgradeNotesUrl(minor: string): string {
  return `https://docs.cilium.io/en/v${minor}/operations/upgrade/#upgrade-notes`
}

/** The documented pre-flight steps, in order, for an upgrade to `target` (a full chart version). */
export function preflightSteps(target: string, kubeProxyFree: boolean): string[] {
  const extra = kubeProxyFree ? ' --set k8sServiceHost=API_SERVER_IP --set k8sServicePort=API_SERVER_PORT' : ''
  return [
    `upgrade to the latest patch release of the current minor first (${UPGRADE_GUIDE})`,
    `pre-pull the new image: helm template cilium/cilium --version ${target} --namespace kube-system --set preflight.enabled=true --set agent=false --set operator.enabled=false${extra} > cilium-preflight.yaml && kubectl create -f cilium-preflight.yaml`,
    'wait until the cilium-pre-flight-check DaemonSet has as many READY pods as the cilium DaemonSet (kubectl get daemonset -n kube-system | sed -n \'1p;/cilium/p\')',
    'delete it again: kubectl delete -f cilium-preflight.yaml',
    `read the ${target.split('.').slice(0, 2).join('.')} upgrade notes (${upgradeNotesUrl(target.split('.').slice(0, 2).join('.'))}) and complete their required steps`,
  ]
}
