import type {Agent, Snapshot} from '../src/snapshot/schema.js'
import {byName, capEvidence, configValue, ev, settingCut, metricSamples, currentRatio, HIGH} from '../src/rules/helpers.js'
import type {CheckResult, Evidence, HelmSuggestion, Severity} from '../src/rules/types.js'
import {defineRule} from '../src/rules/types.js'
import {computeMapSizes} from '../src/sizing/formula.js'
import {DYNAMIC_FAMILIES, MAP_FAMILIES as FAMILIES, familyOf} from '../src/cilium/maps.js'
import {formatBytes} from '../src/sizing/memory.js'
import type {DynamicFamily} from '../src/sizing/formula.js'

const GiB = 1024 ** 3
const HELM_RATIO_DEFAULT = 0.0025

/** Worst pressure per dynamic family across agents (metric), to raise severity when sizing already hurts. */
function hotFamilies(snapshot: Snapshot): Map<DynamicFamily, number> {
  const out = new Map<DynamicFamily, number>()
  for (const s of metricSamples(snapshot, 'cilium_bpf_map_pressure')) {
    const fam = familyOf(s.labels.map_name ?? '') as DynamicFamily
    if (!(DYNAMIC_FAMILIES as readonly string[]).includes(fam)) continue
    out.set(fam, Math.max(out.get(fam) ?? 0, s.value))
  }
  return out
}

function nodeMemory(snapshot: Snapshot, a: Agent): {bytes: number, name: string} | undefined {
  const n = byName(snapshot.cluster.nodes, a.node)
  return n?.memoryBytes ? {bytes: n.memoryBytes, name: n.name} : undefined
}

interface Ctx {snapshot: Snapshot, withMaps: Agent[], hot: Map<DynamicFamily, number>, ratio: ReturnType<typeof currentRatio>, results: CheckResult[], notJudged: (reason: string) => void}
type Explicit = Array<{fam: DynamicFamily, value: number, text: string, src: Evidence}>

/** (a) dynamic sizing off on agents, or no ratio in cilium-config. */
function sizingOff({snapshot, withMaps, hot, results, notJudged}: Ctx): void {
  const off = withMaps.filter((a) => !a.status!.bpfMaps!.dynamicSizing)
  const cmRatio = configValue(snapshot, 'bpf-map-dynamic-size-ratio')
  const cut = withMaps.length === 0 ? settingCut(snapshot, {config: 'bpf-map-dynamic-size-ratio'}) : undefined
  if (cut) notJudged(cut)
  else if (off.length > 0 || (withMaps.length === 0 && snapshot.cluster.config && !cmRatio)) {
    const hotHere = [...hot].filter(([, p]) => p >= HIGH)
    const evidence: Evidence[] = off.length > 0 ? off.map((a) => ev(a.status!.bpfMaps!.src)) : []
    if (cmRatio) evidence.push(ev(cmRatio.src))
    results.push({
      severity: hotHere.length > 0 ? 'high' : 'medium',
      title: 'BPF map dynamic sizing is off',
      messageId: off.length > 0 ? 'dynamic-sizing-off' : 'no-ratio',
      message: off.length > 0
        ? `dynamic sizing: off on ${off.length}/${withMaps.length} agents: CT/NAT maps keep fixed sizes regardless of node memory${hotHere.length > 0 ? `; ${hotHere.map(([f, p]) => `${FAMILIES[f].label} at ${(p * 100).toFixed(0)} %`).join(', ')}` : ''}.`
        : 'Configured: cilium-config has no bpf-map-dynamic-size-ratio (agent default 0 = off): CT/NAT maps keep fixed sizes regardless of node memory.',
      agents: off.map((a) => a.name),
      evidence: capEvidence(evidence),
      helm: [{
        path: 'bpf.mapDynamicSizeRatio', value: HELM_RATIO_DEFAULT,
        reason: 'size CT, NAT, neighbor and sock rev-NAT maps from node memory (chart default 0.0025)',
        cost: 'maps on nodes above 13.9 GiB grow linearly with memory (≈ 0.25 % of MemTotal budget; kernel allocation ≈ 2× that for IPv4, estimate)',
      }],
      fix: 'If explicit sizes are set too (bpf.ctTcpMax …), they still win per map: remove them as well.',
    })
  }
}

