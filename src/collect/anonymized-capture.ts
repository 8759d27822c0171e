import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import type {Collected, EvidenceFile, EvidenceKind} from '../ingest/evidence.js'
import {anonymizerForCollected} from './anonymize-collected.js'
import {collectLive} from './live.js'
import type {LiveOptions} from './types.js'
import {boundHeapGrowth} from '../util/gc.js'
import {CollectionWriter, prepareCollectionDir} from './write-dir.js'

// the cluster objects the pseudonyms are drawn from (anonymizerForCollected), kept as listed
const NAMES_FROM: ReadonlySet<EvidenceKind | undefined> = new Set(['nodes', 'pods', 'configmap', 'helm-release'])

/** The texts the anonymizer looks for names in, one at a time: the cluster objects as listed, then the staged files. */
function* textsOf(listed: EvidenceFile[], dir: string, files: string[]): Generator<string> {
  for (const f of listed) yield f.text
  for (const rel of files) yield readFileSync(join(dir, rel), 'utf8')
}

/**
 * collect --anonymize. Pseudonyms are consistent across every file, so every name must be known before the
 * first file is written: the capture is written as it is read into a staging folder inside the output
 * (owner-only, removed at the end, whatever happens), then each file is written again under its pseudonyms.
 * Memory holds the cluster objects' text, never every agent's outputs.
 */
export async function collectAnonymized(live: LiveOptions, dir: string, redact: boolean): Promise<{c: Collected, written: string[]}> {
  prepareCollectionDir(dir)
  boundHeapGrowth() // outputs are read as doctor reads them: what each leaves behind soon dies
  const staging = mkdtempSync(join(dir, '.staging-'))
  try {
    const listed: EvidenceFile[] = []
    const writer = new CollectionWriter(staging, {redact})
    const c = await collectLive(live, {
      add(f) {
        if (!f.agent && NAMES_FROM.has(f.kind)) listed.push({path: f.path, text: f.text, kind: f.kind})
        writer.add(f)
      },
      agentError: (agent, error) => writer.agentError(agent, error),
      skip: (path, reason) => writer.skip(path, reason),
    })
    const staged = writer.finish(c)
    const anonymizer = anonymizerForCollected({...c, files: listed}, textsOf(listed, staging, staged))
    const written = staged.map((rel) => {
      const out = anonymizer.text(rel)
      mkdirSync(dirname(join(dir, out)), {recursive: true, mode: 0o700})
      writeFileSync(join(dir, out), anonymizer.text(readFileSync(join(staging, rel), 'utf8')), {mode: 0o600})
      return out
    })
    for (const agent of c.agents) mkdirSync(join(dir, anonymizer.text(agent)), {recursive: true, mode: 0o700})
    return {c, written}
  } finally {
    rmSync(staging, {recursive: true, force: true})
  }
}
