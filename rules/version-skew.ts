import {capEvidence, ev, groupBy, metricSamples, parseVersion, nameList} from '../src/rules/helpers.js'
import type {CheckResult, Evidence} from '../src/rules/types.js'
import {defineRule} from '../src/rules/types.js'
import type {Snapshot} from '../src/snapshot/schema.js'

// Pre-release builds are different builds: "1.15.0-pre.2" is not "1.15.0". A git hash suffix
// ("v1.18.7-2adae214") is not a pre-release and is dropped.
const FULL_VERSION = /v?(\d+)\.(\d+)(?:\.(\d+))?(-(?:pre|rc|snapshot|beta|alpha|dev)[.\w]*)?/i

/** "v1.15.0-pre.2-91bc81c9" → "1.15.0-pre.2", "1.18.7" → "1.18.7"; undefined when not a version. */
export function fullVersion(text: string | undefined): string | undefined {
  const m = text ? FULL_VERSION.exec(text) : null
  // a number no release has (a damaged capture: "1.18.9007199254740993") is not a version
  if (!m || [m[1], m[2], m[3] ?? '0'].some((x) => x.length > 9)) return undefined
  const pre = m[4]?.replace(/-[0-9a-f]{7,}$/i, '') ?? ''
  return `${m[1]}.${m[2]}.${m[3] ?? 0}${pre.toLowerCase()}`
}

/** Release order: numbers first, a pre-release before its release. */
export function compareFull(a: string, b: string): number {
  const pa = parseVersion(a)!
  const pb = parseVersion(b)!
  const d = pa[0] - pb[0] || pa[1] - pb[1] || pa[2] - pb[2]
  if (d !== 0) return d
  const sa = a.includes('-')
  const sb = b.includes('-')
  if (sa !== sb) return sa ? -1 : 1
  return a.localeCompare(b, undefined, {numeric: true})
}

/** "quay.io/cilium/cilium:v1.18.7@sha256:…" → "1.18.7"; registry hosts and ports are ignored. */
export function imageVersion(image: string | undefined): string | undefined {
  if (!image) return undefined
  const noDigest = image.split('@')[0]
  const slash = noDigest.lastIndexOf('/')
  const colon = noDigest.lastIndexOf(':')
  if (colon <= slash) return undefined
  return fullVersion(noDigest.slice(colon + 1))
}

/** The agent's version from its status: the parsed field, or the raw message when the field lost the suffix. */
function statusVersion(c: {version?: string, message: string}): string | undefined {
  const parsed = fullVersion(c.version)
  const raw = fullVersion(c.message)
  if (raw && parsed && raw.startsWith(parsed) && raw.length > parsed.length) return raw
  return parsed ?? raw
}

const AGENT_POD = /^cilium-(?!operator|envoy)[a-z0-9]{5}$/

export default defineRule({
  meta: {
    id: 'version-skew',
    title: 'Cilium version skew',
    severity: 'high',
    versions: '*',
    needs: [['status'], ['pods'], ['metrics'], ['operator']],
    messages: {'agent-versions': 'agents run different Cilium versions', 'operator-version': 'the operator runs another version than the agents'},
    description: 'Agents running different Cilium versions (status Cilium line, agent pod images, cilium_version metric; pre-release suffixes such as 1.15.0-pre.2 are kept, so a pre-release and its release differ) and an operator whose minor version differs from the agents (or that is a pre-release of the same minor). Medium (normal during a rollout); high when more than one minor apart.',
    why: '"The only tested rollback and upgrade path is between consecutive minor releases" (upgrade guide); a rollout stuck half-way leaves nodes with different datapath behaviour and an operator that may not match the agents\' CRD expectations.',
    fix: 'Finish (or roll back) the rollout: kubectl -n kube-system rollout status ds/cilium and deploy/cilium-operator; upgrade one minor at a time, to the latest patch first.',
    sources: [
      'https://docs.cilium.io/en/stable/operations/upgrade/',
      'https://docs.cilium.io/en/stable/observability/metrics/',
    ],
  },
  check(ctx) {
    const s = ctx.snapshot
    const seen = agentVersions(s)
    if (seen.size === 0) ctx.notEvaluated('no agent version found (status Cilium line, pod images or cilium_version)')
    const byVersion = new Map([...groupBy([...seen], ([, {version}]) => version)].map(([v, list]) => [v, list.map(([agent]) => agent)]))
    return [...agentSkew(seen, byVersion), ...operatorSkew(s, seen, byVersion)]
  },
})

