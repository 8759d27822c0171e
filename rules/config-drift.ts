import {lastChange, RESTART_COMMAND, RESTART_ORDER, stalePods, type ConfigChange, type StalePod} from '../src/effective/drift.js'
import {mixedSettings, runningTurnedOff} from '../src/effective/mixed.js'
import {capEvidence, ev, agentPhrase, distinctEvidence, nameList} from '../src/rules/helpers.js'
import type {CheckResult} from '../src/rules/types.js'
import {defineRule} from '../src/rules/types.js'
import type {Snapshot} from '../src/snapshot/schema.js'

/** "1) operator: cilium-operator-x (started …): kubectl … 2) agents: …", in the order they should restart. */
function restartPlan(s: Snapshot, stale: StalePod[]): string {
  const ns = s.cluster.config?.namespace ?? 'kube-system'
  return RESTART_ORDER.filter((c) => stale.some((p) => p.component === c)).map((c, i) => {
    const pods = stale.filter((p) => p.component === c)
    return `${i + 1}) ${c}: ${nameList(pods.map((p) => `${p.pod.name} (started ${p.startedAt})`), 3)}: ${RESTART_COMMAND[c].replace('NS', ns)}`
  }).join('; ')
}

function restartNeeded(s: Snapshot, change: ConfigChange): CheckResult | undefined {
  const stale = stalePods(s, change)
  if (stale.length === 0) return undefined
  const counts = RESTART_ORDER.map((c) => [c, stale.filter((p) => p.component === c).length] as const).filter(([, n]) => n > 0)
  return {
    // a Helm deploy alone (no ConfigMap write time) may have left cilium-config as it was
    severity: change.certain ? 'high' : 'medium',
    messageId: 'restart-needed',
    message: change.certain
      ? `The configuration changed after ${counts.map(([c, n]) => `${n} ${c} pod(s)`).join(', ')} last started (${change.what}): they still run the configuration they read at start-up.`
      : `The Helm release was deployed after ${counts.map(([c, n]) => `${n} ${c} pod(s)`).join(', ')} last started (${change.what}); cilium-config's own change time is not in the evidence, so they may still run the configuration they read at start-up (kubectl get cm cilium-config -o yaml --show-managed-fields decides it).`,
    agents: stale.filter((p) => p.component === 'agent').map((p) => p.pod.name),
    evidence: capEvidence(distinctEvidence([ev(change.src), ...stale.slice(0, 5).map((p) => ev(p.pod.src))])),
    helm: [],
    fix: `Restart in this order: ${restartPlan(s, stale)}. Wait for each rollout to finish (kubectl rollout status) before the next. Helm's rollOutCiliumPods: true and operator.rollOutPods: true restart them on every config change made through Helm.`,
  }
}

function mixed(s: Snapshot): CheckResult[] {
  return mixedSettings(s).map(({feature, byValue}) => {
    const groups = [...byValue.entries()].map(([v, list]) => `${v} on ${agentPhrase(list.map((x) => x.agent.name), 3)} (${list[0].effect.text})`)
    const all = [...byValue.values()].flat()
    return {
      severity: 'medium' as const,
      messageId: 'mixed-config',
      message: `Agents run mixed configuration for ${feature.title}: ${groups.join(' vs ')}.`,
      agents: all.map((x) => x.agent.name),
      evidence: capEvidence(distinctEvidence([...byValue.values()].map((list) => ev(list[0].effect.src)))),
      helm: [],
      fix: 'Agents restarted at different times after a change, a CiliumNodeConfig override, or a per-node fallback (kernel, devices): compare the agents\' start times with the last cilium-config change, and feature-not-effective for the fallback reason.',
    }
  })
}

function turnedOff(s: Snapshot): CheckResult[] {
  return runningTurnedOff(s).map(({feature, key, value, src, agents}) => ({
    messageId: 'running-differs',
    message: `cilium-config turns ${feature.title} off (${key}: ${value}) but ${agentPhrase(agents.map((x) => x.agent.name), 3)} still run it (${agents[0].effect.text}): they run an older configuration.`,
    agents: agents.map((x) => x.agent.name),
    evidence: capEvidence(distinctEvidence([ev(src), ...agents.slice(0, 5).map((x) => ev(x.effect.src))])),
    helm: [],
    fix: 'Restart the listed agents (kubectl -n <namespace> rollout restart daemonset/cilium), or, if the agents are right, put the value back in the Helm values so the next upgrade does not change it.',
  }))
}

export default defineRule({
  meta: {
    id: 'config-drift',
    title: 'Applied configuration drift',
    severity: 'high',
    versions: '*',
    needs: [['config', 'pods'], ['helm', 'pods'], ['status']],
    messages: {
      'restart-needed': 'cilium-config or the Helm release changed after Cilium pods started; they run the old configuration',
      'mixed-config': 'agents report different values for the same setting',
      'running-differs': 'agents run a feature cilium-config now turns off',
    },
    description: 'Compares when the configuration last changed (cilium-config metadata.managedFields times, the Helm release\'s last deploy) with when the operator, agent and Envoy pods started; compares the agents\' status lines with each other and with cilium-config. Names the pods to restart and the order (operator, agents, Envoy).',
    why: 'The agent and operator read cilium-config only at start-up, and the chart restarts them on a change only with rollOutCiliumPods / operator.rollOutPods (cilium#14540, cilium#24772): after a helm upgrade the cluster can keep running the old configuration, on some nodes or all. The operator goes first: it registers the CRDs newly enabled features need, and agents wait for them (cilium#48690).',
    fix: 'Restart the named pods in order: kubectl -n <ns> rollout restart deployment/cilium-operator, then daemonset/cilium, then daemonset/cilium-envoy; each after the previous rollout finished.',
    sources: [
      'https://docs.cilium.io/en/stable/configuration/index.html#making-changes',
      'https://github.com/cilium/cilium/issues/24772',
      'https://github.com/cilium/cilium/pull/14540',
      'https://github.com/cilium/cilium/pull/48690',
      'https://kubernetes.io/docs/reference/using-api/server-side-apply/#field-management',
    ],
  },
  check(ctx) {
    const s = ctx.snapshot
    const change = lastChange(s)
    return [...(change ? [restartNeeded(s, change)].filter((x) => x !== undefined) : []), ...turnedOff(s), ...mixed(s)]
  },
})
