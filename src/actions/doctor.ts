import {readFileSync, statSync} from 'node:fs'
import {classify} from '../ingest/classify.js'
import {buildSnapshot, SnapshotBuilder} from '../ingest/build.js'
import {fileHead} from '../ingest/file-lines.js'
import {collectFromPath} from '../ingest/from-path.js'
import {applyConfig} from '../config/apply.js'
import {loadConfig} from '../config/load.js'
import {applyBaseline, readBaseline} from '../report/baseline.js'
import {toReportFinding} from '../report/fingerprint.js'
import {render, renderOut, type RenderOptions} from '../report/formats.js'
import {buildReport, type Report} from '../report/model.js'
import {coverageHeadline, INCOMPLETE_EXIT, judge, noVerdict} from '../report/judged.js'
import {loadRules, runRules} from '../rules/engine.js'
import {emptySnapshot, Snapshot} from '../snapshot/schema.js'
import {isSysdump} from '../sysdump/detect.js'
import {InputError} from '../util/errors.js'
import {redactSnapshot, redactStrings} from '../util/redact.js'
import {toolVersion} from '../util/version.js'
import {boundHeapGrowth, collectLargeGarbage, tightenHeapGrowth} from '../util/gc.js'
import {jsonDocument} from '../util/json-pieces.js'
import {writeFileChunked} from '../util/text-chunks.js'
import {writeStdout, type DoctorOptions, type Io} from './doctor-options.js'

function readSnapshotFile(path: string, text: string): Snapshot {
  const parsed = Snapshot.safeParse(JSON.parse(text))
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new InputError(`--from ${path}: not a valid ciltune snapshot (${issue.path.join('.')}: ${issue.message})`)
  }
  return parsed.data
}