/** (b)/(d) explicit overrides, and how they compare with what the ratio would give per node. */
function explicitOverrides({snapshot, hot, ratio, results}: Ctx): Explicit {
  const explicit: Explicit = []
  for (const fam of DYNAMIC_FAMILIES) {
    const key = FAMILIES[fam].configKey!
    const c = configValue(snapshot, key)
    const n = Number(c?.value)
    if (c && Number.isFinite(n) && n > 0) explicit.push({fam, value: n, text: key, src: ev(c.src)})
  }
  if (explicit.length > 0) {
    const r = ratio?.ratio ?? HELM_RATIO_DEFAULT
    const smaller: string[] = []
    const helm: HelmSuggestion[] = []
    let severity: Severity = 'info'
    for (const e of explicit) {
      let best: {node: string, entries: number} | undefined
      for (const a of snapshot.agents) {
        const mem = nodeMemory(snapshot, a)
        if (!mem) continue
        const entries = computeMapSizes({memoryBytes: mem.bytes, ratio: r}).sizes[e.fam].entries
        if (!best || entries > best.entries) best = {node: mem.name, entries}
      }
      const p = hot.get(e.fam)
      if (best && best.entries > e.value) {
        smaller.push(`${e.text}=${e.value} < ${best.entries} that ratio ${r} gives on ${best.node}`)
        severity = p !== undefined && p >= HIGH ? 'high' : severity === 'high' ? 'high' : 'medium'
        if (FAMILIES[e.fam].helmPath && !FAMILIES[e.fam].helmPath!.startsWith('extraConfig')) {
          helm.push({
            path: FAMILIES[e.fam].helmPath!, value: null,
            reason: `unset so bpf.mapDynamicSizeRatio (${r}) sizes it per node: ${best.entries} entries on ${best.node} instead of ${e.value}`,
            cost: `bigger map on big nodes: the ratio budget is MemTotal × ${r} for all five dynamic families (estimate)`,
          })
        }
      } else if (p !== undefined && p >= HIGH) {
        severity = 'high'
      }
    }
    results.push({
      severity,
      title: 'Explicit BPF map sizes override dynamic sizing',
      messageId: 'explicit-sizes-override',
      message: `Configured: ${explicit.map((e) => `${e.text}=${e.value}`).join(', ')} set in cilium-config: the ratio does not apply to ${explicit.length === 1 ? 'that map' : 'those maps'}${smaller.length > 0 ? `; ${smaller.join('; ')}` : ''}${[...hot].filter(([f, p]) => p >= HIGH && explicit.some((e) => e.fam === f)).map(([f, p]) => `; ${FAMILIES[f].label} at ${(p * 100).toFixed(0)} %`).join('')}.`,
      agents: [],
      evidence: capEvidence(explicit.map((e) => e.src)),
      helm,
      fix: 'Keep explicit sizes only when every node pool should get the same size; otherwise size per pool with CiliumNodeConfig.',
    })
  }
  return explicit
}

