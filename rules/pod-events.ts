import {capEvidence, ev, groupBy, nameList} from '../src/rules/helpers.js'
import type {CheckResult, Severity} from '../src/rules/types.js'
import {defineRule} from '../src/rules/types.js'
import type {PodEvent, PodInfo} from '../src/snapshot/schema.js'

/*
 * Warning events of Cilium pods from `kubectl describe pod`. Restarts, back-off and OOMKilled are judged by
 * agent-restarts from the same describe; this reads what only the events say: probe failures with the
 * agent's own status text, volumes that cannot be mounted (BPF filesystem, IPsec keys, certificates),
 * evictions. Other warnings are grouped and shown, never dropped.
 */

interface Kind {id: string, test: (e: PodEvent) => boolean, severity: (e: PodEvent[], pod?: PodInfo) => Severity, reading: string, fix: (e: PodEvent) => string}

const BPF_MOUNT = /bpf-maps|\/sys\/fs\/bpf|bpffs|shared or slave mount/i

const KINDS: Kind[] = [
  {
    id: 'bpf-mount-failed',
    test: (e) => /^(FailedMount|Failed)$/.test(e.reason) && BPF_MOUNT.test(e.message),
    severity: () => 'critical',
    reading: 'the BPF filesystem cannot be mounted into the agent, so it cannot pin its maps and does not start',
    fix: () => 'Mount bpffs on the host (/sys/fs/bpf, as a shared mount: `mount --make-shared /sys/fs/bpf`), or let the mount-bpf-fs init container do it with a container runtime that allows mount propagation (https://docs.cilium.io/en/stable/operations/system_requirements/#mounted-ebpf-filesystem).',
  },
  {
    id: 'secret-mount-failed',
    test: (e) => e.reason === 'FailedMount',
    severity: (list) => (list.some((e) => /cilium-ipsec-keys/.test(e.message)) ? 'critical' : 'high'),
    reading: 'a volume of the pod cannot be mounted, so the container does not start',
    fix: (e) => (/cilium-ipsec-keys/.test(e.message)
      ? 'Create the cilium-ipsec-keys Secret in the agents\' namespace before enabling IPsec (https://docs.cilium.io/en/stable/security/network/encryption-ipsec/).'
      : 'The message names the Secret or ConfigMap that is missing (TLS certificates for Hubble or ClusterMesh are created by the chart or cert-manager): create it, or disable the feature that needs it.'),
  },
  {
    id: 'probe-failed',
    test: (e) => e.reason === 'Unhealthy' && /probe failed/i.test(e.message),
    severity: (_list, pod) => (pod?.ready === true ? 'medium' : 'high'),
    reading: 'the agent\'s health endpoint reported failure; kubelet restarts the container on liveness failures and keeps the pod out of Ready on readiness failures',
    fix: (e) => (/kvstore|etcd/i.test(e.message)
      ? 'The probe output names the kvstore: the agent cannot reach etcd; check the kvstore endpoints and certificates.'
      : /connection refused|context deadline exceeded|timeout/i.test(e.message)
        ? 'The agent did not answer its probe in time: it is still starting (startupProbe.failureThreshold too low for a big node) or blocked; read its log (kubectl logs --previous).'
        : 'The probe output is the agent\'s status: the component it names as Failure is the cause.'),
  },
  {
    id: 'evicted',
    test: (e) => e.reason === 'Evicted' || /was low on resource/i.test(e.message),
    severity: () => 'high',
    reading: 'the kubelet evicted the pod under node pressure',
    fix: () => 'Cilium agents should never be evicted: keep their priorityClassName system-node-critical and give them requests, and relieve the node pressure named in the message.',
  },
]

// back-off, OOM and restarts are agent-restarts' findings; scheduling of a second operator replica on one node is normal
const OTHER_RULES = /^(BackOff|Killing|Pulled|Created|Started|Scheduled|Pulling|SandboxChanged|FailedScheduling)$/

export default defineRule({
  meta: {
    id: 'pod-events',
    title: 'Warning events of Cilium pods',
    severity: 'critical',
    versions: '*',
    needs: [['events']],
    messages: {
      'bpf-mount-failed': 'the BPF filesystem cannot be mounted',
      'secret-mount-failed': 'a Secret or ConfigMap volume cannot be mounted',
      'probe-failed': 'liveness/readiness/startup probe failures',
      'evicted': 'the pod was evicted',
      'other-warnings': 'warning events no other check explains',
    },
    description: 'Warning events in `kubectl describe pod` of Cilium pods: failed mounts of the BPF filesystem or of Secrets (IPsec keys, TLS), probe failures with the agent status they print, evictions; other warnings grouped by reason.',
    why: 'The events say why a pod does not start or is not Ready before any Cilium log exists.',
    fix: 'Per event kind: BPF filesystem not mountable → mount bpffs on the host as a shared mount (or let the mount-bpf-fs init container do it); missing Secret → create it (cilium-ipsec-keys before enabling IPsec, TLS Secrets for Hubble/ClusterMesh) or disable the feature; probe failures → the agent status in the probe output names the failing component; eviction → keep priorityClassName system-node-critical and relieve the node pressure.',
    sources: ['https://docs.cilium.io/en/stable/operations/system_requirements/#mounted-ebpf-filesystem', 'https://github.com/cilium/cilium/issues/11432', 'https://github.com/cilium/cilium/issues/10731', 'https://github.com/cilium/cilium/issues/6574'],
  },
  check(ctx) {
    const s = ctx.snapshot
    const pods = new Map((s.cluster.pods ?? []).map((p) => [p.name, p]))
    const warnings = (s.cluster.podEvents ?? []).filter((e) => e.type === 'Warning')
    const out: CheckResult[] = []
    const left: PodEvent[] = []
    for (const e of warnings) {
      const k = KINDS.find((x) => x.test(e))
      if (k) continue
      if (!OTHER_RULES.test(e.reason)) left.push(e)
    }
    for (const k of KINDS) {
      const list = warnings.filter((e) => KINDS.find((x) => x.test(e)) === k)
      if (list.length === 0) continue
      const podNames = [...new Set(list.map((e) => e.pod))]
      const times = list.reduce((n, e) => n + e.count, 0)
      out.push({
        severity: k.severity(list, pods.get(podNames[0])),
        messageId: k.id,
        message: `${nameList(podNames)}: ${list[0].reason} ×${times} — ${k.reading}. First: "${list[0].message.split('\n')[0].slice(0, 200)}"`,
        agents: [],
        evidence: capEvidence(list.map((e) => ev(e.src))),
        helm: [],
        fix: k.fix(list[0]),
      })
    }
    if (left.length > 0) {
      const groups = [...groupBy(left, (e) => e.reason)]
      out.push({
        severity: 'medium',
        messageId: 'other-warnings',
        message: `${left.length} warning event(s) no check explains: ${groups.map(([r, l]) => `${r} ×${l.reduce((n, e) => n + e.count, 0)} ("${l[0].message.split('\n')[0].slice(0, 120)}")`).join('; ')}.`,
        agents: [],
        evidence: capEvidence(left.map((e) => ev(e.src))),
        helm: [],
      })
    }
    return out
  },
})
