import {closeSync, fstatSync, openSync, readFileSync, readSync, statSync} from 'node:fs'
import {basename, join, relative, sep} from 'node:path'
import {AgentLogReader} from '../parse/agent-log.js'
import {STATUS_BYTES_FROM} from '../parse/status-bytes.js'
import {cleanLine} from '../parse/text.js'
import type {AgentLog} from '../snapshot/schema.js'
import {InputError} from '../util/errors.js'
import {fileHead, fileLines} from './file-lines.js'
import {walkDir} from './walk-dir.js'
import {AGENT_KINDS, classify, confirmedByHead} from './classify.js'
import {kindSuggestedBy} from './name-hints.js'
import type {Collected, EvidenceFile, EvidenceKind} from './evidence.js'
import {emptyCollected, notRecognized, savedFile} from './evidence.js'

const MAX_FILE_BYTES = 512 * 1024 * 1024
// above this, a file is recognized from its head, and an agent log is read line by line, never whole
const STREAM_BYTES = 16 * 1024 * 1024
const HEAD_BYTES = 64 * 1024

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
  if (kind === 'agent-log' && fileSize(file) > STREAM_BYTES) return streamedLog(file, path, agent)
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

function fileSize(file: string): number {
  try {
    return statSync(file).size
  } catch {
    return 0
  }
}

/** A large agent log, parsed line by line when the builder asks for it: memory holds its entries, not its text. */
function streamedLog(file: string, path: string, agent: string | undefined): EvidenceFile {
  return {
    path, text: '', kind: 'agent-log', agent,
    get log(): AgentLog {
      const reader = new AgentLogReader(path, /previous/.test(path))
      try {
        for (const line of fileLines(file)) reader.line(cleanLine(line))
      } catch {
        // removed or unreadable since it was classified: what was read stands
      }
      return reader.result()
    },
  }
}

/**
 * What a file holds, read once: its kind and its text, or for a large file the kind from its head (a large agent
 * log is never read whole: the builder streams it later).
 */
function recognize(file: string, into: ReadBuffer): Recognized {
  const expected = kindSuggestedBy(basename(file))
  const fd = openSync(file, 'r')
  try {
    // most files fit the buffer: read without asking their size first (a system call fewer per file)
    const whole = into.whole(fd)
    if (whole) return decoded(whole, expected)
    const size = fstatSync(fd).size
    if (size > STREAM_BYTES) {
      const head = fileHead(file, HEAD_BYTES)
      if (head.includes(0)) return {kind: 'binary'}
      // a cut multi-byte character or line at the end of the head is not part of the evidence
      const kind = classify(head.toString('utf8', 0, head.lastIndexOf(10) + 1), expected)
      if (kind === 'agent-log') return {kind}
      if (size > MAX_FILE_BYTES) return {kind: 'too-large'}
    }
    return decoded(readFileSync(fd), expected)
  } finally {
    closeSync(fd)
  }
}

/**
 * Kinds the builder reads from bytes, as live collection hands them over: a status's healthy node blocks are
 * cut out before decoding (a 1000-node status is half a megabyte, most of it those blocks), and a service list
 * equal to another agent's is recognized by its bytes and never decoded.
 */
const READ_AS_BYTES: ReadonlyMap<EvidenceKind, number> = new Map<EvidenceKind, number>([
  ['status-text', STATUS_BYTES_FROM],
  ['service-list', 0],
])

function asBytes(bytes: Buffer, expected: EvidenceKind | undefined): expected is EvidenceKind {
  const from = expected && READ_AS_BYTES.get(expected)
  return from !== undefined && bytes.length >= from && bytes[bytes.length - 1] === 0x0a && confirmedByHead(bytes, expected!)
}

type Recognized = {kind: EvidenceKind | 'binary' | 'too-large' | undefined, text?: string, bytes?: Buffer}

/** Binary content (archives, images) is not evidence we can read as text. */
function decoded(bytes: Buffer, expected: EvidenceKind | undefined): Recognized {
  if (bytes.subarray(0, 8192).includes(0)) return {kind: 'binary'}
  // a file that ends mid-line may have been cut: its text is read whole, where the cut is found and marked
  if (asBytes(bytes, expected)) return {kind: expected, bytes}
  const text = bytes.toString('utf8')
  return {kind: classify(text, expected), text}
}