/** (c) big nodes whose CT TCP map sits at the floor although no explicit size explains it. */
function stuckAtFloor({snapshot, withMaps, hot, results}: Ctx, explicit: Explicit): void {
  if (!explicit.some((e) => e.fam === 'ct-tcp')) {
    const stuck = withMaps.filter((a) => {
      const mem = nodeMemory(snapshot, a)
      const row = a.status!.bpfMaps!.maps.find((m) => m.id === 'ct-tcp')
      return a.status!.bpfMaps!.dynamicSizing && mem && mem.bytes >= 32 * GiB && row && row.size <= FAMILIES['ct-tcp'].floor!
    })
    if (stuck.length > 0) {
      const a = stuck[0]
      const mem = nodeMemory(snapshot, a)!
      const r = a.status!.bpfMaps!.ratio ?? HELM_RATIO_DEFAULT
      const expected = computeMapSizes({memoryBytes: mem.bytes, ratio: r}).sizes['ct-tcp'].entries
      results.push({
        severity: (hot.get('ct-tcp') ?? 0) >= HIGH ? 'high' : 'medium',
        title: 'CT map stuck at the dynamic-sizing floor on big nodes',
        messageId: 'stuck-at-floor',
        message: `${stuck.length} agent${stuck.length === 1 ? '' : 's'} on ≥ 32 GiB nodes run TCP connection tracking at the ${FAMILIES['ct-tcp'].floor} floor (${mem.name}: ${formatBytes(mem.bytes)}, ratio ${r} should give ${expected}): something pinned the size (agent flag, extraConfig, or the node reports little memory to the agent).`,
        agents: stuck.map((x) => x.name),
        evidence: capEvidence(stuck.map((x) => ev(x.status!.bpfMaps!.maps.find((m) => m.id === 'ct-tcp')!.src))),
        helm: [],
        fix: 'Check the agent command line / extraArgs and `cilium-dbg config -a` for bpf-ct-global-tcp-max, and the agent log line "option bpf-ct-global-tcp-max set by dynamic sizing to N".',
      })
    }
  }
}

export default defineRule({
  meta: {
    id: 'map-dynamic-sizing',
    title: 'BPF map dynamic sizing off, overridden or stuck at the floor',
    severity: 'high',
    versions: '*',
    needs: [['status'], ['config']],
    messages: {'dynamic-sizing-off': 'dynamic map sizing off on agents', 'no-ratio': 'no dynamic size ratio in cilium-config', 'explicit-sizes-override': 'explicit sizes override the ratio', 'stuck-at-floor': 'big nodes with maps at the dynamic-sizing floor'},
    description: 'Status "BPF Maps: dynamic sizing: off", explicit bpf-ct-global-*/bpf-nat-global-max/bpf-neigh-global-max/bpf-sock-rev-map-max keys that override the ratio (and are smaller than what it would give), and big nodes whose CT TCP map still sits at the dynamic-sizing floor.',
    why: 'The ratio sizes CT, NAT, neighbor and sock rev-NAT maps from node memory; explicit sizes pin one size on every node pool, so big nodes run with small maps and fill up first.',
    fix: 'Remove the explicit bpf.ctTcpMax/ctAnyMax/natMax/neighMax values so bpf.mapDynamicSizeRatio applies, or size explicitly per node pool (CiliumNodeConfig). Note Helm renders 0.0025 even when bpf.mapDynamicSizeRatio is 0.',
    prerequisites: 'Agent restart; CT/NAT maps are re-created (connection state lost per node during the rollout).',
    sources: [
      'https://docs.cilium.io/en/stable/network/ebpf/maps/',
      'https://github.com/cilium/cilium/blob/main/pkg/option/config.go',
      'https://github.com/cilium/cilium/blob/main/pkg/client/client.go',
    ],
  },
  check(ctx) {
    const {snapshot} = ctx
    const withMaps = snapshot.agents.filter((a) => a.status?.bpfMaps)
    if (withMaps.length === 0 && !snapshot.cluster.config) {
      ctx.notEvaluated('status has no "BPF Maps" section and no cilium-config; collect `cilium-dbg status --verbose`')
    }
    const hot = hotFamilies(snapshot)
    const results: CheckResult[] = []
    const ratio = currentRatio(snapshot)

    const x: Ctx = {snapshot, withMaps, hot, ratio, results, notJudged: ctx.notJudged}
    sizingOff(x)
    const explicit = explicitOverrides(x)
    stuckAtFloor(x, explicit)
    return results
  },
})
