/*
 * Applied-config drift: the configuration changed (cilium-config's last managedFields write, the Helm release's
 * last deploy) after a Cilium pod last started, so that pod still runs the configuration it read at start-up.
 * The agent reads cilium-config only at start; the chart restarts pods on a config change only with
 * rollOutCiliumPods / operator.rollOutPods (https://github.com/cilium/cilium/pull/14540,
 * https://github.com/cilium/cilium/issues/24772).
 */
import type {Agent, PodInfo, Snapshot, SourceRef} from '../snapshot/schema.js'

export type Component = 'operator' | 'agent' | 'envoy'

/** `certain`: the ConfigMap itself was written then; a Helm deploy alone may not have changed cilium-config. */
export interface ConfigChange {time: string, what: string, src: SourceRef, certain: boolean}
export interface StalePod {pod: PodInfo, component: Component, startedAt: string}

/**
 * The latest change of the configuration the pods read: cilium-config's last managedFields write when known
 * (a Helm upgrade that changed no key leaves it older than the release), else the Helm release's last deploy.
 */
export function lastChange(s: Snapshot): ConfigChange | undefined {
  const cm = s.cluster.config?.changedAt
  if (cm && !Number.isNaN(Date.parse(cm.time))) return {time: cm.time, what: `cilium-config written${cm.manager ? ` by ${cm.manager}` : ''} at ${cm.time}`, src: cm.src, certain: true}
  const h = s.cluster.helm
  if (h?.deployedAt && !Number.isNaN(Date.parse(h.deployedAt))) {
    return {time: h.deployedAt, what: `Helm release${h.revision ? ` revision ${h.revision}` : ''} deployed at ${h.deployedAt}`, src: {file: h.source, line: 0, text: `deployed ${h.deployedAt}`}, certain: false}
  }
  return undefined
}

const OPERATOR = /^cilium-operator-/
const ENVOY = /^cilium-envoy-/

/** Every Cilium pod with a start time, with its component. */
export function ciliumPods(s: Snapshot): Array<{pod: PodInfo, component: Component}> {
  const seen = new Set<string>()
  const out: Array<{pod: PodInfo, component: Component}> = []
  const add = (pod: PodInfo, component: Component) => {
    if (seen.has(pod.name)) return
    seen.add(pod.name)
    out.push({pod, component})
  }
  for (const a of s.agents) if (a.pod) add(a.pod, 'agent')
  for (const p of s.cluster.pods ?? []) {
    if (OPERATOR.test(p.name)) add(p, 'operator')
    else if (ENVOY.test(p.name)) add(p, 'envoy')
    else if (s.agents.some((a: Agent) => a.name === p.name)) add(p, 'agent')
  }
  return out
}

/** Pods that started before the change (and so run the old configuration). */
export function stalePods(s: Snapshot, change: ConfigChange): StalePod[] {
  const t = Date.parse(change.time)
  return ciliumPods(s).flatMap(({pod, component}) => {
    const started = pod.startedAt ? Date.parse(pod.startedAt) : Number.NaN
    return !Number.isNaN(started) && started < t ? [{pod, component, startedAt: pod.startedAt!}] : []
  })
}

/** Restart order: the operator first (it registers the CRDs new features need; agents wait for them, cilium#48690), then agents, then standalone Envoy. */
export const RESTART_ORDER: Component[] = ['operator', 'agent', 'envoy']

export const RESTART_COMMAND: Record<Component, string> = {
  operator: 'kubectl -n NS rollout restart deployment/cilium-operator',
  agent: 'kubectl -n NS rollout restart daemonset/cilium',
  envoy: 'kubectl -n NS rollout restart daemonset/cilium-envoy',
}
