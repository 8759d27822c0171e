import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import type {LiveOptions, PrometheusOptions} from '../collect/types.js'
import {loadRules, runRules} from '../rules/engine.js'
import type {Finding, Rule, RuleOutcome} from '../rules/types.js'
import type {Snapshot} from '../snapshot/schema.js'
import type {ChartFiles} from '../suggest/chart.js'
import {loadChart, loadSchemaFile} from '../suggest/chart.js'
import {currentValues} from '../suggest/current-values.js'
import {textDiff, valuesDiff} from '../suggest/diff.js'
import {mergeValues} from '../suggest/merge.js'
import {getPath} from '../suggest/paths.js'
import {overlayObject, renderOverlay} from '../suggest/overlay.js'
import {buildPlan, type SuggestionPlan} from '../suggest/plan.js'
import {renderNodeConfigs} from '../suggest/node-configs.js'
import {setFlags} from '../suggest/set-flags.js'
import {validateValues} from '../suggest/validate.js'
import {applyOverlay} from '../suggest/whatif.js'
import {InputError} from '../util/errors.js'
import type {Io} from './doctor-options.js'
import {gatherSnapshot} from './doctor.js'

export interface SuggestOptions {
  from?: string
  live?: LiveOptions
  prometheus?: PrometheusOptions
  output?: string // write the overlay here instead of stdout
  format?: 'yaml' | 'json' // the overlay's format (default yaml, commented)
  force: boolean
  merge?: string // update this values file in place
  values?: string // current values when the Helm release is not readable
  diff: boolean
  set: boolean
  validate: boolean
  chart?: string
  schema?: string
  targetPressure: number
  /** Also propose improvements (netkit, BIG TCP, KPR, host routing …); default: only fixes of findings. */
  improvements?: boolean
  /** Write the per-node CiliumNodeConfig manifests here (refuses an existing file without --force). */
  nodeConfig?: string
  /** Names and addresses in everything printed and in the -o file become pseudonyms (--merge still edits the real file). */
  anonymize?: boolean
}

function checkUsage(o: SuggestOptions): void {
  if (!(o.targetPressure > 0 && o.targetPressure < 1)) throw new InputError(`--target-pressure ${o.targetPressure}: expected a fraction between 0 and 1, e.g. 0.5`)
  if (o.output && existsSync(o.output) && !o.force) throw new InputError(`--output ${o.output}: file exists; use --force to overwrite or --merge ${o.output} to update it in place`)
  if (o.output && o.merge) throw new InputError('--output and --merge: give one (--merge writes into the values file itself)')
  if (o.nodeConfig && existsSync(o.nodeConfig) && !o.force) throw new InputError(`--node-config ${o.nodeConfig}: file exists; use --force to overwrite`)
  if (o.merge && !existsSync(o.merge)) throw new InputError(`--merge ${o.merge}: no such file (use --output to create a new overlay)`)
  if (o.validate && !o.chart && !o.schema) throw new InputError('--validate needs the chart schema: --chart DIR|TGZ (helm pull cilium/cilium --version X) or --schema values.schema.json')
}

