import type {LiveOptions} from '../collect/types.js'
import type {Collected} from '../ingest/evidence.js'
import {boundHeapGrowth} from '../util/gc.js'
import type {Io} from './doctor-options.js'

export interface CollectOptions {
  live: LiveOptions
  output: string
  /** false only with `--no-redact`: keys and tokens are written as read (a warning says so) */
  redact?: boolean
  /** names and addresses in every file, and the agent directory names, become consistent pseudonyms */
  anonymize?: boolean
}

/**
 * collect: read the cluster as doctor would and write the evidence as a `--from` directory.
 * Exit 0 when every agent and cluster object was read, 1 when the capture is incomplete.
 */
export async function collectAction(opts: CollectOptions, io: Io): Promise<number> {
  const redact = opts.redact !== false
  if (!redact) io.stderr(`ciltune: warning: --no-redact: ${opts.output} holds keys, certificates and tokens as read; do not share it\n`)
  const {c, written} = opts.anonymize
    ? await (await import('../collect/anonymized-capture.js')).collectAnonymized(opts.live, opts.output, redact)
    : await collectToDir(opts.live, opts.output, redact)
  const failedAgents = Object.keys(c.agentErrors).filter((a) => c.agentErrors[a].some((e) => e.kind !== 'missing'))
  const gaps = Object.values(c.agentErrors).flat().length + c.clusterErrors.length
  await io.stdout(`wrote ${written.length} files for ${c.agents.length} agents to ${opts.output}` +
    (gaps > 0 ? ` (${failedAgents.length} agents could not be read, ${c.clusterErrors.length} cluster gaps: see collection-errors.json)` : '') + '\n')
  return gaps > 0 ? 1 : 0
}

/** Each output written the moment its command ends (the writer is the collection's sink). */
async function collectToDir(live: LiveOptions, dir: string, redact: boolean): Promise<{c: Collected, written: string[]}> {
  const {collectLive} = await import('../collect/live.js')
  const {CollectionWriter, prepareCollectionDir} = await import('../collect/write-dir.js')
  prepareCollectionDir(dir) // before the cluster is read: a wrong directory fails at once
  boundHeapGrowth() // outputs are read as doctor reads them: what each leaves behind soon dies
  const writer = new CollectionWriter(dir, {redact})
  const c = await collectLive(live, writer)
  return {c, written: writer.finish(c)}
}
