/*
 * Where upgrade-check's three inputs come from, each stated: the current values (Helm release, --values,
 * or cilium-config translated back), the current version (the evidence, else --current), and the two
 * charts (the shipped knowledge, or --chart for the target). Anything missing or contradictory is one
 * clear InputError, never a guess.
 */
import {diffCatalogs, minorOf, shippedCatalog, shippedDiff, shippedSource, shippedVersions, type ChartDiff, type VersionCatalog} from '../cilium/charts/index.js'
import {parseVersion} from '../cilium/version.js'
import type {Snapshot} from '../snapshot/schema.js'
import {currentValues, readValuesFile} from '../suggest/current-values.js'
import {InputError} from '../util/errors.js'

export interface CurrentState {
  values: Record<string, unknown>
  /** One line: where the values came from. */
  valuesSource: string
  /** The values are the keys cilium-config maps back to Helm, not the release's own. */
  partial: boolean
  version: string
  versionSource: string
}

export interface Charts {
  from: VersionCatalog
  to: VersionCatalog
  diff: ChartDiff
  /** Notes for the report: which charts were compared, and where they stand in for another patch. */
  notes: string[]
}

export function currentState(snapshot: Snapshot | undefined, opts: {valuesFile?: string, current?: string}): CurrentState {
  if (opts.current && !parseVersion(opts.current)) throw new InputError(`--current ${opts.current}: expected a Cilium version X.Y or X.Y.Z`)
  if (!snapshot) {
    if (!opts.valuesFile) throw new InputError('no current values: give --values FILE, --from PATH, or a cluster (--kubeconfig/--context)')
    if (!opts.current) throw new InputError(`--values ${opts.valuesFile} alone does not say which version it is for: add --current VERSION (e.g. --current 1.18.6)`)
    return {values: readValuesFile(opts.valuesFile), valuesSource: `values file ${opts.valuesFile}`, partial: false, version: opts.current, versionSource: '--current'}
  }
  const cv = currentValues(snapshot, {valuesFile: opts.valuesFile})
  if (cv.source === 'none') throw new InputError(`${originName(snapshot)}: no Helm release, no cilium-config and no --values: there are no current values to check against the target chart`)
  const evidence = cv.version
  if (evidence && opts.current && minorOf(evidence) !== minorOf(opts.current)) {
    throw new InputError(`--current ${opts.current} contradicts the evidence, which runs ${evidence} (${cv.source === 'helm-release' ? 'Helm release chart version' : 'agent status'}); drop --current or check the source`)
  }
  const version = evidence ?? opts.current
  if (!version) throw new InputError(`${originName(snapshot)}: the Cilium version is not in the evidence (no Helm release, no agent status): add --current VERSION`)
  return {
    values: cv.user,
    valuesSource: cv.description,
    partial: cv.source === 'cilium-config',
    version,
    versionSource: evidence ? (snapshot.cluster.helm?.chartVersion ? 'Helm release chart version' : 'agent status') : '--current',
  }
}

function originName(s: Snapshot): string {
  return s.origin.path ? `--from ${s.origin.path}` : s.origin.kind === 'live' ? 'the cluster' : s.origin.kind
}

async function knownRange(): Promise<string> {
  const v = await shippedVersions()
  return `${minorOf(v[0])} to ${minorOf(v[v.length - 1])}`
}

/** The newest patch of `version`'s minor that ciltune ships knowledge of. */
export async function newestPatch(version: string): Promise<string | undefined> {
  return (await shippedVersions()).find((v) => minorOf(v) === minorOf(version))
}

export async function loadCharts(current: string, target: string, chartPath?: string): Promise<Charts> {
  const from = await shippedCatalog(current)
  if (!from) throw new InputError(`current version ${current}: ciltune ships chart knowledge for Cilium ${await knownRange()} only`)
  const notes = [`current chart: ${await shippedSource(current)}${from.version !== current ? ` (stands in for ${current}: same minor, newest patch ciltune knows)` : ''}`]
  if (chartPath) {
    const {readChart} = await import('../cilium/charts/read.js')
    const {catalogOf} = await import('../cilium/charts/derive.js')
    const chart = await readChart(chartPath)
    if (minorOf(chart.version) !== minorOf(target)) throw new InputError(`--chart ${chartPath} is chart ${chart.version}, not ${target} (--to): give the chart of the target version`)
    const to = catalogOf(chart)
    notes.push(`target chart: ${chartPath} (chart ${chart.version}${chart.schema ? '' : ', no values.schema.json: types from the defaults'})`)
    if (chart.templatesText === '') notes.push(`--chart ${chartPath} has no templates/: its upgradeCompatibility gates were not checked`)
    return {from, to, diff: diffCatalogs(from, to), notes}
  }
  const to = await shippedCatalog(target)
  if (!to) throw new InputError(`--to ${target}: ciltune ships chart knowledge for Cilium ${await knownRange()}; for another release give its chart with --chart DIR|TGZ (helm pull cilium/cilium --version ${target})`)
  notes.push(`target chart: ${await shippedSource(target)}${to.version !== target && /^\d+\.\d+\.\d+/.test(target) ? ` (stands in for ${target}: same minor)` : ''}`)
  const diff = minorOf(from.version) === minorOf(to.version) ? diffCatalogs(from, to) : await shippedDiff(from.version, to.version)
  if (!diff) throw new InputError(`no shipped chart diff for ${minorOf(current)} → ${minorOf(target)}`)
  return {from, to, diff, notes}
}
