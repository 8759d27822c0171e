/*
 * The Cilium version a configuration is for, from the strongest evidence in the snapshot: the agents' own
 * version, the Helm release's chart, cilium-cli's "Helm chart version", or image.tag in the values. Rules that judge
 * configuration against a chart (removed keys, chart defaults) read it here so they name the same source.
 */
import type {Snapshot, SourceRef} from '../../snapshot/schema.js'
import {valueAt} from '../conditions.js'

export interface ConfiguredVersion {
  version: string
  /** Where it was read, in words: "the agents", "the Helm release", "cilium status", "image.tag in the values". */
  from: string
  src?: SourceRef
  /** The Helm path it was read from, when it came from the values. */
  helmPath?: string
}

export function configuredVersion(s: Snapshot, agentsVersion: string | undefined): ConfiguredVersion | undefined {
  if (agentsVersion) return {version: agentsVersion, from: 'the agents'}
  if (s.cluster.helm?.chartVersion) return {version: s.cluster.helm.chartVersion, from: 'the Helm release'}
  const cli = s.cluster.cliStatus?.helmChartVersion
  if (cli?.value) return {version: cli.value, from: 'cilium status', src: cli.src}
  // a pinned agent image is the chart's own release in the usual install (the chart sets image.tag to its version)
  const m = /^v?(\d+\.\d+\.\d+)/.exec(String(valueAt(s.cluster.helm?.values, 'image.tag') ?? ''))
  if (m) return {version: m[1], from: 'image.tag in the values', helmPath: 'image.tag'}
  return undefined
}