type Seen = Map<string, {version: string, src: Evidence}>
const minorOf = (v: string) => parseVersion(v)!

/** Each agent's version: status first, then the pod image, then cilium_version. */
function agentVersions(s: Snapshot): Seen {
  const seen: Seen = new Map()
  for (const a of s.agents) {
    const c = a.status?.cilium
    const v = c?.version ? statusVersion(c) : undefined
    if (v) seen.set(a.name, {version: v, src: ev(c!.src)})
  }
  const agentNames = new Set(s.agents.map((a) => a.name))
  const pods = [...s.agents.flatMap((a) => (a.pod ? [a.pod] : [])), ...(s.cluster.pods ?? []).filter((p) => AGENT_POD.test(p.name) || agentNames.has(p.name))]
  for (const p of pods) {
    const v = imageVersion(p.image)
    if (v && !seen.has(p.name)) seen.set(p.name, {version: v, src: ev(p.src)})
  }
  for (const m of metricSamples(s, 'cilium_version')) {
    const v = fullVersion(m.labels.version)
    if (v && m.agent && !seen.has(m.agent)) seen.set(m.agent, {version: v, src: ev(m.src)})
  }
  return seen
}

function agentSkew(seen: Seen, byVersion: Map<string, string[]>): CheckResult[] {
  const versions = [...byVersion.keys()].sort(compareFull)
  if (versions.length <= 1) return []
  const lo = minorOf(versions[0])
  const hi = minorOf(versions[versions.length - 1])
  const gap = (hi[0] - lo[0]) * 100 + hi[1] - lo[1]
  const ranked = [...byVersion.entries()].sort((x, y) => y[1].length - x[1].length)
  const minority = ranked.slice(1).flatMap(([, names]) => names)
  return [{
    severity: gap > 1 ? 'high' : 'medium',
    messageId: 'agent-versions',
    message: `Agents run ${versions.length} Cilium versions: ${ranked.map(([v, names]) => `${v} (${names.length === 1 ? names[0] : `${names.length} agents${names.length <= 3 ? `: ${names.join(', ')}` : ''}`})`).join(', ')}` +
      (gap > 1 ? `; ${gap} minor versions apart (only consecutive minors are tested)` : '; normal only while a rollout is in progress') +
      (versions.some((v) => v.includes('-')) ? '; a pre-release build is not supported for production' : ''),
    agents: minority,
    evidence: capEvidence(ranked.flatMap(([, names]) => names.slice(0, 2).map((n) => seen.get(n)!.src))),
    helm: [],
  }]
}

function operatorSkew(s: Snapshot, seen: Seen, byVersion: Map<string, string[]>): CheckResult[] {
  const op = s.cluster.operator
  const opVersion = imageVersion(op?.image)
  if (!opVersion || !op || byVersion.size === 0) return []
  const majority = [...byVersion.entries()].sort((x, y) => y[1].length - x[1].length)[0][0]
  const o = minorOf(opVersion)
  const a = minorOf(majority)
  const gap = Math.abs((o[0] - a[0]) * 100 + o[1] - a[1])
  // Same minor but one side a pre-release of it: a different build, worth a medium note.
  const preSkew = gap === 0 && opVersion !== majority && (opVersion.includes('-') || majority.includes('-'))
  if (gap === 0 && !preSkew) return []
  const names = byVersion.get(majority)!
  return [{
    severity: gap > 1 ? 'high' : 'medium',
    messageId: 'operator-version',
    message: `cilium-operator runs ${opVersion} while most agents run ${majority} (${names.length === 1 ? names[0] : `${names.length} agents: ${nameList(names, 3)}`})`,
    agents: [],
    evidence: [ev(op.src), seen.get(names[0])!.src],
    helm: [],
  }]
}