/** A `--save-snapshot` file read back, or undefined when the path is anything else. The file is read once. */
function savedSnapshot(path: string): Snapshot | undefined {
  if (!statSync(path, {throwIfNoEntry: false})?.isFile()) return undefined
  if (!/^\s*\{/.test(fileHead(path, 64).toString('utf8'))) return undefined // a log of any size is not read whole here
  const text = readFileSync(path, 'utf8')
  return classify(text) === 'snapshot' ? readSnapshotFile(path, text) : undefined
}

/** Saved outputs, each file read once and parsed as it is read, its text then dropped. */
function fromPath(path: string): Snapshot {
  const sink = new SnapshotBuilder({kind: 'files', path})
  return buildSnapshot(collectFromPath(path, sink), sink)
}

/** Evidence from wherever it is: a saved path, a live cluster, Prometheus, or several of these. */
export async function gatherSnapshot(opts: Pick<DoctorOptions, 'from' | 'live' | 'prometheus'>): Promise<Snapshot> {
  boundHeapGrowth()
  let snapshot: Snapshot
  if (opts.from) {
    if (isSysdump(opts.from)) {
      const {snapshotFromSysdump} = await import('../sysdump/read.js')
      snapshot = await snapshotFromSysdump(opts.from, statSync(opts.from).isDirectory())
    } else {
      snapshot = savedSnapshot(opts.from) ?? fromPath(opts.from)
    }
  } else if (opts.live) {
    const {collectLive} = await import('../collect/live.js')
    // Each agent's outputs are parsed as it finishes and dropped: a 1000-agent cluster never sits in memory raw.
    const sink = new SnapshotBuilder({kind: 'live'})
    snapshot = buildSnapshot(await collectLive(opts.live, sink), sink)
  } else if (opts.prometheus) {
    snapshot = emptySnapshot('prometheus', opts.prometheus.url)
  } else {
    throw new InputError('no evidence: give --from PATH, a cluster (--kubeconfig/--context), or --prometheus-url URL')
  }
  if (opts.prometheus) {
    const {collectPrometheus} = await import('../collect/prometheus.js')
    snapshot.prometheus = await collectPrometheus(opts.prometheus)
    const p = snapshot.prometheus
    // Prometheus was the only source and gave nothing: there is nothing to judge, so no report at all
    if (!opts.from && !opts.live && p.samples.length === 0 && p.errors.length > 0) {
      throw new InputError(`${p.errors[0].message}; nothing could be judged`)
    }
  }
  tightenHeapGrowth()
  collectLargeGarbage() // the reading's garbage, before the rules and the report allocate theirs
  return snapshot
}

/** --pushgateway and --textfile get the metrics text whatever -o printed. */
async function handOffMetrics(report: Report, renderOpts: RenderOptions, opts: DoctorOptions, io: Io): Promise<void> {
  if (!opts.pushgateway && !opts.textfile) return
  const {pushMetrics, writeTextfile} = await import('../report/prometheus-handoff.js')
  const text = await render(report, 'prometheus', renderOpts) // through render(): --anonymize applies here too
  if (opts.textfile) writeTextfile(opts.textfile, text)
  if (opts.pushgateway) io.stderr(`ciltune: pushed metrics to ${await pushMetrics(opts.pushgateway, text)}\n`)
}

interface Judged {
  report: Report
  headline?: string
  anonymize?: RenderOptions['anonymize']
  evidence?: RenderOptions['evidence']
  facts?: RenderOptions['facts']
}

/**
 * Evidence → snapshot → rules → report. The snapshot is not returned (only html draws from it): at 5000
 * agents it is a few hundred megabytes that the rendering of the report would otherwise carry.
 */
async function judgeEvidence(opts: DoctorOptions, io: Io, startedAt: number): Promise<Judged> {
  // Settings and the baseline are read before the cluster, so a typo fails in a millisecond, not after collection.
  const {path: configPath, config} = await loadConfig(opts.config)
  const baseline = opts.baseline ? readBaseline(opts.baseline) : undefined
  const snapshot = await gatherSnapshot(opts)
  if (opts.discoverPrometheus && opts.live && !opts.prometheus) {
    const {discoverPrometheus, discoveryOffer} = await import('../collect/prometheus-discover.js')
    const found = await discoverPrometheus({kubeconfig: opts.live.kubeconfig, context: opts.live.context})
    io.stderr(`${found.candidates[0] ? discoveryOffer(found.candidates[0]) : found.error ?? 'No in-cluster Prometheus found.'}\n`)
  }
  const anonymize = opts.anonymize ? (await import('../util/anonymize-known.js')).anonymizerForSnapshot(snapshot) : undefined
  if (opts.saveSnapshot) {
    const saved = redactStrings(redactSnapshot(snapshot))
    writeFileChunked(opts.saveSnapshot, jsonDocument(anonymize ? anonymize.deep(saved) : saved), 0o600)
  }
  const rules = await loadRules()
  const {findings, outcomes} = runRules(rules, snapshot)
  const judgement = judge(snapshot, findings, outcomes, rules)
  // nothing could be judged because a source failed: one line naming it, never a report that reads as healthy
  if (judgement.nothingJudged) throw new InputError(`${judgement.failedSources.join('; ')}; no check could run`)
  const today = new Date().toISOString().slice(0, 10)
  const applied = applyConfig(findings.map(toReportFinding), config, snapshot.agents, today, configPath)
  let report = buildReport({snapshot, rules, outcomes, failOn: opts.failOn, version: toolVersion(), ...applied})
  const headline = coverageHeadline(judgement)
  if (headline) {
    report.summary.warning = headline
    const none = noVerdict(judgement, snapshot, report.findings.length)
    if (none) report.summary.noVerdict = none
    if (report.summary.exitCode === 0 && opts.failOn !== 'none') report.summary.exitCode = INCOMPLETE_EXIT
  }
  if (opts.baseline && baseline) report = applyBaseline(report, opts.baseline, baseline)
  report = redactStrings(report)
  const wantsMetrics = opts.output === 'prometheus' || opts.pushgateway || opts.textfile
  const facts = wantsMetrics ? await (await import('../report/prometheus-facts.js')).runFacts(snapshot, startedAt) : undefined
  return {report, headline, anonymize, facts, evidence: opts.output === 'html' ? {snapshot, rules, findings} : undefined}
}

/** doctor: evidence → snapshot → rules → report. Returns the exit code (0 clean, 1 findings at/above --fail-on). */
export async function runDoctor(opts: DoctorOptions, io: Io): Promise<number> {
  const {report, headline, anonymize, evidence, facts} = await judgeEvidence(opts, io, Date.now())
  collectLargeGarbage() // the snapshot is garbage now unless html draws from it
  const rendered = await renderOut(report, opts.output, {color: opts.color, wide: opts.wide ?? false, width: io.columns ?? 80, anonymize, evidence, facts})
  const text = headline && typeof rendered === 'string' && (opts.output === 'table' || opts.output === 'markdown') ? `${headline}\n\n${rendered}` : rendered
  if (opts.outputFile) {
    writeFileChunked(opts.outputFile, text, 0o600)
    io.stderr(`ciltune: wrote ${opts.outputFile} (${opts.output}, ${report.findings.length} findings)\n`)
  } else {
    await writeStdout(io, text)
  }
  if (facts) await handOffMetrics(report, {width: 80, color: false, wide: false, anonymize, facts}, opts, io)
  return report.summary.exitCode
}
