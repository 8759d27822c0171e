import type {CheckResult, Evidence} from '../src/rules/types.js'
import {defineRule} from '../src/rules/types.js'
import type {Snapshot} from '../src/snapshot/schema.js'
import {configText, ev, helmEvidence} from '../src/rules/helpers.js'
import {CHART_RELEASES, asCatalogValue, chartDefault, isChartLeaf, isVolatilePath, keyAcrossReleases, keyAt, releaseOf, setPaths, type KeyVerdict} from '../src/cilium/charts/keys.js'
import {REMOVED_AGENT_OPTIONS} from '../src/cilium/charts/notes.js'
import {configuredVersion} from '../src/cilium/charts/configured-version.js'
import {UPGRADE_GUIDE, upgradeNotesUrl} from '../src/cilium/charts/requirements.js'
import {minorOf} from '../src/cilium/charts/diff.js'
import {compareMinor} from '../src/cilium/charts/minor.js'

/*
 * Keys a values file (or cilium-config) sets that its chart (or agent) no longer reads, does not read yet, or
 * calls deprecated, judged against the shipped chart facts (src/cilium/charts/). A key at the chart's own default
 * changes nothing whichever chart reads it, so a copied values.yaml or `helm get values --all` stays silent.
 */

// endpoint-slice-off reports these with the 1.18 chart's refusal ("has been removed in v1.18")
const OWNED_ELSEWHERE = new Set(['enableCiliumEndpointSlice', 'ciliumEndpointSlice.sliceMode'])

const DECIDES = '`helm list -n kube-system` (CHART column), the release Secret (`helm get all`), or `cilium-dbg version` in an agent decides'

interface Version {version: string, from: string, evidence?: Evidence}

/** The version the configuration is for (src/cilium/charts/configured-version.ts), with its evidence line. */
function versionOf(s: Snapshot, agents: string | undefined): Version | undefined {
  const v = configuredVersion(s, agents)
  if (!v) return undefined
  const evidence = v.src ? ev(v.src) : v.helmPath ? helmEvidence(s, v.helmPath) : undefined
  return {version: v.version, from: v.from, ...(evidence ? {evidence} : {})}
}

/** Keys set to something other than the chart default of the release that last had them. */
function setKeys(s: Snapshot): Array<{path: string, value: unknown}> {
  const values = s.cluster.helm?.values ?? {}
  return setPaths(values, isChartLeaf).filter(({path, value}) => {
    // null is how a values file unsets a value: it asks for nothing
    if (value === null || OWNED_ELSEWHERE.has(path) || isVolatilePath(path) || !isChartLeaf(path)) return false
    const last = [...CHART_RELEASES].reverse().find((r) => chartDefault(path, r) !== undefined)
    return last === undefined || JSON.stringify(asCatalogValue(value)) !== JSON.stringify(chartDefault(path, last))
  })
}

function successorOf(v: KeyVerdict): string {
  if (v.kind === 'removed') return v.removal?.successor ? `; its successor is ${v.removal.successor}${v.removal.manual ? ' (not a plain rename: plan the migration)' : ''}` : ''
  if (v.kind === 'deprecated') return v.successor ? `; use ${v.successor} instead` : v.noop ? '; it already does nothing' : ''
  return ''
}

function source(v: KeyVerdict): string {
  if (v.kind === 'removed') return v.removal?.basis?.startsWith('http') ? v.removal.basis : upgradeNotesUrl(minorOf(v.removedIn))
  return UPGRADE_GUIDE
}

/** One finding per kind of verdict, against the chart of a known version. */
function againstVersion(s: Snapshot, v: Version, release: string, keys: Array<{path: string}>): CheckResult[] {
  const verdicts = keys.map((k) => keyAt(k.path, release)).filter((x) => x !== undefined)
  const where = `chart ${v.version} (from ${v.from}; judged with the ${release} chart)`
  const out: CheckResult[] = []
  const group = (kind: KeyVerdict['kind']) => verdicts.filter((x) => x.kind === kind)
  const evidence = (list: KeyVerdict[]) => [...list.map((x) => helmEvidence(s, x.path)), ...(v.evidence ? [v.evidence] : [])]
  const removed = group('removed')
  if (removed.length > 0) {
    out.push({
      severity: 'medium', messageId: 'removed-key',
      message: `Configured: ${removed.map((x) => `${x.path} (removed in ${x.kind === 'removed' ? minorOf(x.removedIn) : ''}${successorOf(x)})`).join(', ')} set in the values, which ${where} no longer has: the chart ignores ${removed.length === 1 ? 'it' : 'them'}, so what ${removed.length === 1 ? 'it asks' : 'they ask'} for is not applied.`,
      agents: [], evidence: evidence(removed), helm: [],
      fix: `Move each value to its successor or delete it (${[...new Set(removed.map(source))].join(', ')}).`,
    })
  }
  const newer = group('newer')
  if (newer.length > 0) {
    out.push({
      severity: 'medium', messageId: 'newer-key',
      message: `Configured: ${newer.map((x) => `${x.path} (first in ${x.kind === 'newer' ? minorOf(x.since) : ''})`).join(', ')} set in the values, which ${where} does not have yet: the chart ignores ${newer.length === 1 ? 'it' : 'them'}.`,
      agents: [], evidence: evidence(newer), helm: [],
      fix: `Upgrade the chart first, or drop ${newer.length === 1 ? 'the value' : 'these values'} while on ${minorOf(v.version)} (${UPGRADE_GUIDE}).`,
    })
  }
  const deprecated = group('deprecated')
  if (deprecated.length > 0) {
    out.push({
      severity: 'info', messageId: 'deprecated-key',
      message: `Configured: ${deprecated.map((x) => `${x.path}${successorOf(x)}`).join('; ')}: the values.yaml of ${where} calls ${deprecated.length === 1 ? 'it' : 'them'} deprecated; a later chart may drop ${deprecated.length === 1 ? 'it' : 'them'}.`,
      agents: [], evidence: evidence(deprecated), helm: [],
      fix: `Move to the successor before the next upgrade (${UPGRADE_GUIDE}).`,
    })
  }
  return out
}