/**
 * One buffer that the files of a directory are read into, then decoded: readFileSync allocates a buffer per
 * file, which for a 1000-agent capture (5000 files) cost more than decoding them. A file larger than the
 * buffer is read again whole into a buffer of its own, dropped after it, so one large file does not keep its size held.
 */
class ReadBuffer {
  private readonly buf = Buffer.allocUnsafe(1024 * 1024)

  /** The whole file when it is smaller than the buffer; undefined otherwise (nothing is consumed from `fd`). */
  whole(fd: number): Buffer | undefined {
    let n = 0
    // positioned reads: the descriptor's offset stays at 0 for reading a larger file whole
    for (let got = -1; got !== 0 && n < this.buf.length; n += got) got = readSync(fd, this.buf, n, this.buf.length - n, n)
    return n < this.buf.length ? this.buf.subarray(0, n) : undefined
  }
}

/**
 * An operator log reads like an agent log; `ciltune collect` writes each operator pod's as cilium-operator-*.log
 * beside the agent folders, the one place a name decides (an agent log there would form an agent of that name).
 */
function isOperatorLog(kind: EvidenceKind, parts: string[]): boolean {
  return kind === 'agent-log' && parts.length === 1 && /^cilium-operator[\w.-]*\.log$/.test(parts[0])
}

/** Where files go as soon as they are read (the SnapshotBuilder): each file is then read once, parsed and dropped. */
export interface FileSink {
  add(file: EvidenceFile): void
  skip(path: string, reason: string): void
}

/**
 * Saved outputs as evidence: a single file, or a directory walked recursively.
 * Files are grouped per agent by the directory that holds them; a file directly inside PATH
 * forms an agent named after the file. Kinds are recognized by content, not by name.
 */
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
  if (st.isDirectory()) {
    const w = walkDir(path)
    files.push(...w.files)
    for (const sk of w.skipped) skip(join(basename(path), sk.path), sk.reason)
  } else {
    files.push(path)
  }
  files.sort()
  const agents = new Set<string>()
  const buffer = new ReadBuffer()
  for (const f of files) {
    const shown = st.isDirectory() ? join(basename(path), relative(path, f)) : f
    let read: ReturnType<typeof recognize>
    try {
      read = recognize(f, buffer)
    } catch (error) {
      skip(shown, `unreadable: ${(error as NodeJS.ErrnoException).code ?? 'error'}`)
      continue
    }
    const {kind, text, bytes} = read
    if (kind === 'too-large') {
      skip(shown, 'larger than 512 MiB (only agent logs are read at any size)')
      continue
    }
    if (kind === 'binary') {
      skip(shown, 'binary file')
      continue
    }
    if (!kind) {
      skip(shown, notRecognized(text))
      continue
    }
    const rel = st.isDirectory() ? relative(path, f) : basename(f)
    const parts = rel.split(sep)
    if (isOperatorLog(kind, parts)) {
      if (!sink) c.files.push(lazyFile(f, shown, 'operator-log', undefined))
      else sink.add(text === undefined ? lazyFile(f, shown, 'operator-log', undefined) : {path: shown, text, kind: 'operator-log'})
      continue
    }
    const agent = AGENT_KINDS.has(kind)
      ? (parts.length > 1 ? parts[parts.length - 2] : basename(f).replace(/\.[^.]+$/, ''))
      : undefined
    if (!sink) c.files.push(lazyFile(f, shown, kind, agent))
    else if (bytes) sink.add(savedFile(shown, bytes, kind, agent))
    else sink.add(text === undefined ? streamedLog(f, shown, agent) : {path: shown, text, kind, agent})
    if (agent && !agents.has(agent)) {
      agents.add(agent)
      c.agents.push(agent)
    }
  }
  // An agent directory with no readable evidence still names an agent (e.g. a crashing one with only a log).
  return c
}
