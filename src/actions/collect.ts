import type {LiveOptions} from '../collect/types.js'
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
  const {collectLive} = await import('../collect/live.js')
  const {writeCollection} = await import('../collect/write-dir.js')
  const c = await collectLive(opts.live)
  if (opts.redact === false) io.stderr(`ciltune: warning: --no-redact: ${opts.output} holds keys, certificates and tokens as read; do not share it\n`)
  const anonymize = opts.anonymize ? (await import('../collect/anonymize-collected.js')).anonymizerForCollected(c) : undefined
  const written = writeCollection(opts.output, c, {redact: opts.redact !== false, anonymize})
  const failedAgents = Object.keys(c.agentErrors).filter((a) => c.agentErrors[a].some((e) => e.kind !== 'missing'))
  const gaps = Object.values(c.agentErrors).flat().length + c.clusterErrors.length
  await io.stdout(`wrote ${written.length} files for ${c.agents.length} agents to ${opts.output}` +
    (gaps > 0 ? ` (${failedAgents.length} agents could not be read, ${c.clusterErrors.length} cluster gaps: see collection-errors.json)` : '') + '\n')
  return gaps > 0 ? 1 : 0
}