/** Without a version: the keys some shipped chart lacks or deprecates, with the evidence that would decide. */
function versionUnknown(s: Snapshot, keys: Array<{path: string}>): CheckResult[] {
  const rows = keys.flatMap((k) => {
    const all = keyAcrossReleases(k.path)
    // a key only newer charts have is the usual case of a recent values file: without a version it says nothing
    const removed = all.find((x) => x.kind === 'removed')
    const dep = all.filter((x) => x.kind === 'deprecated')
    const parts = [
      removed?.kind === 'removed' ? `removed in ${minorOf(removed.removedIn)}${successorOf(removed)}` : '',
      dep.length > 0 && !removed ? `deprecated from ${minorOf(dep[0].kind === 'deprecated' ? dep[0].release : '')}${successorOf(dep[0])}` : '',
    ].filter(Boolean)
    return parts.length > 0 ? [{path: k.path, text: `${k.path} (${parts.join('; ')})`}] : []
  })
  if (rows.length === 0) return []
  return [{
    severity: 'info', messageId: 'version-unknown',
    message: `Configured: ${rows.map((r) => r.text).join(', ')}. The chart version is not in the evidence, so whether this chart still reads ${rows.length === 1 ? 'it' : 'them'} is unknown: ${DECIDES}.`,
    agents: [], evidence: rows.map((r) => helmEvidence(s, r.path)), helm: [],
    fix: `Compare with the chart in use; ciltune has chart facts for ${minorOf(CHART_RELEASES[0])}–${minorOf(CHART_RELEASES.at(-1)!)} (${UPGRADE_GUIDE}).`,
  }]
}

/** cilium-config keys an agent minor stopped reading (src/cilium/charts/notes.ts). */
function agentOptions(s: Snapshot, v: Version | undefined): CheckResult[] {
  return REMOVED_AGENT_OPTIONS.flatMap((o) => {
    const c = configText(s, o.key)
    if (!c) return []
    const minor = v ? minorOf(v.version) : undefined
    if (minor !== undefined && compareMinor(minor, o.removedIn) < 0) return []
    return [{
      severity: minor ? 'medium' as const : 'info' as const, messageId: 'removed-agent-option',
      message: minor
        ? `Configured: cilium-config sets ${o.key}: ${c.value}, an agent option removed in ${o.removedIn} (successor: ${o.successor}); agents of ${v!.version} (from ${v!.from}) do not read it: ${o.effect}.`
        : `Configured: cilium-config sets ${o.key}: ${c.value}, an agent option removed in ${o.removedIn} (successor: ${o.successor}). The agent version is not in the evidence, so whether it is still read is unknown (${DECIDES}); if it is ${o.removedIn} or later: ${o.effect}.`,
      agents: [], evidence: [ev(c.src)], helm: [],
      fix: `Set ${o.successor} instead (${o.url}).`,
    }]
  })
}

export default defineRule({
  meta: {
    id: 'configured-keys',
    title: 'Configured keys the chart removed, does not have yet or deprecates (configured, not observed)',
    severity: 'medium',
    versions: '*',
    needs: [['helm'], ['config']],
    messages: {
      'removed-key': 'Helm values set keys the chart version no longer has',
      'newer-key': 'Helm values set keys only later charts have',
      'deprecated-key': 'Helm values set keys the chart calls deprecated',
      'version-unknown': 'Helm values set keys some chart versions removed or deprecate; the version is unknown',
      'removed-agent-option': 'cilium-config sets an agent option a later Cilium removed',
    },
    description: `Helm values keys (set to something other than the chart default) judged against the shipped chart facts for ${minorOf(CHART_RELEASES[0])}–${minorOf(CHART_RELEASES.at(-1)!)} (every value path per release and the keys each values.yaml calls deprecated): removed (medium), not in the chart yet (medium), deprecated (info). The version comes from the agents, the Helm release, cilium-cli status or image.tag in the values; without one, the keys are listed with the releases that lack them (info) and the evidence that would decide. cilium-config keys of removed agent options (tunnel, removed in 1.15) likewise.`,
    why: 'Helm silently ignores a value its chart does not define, so a setting carried over from an older values file is not applied after an upgrade, and a deprecated one is the next to go.',
    fix: 'Per finding: move each value to its successor, or delete it.',
    sources: [
      'https://docs.cilium.io/en/stable/operations/upgrade/',
      'https://docs.cilium.io/en/stable/helm-reference/',
      'https://github.com/cilium/charts',
      'https://github.com/cilium/cilium/pull/29053',
    ],
  },
  check(ctx) {
    const s = ctx.snapshot
    const v = versionOf(s, ctx.ciliumVersion)
    const out = agentOptions(s, v)
    if (!s.cluster.helm) return out
    const keys = setKeys(s)
    const release = releaseOf(v?.version)
    if (v && release) return [...againstVersion(s, v, release, keys), ...out]
    if (v) ctx.notJudged(`the values are for Cilium ${v.version} (from ${v.from}); ciltune has chart facts for ${CHART_RELEASES.map(minorOf).join(', ')} only`)
    else out.unshift(...versionUnknown(s, keys))
    return out
  },
})
