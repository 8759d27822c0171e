import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import type {LiveOptions} from '../collect/types.js'
import {shippedRemovals} from '../cilium/charts/index.js'
import {parseVersion} from '../cilium/version.js'
import {toReportFinding} from '../report/fingerprint.js'
import {render} from '../report/formats.js'
import {buildReport} from '../report/model.js'
import {SEVERITY_ORDER, type Severity} from '../rules/types.js'
import {emptySnapshot, type Snapshot} from '../snapshot/schema.js'
import {currentState, loadCharts, newestPatch} from '../upgrade/inputs.js'
import {migrateText, migrateValues} from '../upgrade/migrate.js'
import {checkStep} from '../upgrade/path.js'
import {runUpgradeChecks} from '../upgrade/run.js'
import type {Migration} from '../upgrade/values-check.js'
import {InputError} from '../util/errors.js'
import {redactStrings} from '../util/redact.js'
import {toolVersion} from '../util/version.js'
import type {DoctorOptions, Io} from './doctor-options.js'
import {gatherSnapshot} from './doctor.js'

export interface UpgradeCheckOptions extends Pick<DoctorOptions, 'output' | 'outputFile' | 'wide' | 'failOn' | 'color'> {
  /** The target Cilium version (X.Y or X.Y.Z). */
  to: string
  /** The current version when the evidence does not say (a values file alone). */
  current?: string
  /** Current values from this file instead of the Helm release. */
  values?: string
  /** The target chart (dir or .tgz) instead of the shipped knowledge. */
  chart?: string
  from?: string
  live?: LiveOptions
  /** Write the values migrated for the target chart here. */
  writeValues?: string
  force?: boolean
}

function checkUsage(o: UpgradeCheckOptions): void {
  if (!parseVersion(o.to)) throw new InputError(`--to ${o.to}: expected a Cilium version X.Y or X.Y.Z, e.g. --to 1.19`)
  if (o.writeValues && existsSync(o.writeValues) && !o.force) throw new InputError(`--write-values ${o.writeValues}: file exists; use --force to overwrite`)
  if (o.writeValues && o.values && o.writeValues === o.values) throw new InputError(`--write-values ${o.writeValues}: the same file as --values; write the migrated copy elsewhere`)
}

function writeMigrated(o: UpgradeCheckOptions, values: Record<string, unknown>, migrations: Migration[], chartVersion: string, io: Io): void {
  if (!o.writeValues) return
  const text = o.values ? migrateText(readFileSync(o.values, 'utf8'), migrations, o.values) : migrateValues(values, migrations, chartVersion)
  writeFileSync(o.writeValues, text, {mode: 0o600})
  const carried = migrations.filter((m) => m.set.length > 0).length
  io.stderr(`ciltune: wrote ${o.writeValues} for chart ${chartVersion}: ${carried} value(s) moved to their successor, ${migrations.length - carried} dropped (no effect); values that need a person stay, named in the findings\n`)
}

/** upgrade-check: current values and version → chart diff and path rules → findings, reported like doctor's. */
export async function runUpgradeCheck(o: UpgradeCheckOptions, io: Io): Promise<number> {
  checkUsage(o)
  const snapshot: Snapshot | undefined = o.from || o.live ? await gatherSnapshot({from: o.from, live: o.live}) : undefined
  const current = currentState(snapshot, {valuesFile: o.values, current: o.current})
  checkStep(current.version, o.to)
  const charts = await loadCharts(current.version, o.to, o.chart)
  const rules = snapshot && snapshot.agents.length > 0 ? await (await import('../rules/engine.js')).loadRules() : undefined
  const run = runUpgradeChecks({current, target: o.to, charts, newestPatch: await newestPatch(current.version), snapshot, rules, valuesFile: o.values, earlier: await shippedRemovals(current.version)})
  for (const note of [`current values: ${current.valuesSource}`, `current version: ${current.version} (${current.versionSource})`, ...charts.notes]) io.stderr(`ciltune: ${note}\n`)

  const order = (s: Severity) => -SEVERITY_ORDER[s]
  const findings = [...run.findings].sort((a, b) => order(a.severity) - order(b.severity)).map(toReportFinding)
  const report = buildReport({snapshot: snapshot ?? emptySnapshot('files', o.values), rules: [], findings, outcomes: run.outcomes, failOn: o.failOn, version: toolVersion()})
  if (!snapshot) report.ciliumVersion = current.version
  const text = await render(redactStrings(report), o.output, {color: o.color, wide: o.wide ?? false, width: io.columns ?? 80})
  if (o.outputFile) {
    writeFileSync(o.outputFile, text, {mode: 0o600})
    io.stderr(`ciltune: wrote ${o.outputFile} (${o.output}, ${report.findings.length} findings)\n`)
  } else {
    await io.stdout(text)
  }
  writeMigrated(o, current.values, run.migrations, charts.to.version, io)
  return report.summary.exitCode
}
