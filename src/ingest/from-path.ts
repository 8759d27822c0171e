import {readdirSync, readFileSync, statSync} from 'node:fs'
import {basename, join, relative, sep} from 'node:path'
import {InputError} from '../util/errors.js'
import {AGENT_KINDS, classify} from './classify.js'
import type {Collected, EvidenceFile, EvidenceKind} from './evidence.js'
import {emptyCollected} from './evidence.js'

const MAX_FILE_BYTES = 512 * 1024 * 1024

function walk(dir: string, out: string[]): void {
  for (const entry of readdirSync(dir, {withFileTypes: true})) {
    if (entry.name.startsWith('.')) continue
    const p = join(dir, entry.name)
    if (entry.isDirectory()) walk(p, out)
    else if (entry.isFile()) out.push(p)
  }
}

function readText(path: string): string | undefined {
  const buf = readFileSync(path)
  // Binary content (archives, images) is not evidence we can read as text.
  if (buf.subarray(0, 8192).includes(0)) return undefined
  return buf.toString('utf8')
}

/**
 * A file already classified, whose text is read again when the builder parses it: holding every
 * file's text until all are parsed would keep a whole capture (100 MB for 1000 agents) in memory.
 */
function lazyFile(file: string, path: string, kind: EvidenceKind, agent: string | undefined): EvidenceFile {
  return {
    path,
    get text(): string {
      try {
        return readText(file) ?? ''
      } catch {
        return '' // removed since it was classified: nothing to parse
      }
    },
    kind,
    agent,
  }
}

/**
 * Saved outputs as evidence: a single file, or a directory walked recursively.
 * Files are grouped per agent by the directory that holds them; a file directly inside PATH
 * forms an agent named after the file. Kinds are recognized by content, not by name.
 */
/** Where files go as soon as they are read (the SnapshotBuilder): each file is then read once, parsed and dropped. */
export interface FileSink {
  add(file: EvidenceFile): void
  skip(path: string, reason: string): void
}

export function collectFromPath(path: string, sink?: FileSink): Collected {
  let st
  try {
    st = statSync(path)
  } catch {
    throw new InputError(`--from ${path}: no such file or directory`)
  }
  const c = emptyCollected('files', path)
  const skip = (p: string, reason: string) => (sink ? sink.skip(p, reason) : c.skipped.push({path: p, reason}))
  const files: string[] = []
  if (st.isDirectory()) walk(path, files)
  else files.push(path)
  files.sort()
  const agents = new Set<string>()
  for (const f of files) {
    const shown = st.isDirectory() ? join(basename(path), relative(path, f)) : f
    let text: string | undefined
    try {
      if (statSync(f).size > MAX_FILE_BYTES) {
        skip(shown, 'larger than 512 MiB')
        continue
      }
      text = readText(f)
    } catch (error) {
      skip(shown, `unreadable: ${(error as NodeJS.ErrnoException).code ?? 'error'}`)
      continue
    }
    if (text === undefined) {
      skip(shown, 'binary file')
      continue
    }
    const kind = classify(text)
    if (!kind) {
      skip(shown, 'not recognized as Cilium or Kubernetes output')
      continue
    }
    const rel = st.isDirectory() ? relative(path, f) : basename(f)
    const parts = rel.split(sep)
    const agent = AGENT_KINDS.has(kind)
      ? (parts.length > 1 ? parts[parts.length - 2] : basename(f).replace(/\.[^.]+$/, ''))
      : undefined
    if (sink) sink.add({path: shown, text, kind, agent})
    else c.files.push(lazyFile(f, shown, kind, agent))
    if (agent && !agents.has(agent)) {
      agents.add(agent)
      c.agents.push(agent)
    }
  }
  // An agent directory with no readable evidence still names an agent (e.g. a crashing one with only a log).
  return c
}
