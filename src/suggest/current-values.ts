/*
 * The values the cluster runs with now. Preference: the Helm release (exact user values and the chart's
 * defaults), else a values file the operator gives with --values, else cilium-config translated back to
 * Helm paths (only the keys the mapping knows). Which one was used is always stated.
 */
import {readFileSync} from 'node:fs'
import {parse} from 'yaml'
import type {Snapshot} from '../snapshot/schema.js'
import {clusterVersion} from '../rules/helpers.js'
import {InputError} from '../util/errors.js'
import {fromConfigString, helmPathForConfigKey, isMap, setPath} from './paths.js'

export interface CurrentValues {
  source: 'helm-release' | 'cilium-config' | 'values-file' | 'none'
  /** One line for the report: where the values came from. */
  description: string
  /** User-supplied values (what `helm get values` prints). */
  user: Record<string, unknown>
  /** Chart defaults (.chart.values or --chart values.yaml), when known. */
  chartDefaults?: Record<string, unknown>
  /** Running chart / agent version, best known. */
  version?: string
}

/** Nested Helm values from cilium-config keys the mapping knows; the rest cannot be attributed to a value. */
export function valuesFromConfig(snapshot: Snapshot, version: string | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, entry] of Object.entries(snapshot.cluster.config?.data ?? {})) {
    const m = helmPathForConfigKey(key, version)
    if (!m) continue
    setPath(out, m.helm, fromConfigString(entry.value, m.type))
  }
  return out
}

export function readValuesFile(path: string): Record<string, unknown> {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new InputError(`--values ${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`)
  }
  let doc: unknown
  try {
    // `helm get values` output starts with a "USER-SUPPLIED VALUES:" line that is not part of the values.
    doc = parse(text.replace(/^USER-SUPPLIED VALUES:[^\n]*\n/, ''))
  } catch (error) {
    throw new InputError(`--values ${path}: not YAML (${(error as Error).message.split('\n')[0]})`)
  }
  if (doc === null || doc === undefined) return {}
  if (!isMap(doc)) throw new InputError(`--values ${path}: expected a YAML mapping of Helm values`)
  return doc
}

/** A release without .chart.values (or an empty one) says nothing about the defaults. */
function nonEmpty(v: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  return v && Object.keys(v).length > 0 ? v : undefined
}

export function currentValues(snapshot: Snapshot, opts: {valuesFile?: string, chartDefaults?: Record<string, unknown>} = {}): CurrentValues {
  const helm = snapshot.cluster.helm
  const agentVersion = clusterVersion(snapshot)
  if (opts.valuesFile) {
    // A file the user named is the baseline (the file `--merge` writes, or `--values` for the next
    // `helm upgrade -f`): it wins over the release, whose chart defaults and version still count.
    return {
      source: 'values-file',
      description: `values file ${opts.valuesFile}${helm ? ` (Helm release ${helm.source} read for chart defaults only)` : ''}`,
      user: readValuesFile(opts.valuesFile),
      chartDefaults: nonEmpty(helm?.chartDefaults) ?? opts.chartDefaults,
      version: helm?.chartVersion ?? agentVersion,
    }
  }
  if (helm) {
    return {
      source: 'helm-release',
      description: `Helm release ${helm.source}${helm.revision !== undefined ? ` revision ${helm.revision}` : ''}${helm.chartVersion ? ` (chart ${helm.chartVersion})` : ''}`,
      user: helm.values,
      chartDefaults: nonEmpty(helm.chartDefaults) ?? opts.chartDefaults,
      version: helm.chartVersion ?? agentVersion,
    }
  }
  if (snapshot.cluster.config) {
    return {
      source: 'cilium-config',
      description: 'derived from ConfigMap cilium-config (Helm release not readable; only keys with a known Helm value)',
      user: valuesFromConfig(snapshot, agentVersion),
      chartDefaults: opts.chartDefaults,
      version: agentVersion,
    }
  }
  return {source: 'none', description: 'current values unknown (no Helm release, no cilium-config, no --values)', user: {}, chartDefaults: opts.chartDefaults, version: agentVersion}
}
