/*
 * The checks upgrade-check runs, with the message kinds each reports. Their findings use doctor's Finding
 * schema, codes and renderers; rule ids start with "upgrade-".
 */
import type {Finding, Severity} from '../rules/types.js'

export const UPGRADE_CHECKS = {
  'upgrade-path': {
    title: 'Upgrade path',
    messages: {
      'latest-patch': 'the current minor has a newer patch release to upgrade to first',
      'upgrade-compatibility': 'the target chart changes defaults unless upgradeCompatibility names the current minor',
      preflight: 'the documented pre-flight steps for this upgrade',
    },
  },
  'upgrade-removed-value': {
    title: 'Values the target chart no longer has',
    messages: {
      removed: 'a value set here is not in the target chart; Helm ignores it without a word',
      'removed-default': 'a value the target chart dropped is set to its old default; removing it changes nothing',
      'removed-noop': 'a value the current chart already ignored (its comment says no-op) is gone from the target chart',
      'already-removed': 'a value set here left the chart in an earlier release; Helm already ignores it today',
      unknown: 'a value set here is in neither chart\'s values.yaml (a typo, or a value only a template reads)',
    },
  },
  'upgrade-retyped-value': {
    title: 'Values whose type changed',
    messages: {retyped: 'a value set here has a type the target chart no longer accepts'},
  },
  'upgrade-default-changed': {
    title: 'Defaults that change under unchanged values',
    messages: {'default-changed': 'a value not set here changes its default in the target chart'},
  },
  'upgrade-requirements': {
    title: 'What the target release needs of the cluster',
    messages: {
      'kernel-too-old': 'a node runs a kernel older than the target release needs',
      'kernel-rhel': 'a node runs a RHEL 8 kernel, which the docs accept as equivalent from a given RHEL release',
      'kubernetes-untested': 'the cluster runs a Kubernetes version the target release is not e2e-tested against',
    },
  },
  'upgrade-whatif': {
    title: 'Findings predicted after the upgrade',
    messages: {
      predicted: 'doctor rules fire on the current evidence once the target defaults are applied',
      cleared: 'a current finding would clear with the target defaults',
    },
  },
} as const

export type UpgradeCheckId = keyof typeof UPGRADE_CHECKS
export const UPGRADE_CHECK_IDS = Object.keys(UPGRADE_CHECKS) as UpgradeCheckId[]

type MessageOf<C extends UpgradeCheckId> = keyof (typeof UPGRADE_CHECKS)[C]['messages'] & string

/** A finding of an upgrade check; `messageId` must be one the check declares. */
export function upgradeFinding<C extends UpgradeCheckId>(id: C, messageId: MessageOf<C>, f: {severity: Severity, title: string, message: string} & Partial<Pick<Finding, 'agents' | 'evidence' | 'helm' | 'fix'>>): Finding {
  return {id, messageId, severity: f.severity, title: f.title, message: f.message, agents: f.agents ?? [], evidence: f.evidence ?? [], helm: f.helm ?? [], ...(f.fix ? {fix: f.fix} : {})}
}