/** Re-run the rules with the overlay applied: which of the addressed findings would clear. */
export function whatIfCheck(plan: SuggestionPlan, findings: Finding[], rules: Awaited<ReturnType<typeof loadRules>>, snapshot: Parameters<typeof applyOverlay>[0]): {cleared: string[], remaining: string[], changes: string[]} {
  const overlay = overlayObject(plan.items)
  const addressed = new Set(plan.items.flatMap((i) => i.findings.map((f) => f.id)))
  if (addressed.size === 0) return {cleared: [], remaining: [], changes: []}
  const after = applyOverlay(snapshot, overlay)
  const again = runRules(rules, after.snapshot).findings
  const key = (f: Finding) => `${f.id}\u0000${f.title}`
  const still = new Map(again.map((f) => [key(f), f]))
  const before = findings.filter((f) => addressed.has(f.id) && f.helm.length > 0)
  const logFiles = new Set(snapshot.agents.flatMap((a) => a.logs.flatMap((l) => l.entries.map((e) => e.src.file))))
  // Drop counters and log lines are history from before the change: they restart with the agents, not with the values.
  const historic = (f: Finding) => f.evidence.length > 0 && f.evidence.every((e) => e.source === '…' || logFiles.has(e.source) || /^\w+_total[{ ]/.test(e.text.trim()))
  return {
    cleared: before.filter((f) => !still.has(key(f))).map((f) => `${f.id} (${f.title})`),
    remaining: before.filter((f) => still.has(key(f))).map((f) => `${f.id} (${f.title})${historic(still.get(key(f))!) ? ' [on history only: counters/log lines from before the change, which restart with the agents]' : ''}`),
    changes: after.changes,
  }
}

/** A comment of at most `max` characters, cut at a word boundary with an ellipsis, never mid-word. */
export function shortComment(text: string, max = 160): string {
  if (text.length <= max) return text
  const cut = text.slice(0, max - 1)
  const space = cut.lastIndexOf(' ')
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:]+$/, '')}…`
}

/** A number the baseline already sets higher is kept: a suggestion never makes a value worse. */
function neverLower<T extends {writePath: string, value: unknown}>(items: T[], baseline: Record<string, unknown>, io: Io): T[] {
  return items.filter((i) => {
    const had = getPath(baseline, i.writePath)
    if (typeof had !== 'number' || typeof i.value !== 'number' || had <= i.value) return true
    io.stderr(`ciltune: kept ${i.writePath}: ${had} (the suggestion ${i.value} would lower it)\n`)
    return false
  })
}

/** As in doctor: a source that failed, or input where nothing was read, is never "nothing to change". */
async function checkEvidence(snapshot: Snapshot, findings: Finding[], outcomes: RuleOutcome[], rules: Rule[], io: Io): Promise<void> {
  const {coverageHeadline, judge} = await import('../report/judged.js')
  const judgement = judge(snapshot, findings, outcomes, rules)
  if (judgement.nothingJudged) throw new InputError(`${judgement.failedSources.join('; ')}; no check could run, so nothing can be suggested`)
  const headline = coverageHeadline(judgement)
  if (headline) io.stderr(`ciltune: warning: ${headline} An overlay without a change here does not mean nothing needs changing.\n`)
}

export async function runSuggest(o: SuggestOptions, realIo: Io): Promise<number> {
  checkUsage(o)
  const chart: ChartFiles | undefined = o.chart ? await loadChart(o.chart) : undefined
  const schema = o.schema ? loadSchemaFile(o.schema) : chart?.schema
  const snapshot = await gatherSnapshot(o)
  const anon = o.anonymize ? (await import('../util/anonymize-known.js')).anonymizerForSnapshot(snapshot) : undefined
  const io: Io = anon ? {...realIo, stdout: (t) => realIo.stdout(anon.text(t)), stderr: (t) => realIo.stderr(anon.text(t))} : realIo
  const rules = await loadRules()
  const {findings, outcomes} = runRules(rules, snapshot)
  await checkEvidence(snapshot, findings, outcomes, rules, io)
  // the file --merge writes into is the baseline: its values are what the suggestion builds on
  const current = currentValues(snapshot, {valuesFile: o.merge ?? o.values, chartDefaults: chart?.defaults})
  if (chart?.version && current.version && chart.version.split('.').slice(0, 2).join('.') !== current.version.split('.').slice(0, 2).join('.')) {
    io.stderr(`ciltune: warning: --chart ${chart.source} is ${chart.version}, the cluster runs ${current.version}\n`)
  }
  const plan = buildPlan(snapshot, findings, current, {target: o.targetPressure, improvements: o.improvements})

  const check = whatIfCheck(plan, findings, rules, snapshot)
  if (check.cleared.length > 0) plan.notes.push(`what-if: re-running the rules on the same evidence with these values clears ${check.cleared.join(', ')}`)
  if (check.remaining.length > 0) plan.notes.push(`what-if: still firing with these values: ${check.remaining.join(', ')}`)

  const overlay = overlayObject(plan.items)
  const overlayText = o.format === 'json' ? JSON.stringify(overlay, null, 2) + '\n' : renderOverlay(plan)
  let code = 0
  if (o.validate) {
    const v = validateValues({schema, chartDefaults: current.chartDefaults ?? chart?.defaults, user: current.user, overlay, overlayPaths: plan.items.map((i) => i.writePath), commented: chart?.commented})
    for (const e of v.errors) io.stderr(`ciltune: --validate: ${e}\n`)
    for (const p of v.unknownPaths) io.stderr(`ciltune: --validate: ${p} is not a value of this chart (Helm would ignore it)\n`)
    if (v.valid && v.unknownPaths.length === 0) io.stderr(`ciltune: --validate: merged values pass ${o.schema ?? `${chart?.source} values.schema.json`}\n`)
    if (!v.valid || v.unknownPaths.length > 0) code = 1
  }

  const edits = neverLower(plan.items, current.user, io).map((i) => ({path: i.writePath, value: i.value, comment: shortComment(`${i.findings.map((f) => f.id).join(', ')}: ${i.reason}`)}))
  let mergedDiff: string | undefined
  if (o.merge) {
    const before = readFileSync(o.merge, 'utf8')
    const {text, fallbacks} = mergeValues(before, edits, o.merge)
    if (text !== before) writeFileSync(o.merge, text)
    for (const f of fallbacks) io.stderr(`ciltune: --merge: ${f} sits in a flow mapping or list; that part of ${o.merge} was re-serialized\n`)
    io.stderr(`ciltune: ${o.merge}: ${plan.items.length} value(s) set${plan.blocked.length > 0 ? `, ${plan.blocked.length} blocked (see the overlay comments)` : ''}\n`)
    mergedDiff = textDiff(o.merge, before, text)
  } else if (o.output) {
    writeFileSync(o.output, anon ? anon.text(overlayText) : overlayText, {flag: o.force ? 'w' : 'wx', mode: 0o600})
    io.stderr(`ciltune: wrote ${o.output}: ${plan.items.length} value(s), ${plan.blocked.length} blocked\n`)
  }
  if (o.nodeConfig) {
    const text = plan.nodeConfigs.length > 0 ? renderNodeConfigs(plan.nodeConfigs) : '# ciltune suggest: no per-node override needed: one value fits every node\n'
    writeFileSync(o.nodeConfig, anon ? anon.text(text) : text, {flag: o.force ? 'w' : 'wx', mode: 0o600})
    io.stderr(`ciltune: wrote ${o.nodeConfig}: ${plan.nodeConfigs.length} CiliumNodeConfig(s)\n`)
  }
  if (o.diff) await io.stdout(mergedDiff ?? valuesDiff(current.user, overlay, {from: `current values (${current.source})`, to: 'suggested values'}))
  if (o.set) await io.stdout(setFlags(plan.items.map((i) => ({path: i.writePath, value: i.value})), {version: current.source === 'helm-release' ? current.version : undefined}))
  if (!o.diff && !o.set && !o.merge && !o.output) await io.stdout(overlayText)
  for (const w of plan.withheld) io.stderr(`ciltune: ${w.reason}\n`)
  for (const b of plan.blocked) io.stderr(`ciltune: blocked: ${b.writePath}=${JSON.stringify(b.value)}: ${b.blockedBy.join('; ')}\n`)
  for (const i of plan.items) {
    const unknown = i.prerequisites.filter((p) => p.result.status === 'unknown')
    if (unknown.length > 0) io.stderr(`ciltune: unverified: ${i.writePath}=${JSON.stringify(i.value)} needs ${unknown.map((p) => `${p.describe} (${p.result.detail})`).join('; ')}; check before rolling out\n`)
  }
  return code
}
