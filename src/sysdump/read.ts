import {createReadStream} from 'node:fs'
import {relative, sep} from 'node:path'
import type {Readable} from 'node:stream'
import {createGunzip} from 'node:zlib'
import {SnapshotBuilder} from '../ingest/build.js'
import {savedFile} from '../ingest/evidence.js'
import {walkDir} from '../ingest/walk-dir.js'
import {AgentLogReader} from '../parse/agent-log.js'
import {STATUS_BYTES_FROM} from '../parse/status-bytes.js'
import {cleanLine} from '../parse/text.js'
import type {Snapshot} from '../snapshot/schema.js'
import {emptyAgent} from '../snapshot/schema.js'
import {errorMessage, InputError} from '../util/errors.js'
import {BudgetExceeded, DEFAULT_LIMITS, size, UnpackBudget, type UnpackLimits} from './budget.js'
import {cmdRole, EXPECTED_AGENT_COMMANDS, type Role, roleOf} from './layout.js'
import {decodedCapture, readCapped, readCappedBytes, streamLines} from './stream.js'

const CMD_CAP = 64 * 1024 * 1024
const CLUSTER_CAP = 256 * 1024 * 1024
const AGENT_POD = /^cilium-[a-z0-9]{5}$/
const BUGTOOL_ERROR = /^> Error while running '([^']+)':\s*(.*)$/m
const BUGTOOL_ERROR_MARK = Buffer.from('> Error while running ')

interface State {
  b: SnapshotBuilder
  budget: UnpackBudget
  limits: UnpackLimits
  bugtoolAgents: Set<string>
  seen: Map<string, Set<string>>
  recognized: number
  ignored: number
  /** why the archive could not be read to its end */
  corrupt?: string
}

function stripSysdumpTop(name: string): string {
  return name.replace(/^\.?\/?cilium-sysdump-[^/]+\//, '')
}

/** The commands each agent's output was found for: what is absent is named as missing. */
function saw(st: State, role: Extract<Role, {role: 'agent-cmd'}>): void {
  ;(st.seen.get(role.agent) ?? st.seen.set(role.agent, new Set()).get(role.agent)!).add(role.kind)
}

/**
 * A large status that bugtool printed whole, handed over as bytes (as `--from` and a live exec hand it over): its
 * healthy node blocks are cut out before decoding. Any other output is decoded here.
 */
export function statusBytes(role: Pick<Extract<Role, {role: 'agent-cmd'}>, 'kind'>, buf: Buffer, truncated: boolean): boolean {
  return role.kind === 'status-text' && !truncated && buf.length >= STATUS_BYTES_FROM && buf[buf.length - 1] === 0x0a && !buf.includes(BUGTOOL_ERROR_MARK)
}

async function handleCmd(st: State, role: Extract<Role, {role: 'agent-cmd'}>, shown: string, stream: Readable): Promise<void> {
  const read = await readCappedBytes(stream, CMD_CAP, 'head')
  st.recognized++
  if (statusBytes(role, read.buf, read.truncated)) {
    saw(st, role)
    st.b.add(savedFile(shown, read.buf, role.kind, role.agent))
    return
  }
  const {text, truncated} = decodedCapture(read)
  const failed = BUGTOOL_ERROR.exec(text)
  if (failed) st.b.agentError(role.agent, {command: role.command, kind: 'failed', message: `${shown}: ${failed[1]} failed: ${failed[2].trim()}`})
  if (truncated) st.b.agentError(role.agent, {command: role.command, kind: 'unparsable', message: `${shown}: larger than ${CMD_CAP >> 20} MiB, read in part`})
  const body = failed ? text.slice(0, failed.index) : text
  if (body.trim() === '') return
  saw(st, role)
  st.b.add({path: shown, text: body, agent: role.agent, kind: role.kind})
}

/** A per-node `cilium-bugtool-<pod>-<ts>.tar.gz` inside the zip: streamed through gunzip and tar, never unpacked to disk. */
async function handleBugtoolArchive(st: State, agent: string, shown: string, stream: Readable): Promise<void> {
  const {extract} = await import('tar-stream')
  st.bugtoolAgents.add(agent)
  const ex = extract()
  const gunzip = createGunzip()
  stream.on('error', (e) => gunzip.destroy(e))
  const inflated = st.budget.meter(gunzip)
  inflated.on('error', (e) => ex.destroy(e))
  stream.pipe(gunzip)
  inflated.pipe(ex)
  try {
    for await (const entry of ex) {
      const inner = entry.header.name.split('/').filter((p) => p !== '' && p !== '.')
      const role = entry.header.type === 'file' ? cmdRole(agent, inner) : undefined
      if (role?.role === 'agent-cmd') await handleCmd(st, role, `${shown}/${inner.slice(inner.lastIndexOf('cmd')).join('/')}`, entry as unknown as Readable)
      else entry.resume()
    }
  } catch (error) {
    if (error instanceof BudgetExceeded) throw error
    st.b.agentError(agent, {command: 'cilium-bugtool', kind: 'unparsable', message: `${shown}: bugtool archive corrupt or truncated (${errorMessage(error)}); read what came before`})
  }
}

async function handle(st: State, role: Role, shown: string, open: () => Promise<Readable>): Promise<void> {
  switch (role.role) {
    case 'bugtool-archive': return handleBugtoolArchive(st, role.agent, shown, await open())
    case 'agent-cmd':
      st.bugtoolAgents.add(role.agent)
      return handleCmd(st, role, shown, await open())
    case 'agent-log': return handleLog(st, role, shown, await open())
    case 'cluster': {
      const {text, truncated} = await readCapped(await open(), CLUSTER_CAP, 'head')
      st.recognized++
      if (truncated) st.b.clusterError({command: shown, kind: 'unparsable', message: `${shown}: larger than ${CLUSTER_CAP >> 20} MiB, not read`})
      else st.b.add({path: shown, text, kind: role.kind})
      return
    }
    case 'sysdump-log': {
      const {text} = await readCapped(await open(), 4 * 1024 * 1024, 'head')
      // The collector's own warnings name what it failed to collect (tasks, nodes).
      const warnings = text.split('\n').filter((l) => l.includes('⚠️') || /\b(failed|error)\b/i.test(l)).slice(0, 50)
      for (const w of warnings) st.b.clusterError({command: 'cilium sysdump', kind: 'failed', message: `${shown}: ${w.trim()}`})
    }
  }
}

/** An agent log, read line by line: a log of any size costs its kept entries, never its text; time stops at the log limit. */
async function handleLog(st: State, role: Extract<Role, {role: 'agent-log'}>, shown: string, stream: Readable): Promise<void> {
  const reader = new AgentLogReader(shown, role.previous)
  let bytes = 0
  for await (const line of streamLines(stream)) {
    bytes += Buffer.byteLength(line) + 1
    if (bytes > st.limits.log) {
      st.b.agentError(role.agent, {command: shown, kind: 'truncated', message: `${shown}: only the first ${size(st.limits.log)} of this log were read (the limit for one log); the rest was not`})
      break
    }
    reader.line(cleanLine(line))
  }
  st.recognized++
  st.b.agent(role.agent)
  st.b.add({path: shown, text: '', agent: role.agent, kind: 'agent-log', previous: role.previous, log: reader.result()})
}

/**
 * An entry's name, decoded here rather than by yauzl: yauzl rejects a name it finds unsafe ("../x", "/x", a
 * backslash) by failing the whole archive, which would hide every later entry. Nothing is written to disk,
 * but such a name is still not a sysdump's: it is skipped and reported, and the reading goes on.
 */
function entryName(yauzl: typeof import('yauzl'), entry: import('yauzl').Entry): {name: string, invalid?: string} {
  const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, false)
  const invalid = yauzl.validateFileName(name)
  return invalid === null ? {name} : {name, invalid}
}

async function readZip(st: State, path: string): Promise<void> {
  const yauzl = await import('yauzl')
  let zip
  try {
    zip = await yauzl.openPromise(path, {lazyEntries: true, autoClose: false, validateEntrySizes: true, decodeStrings: false})
  } catch (error) {
    throw new InputError(`--from ${path}: not a readable zip archive (${errorMessage(error)})`)
  }
  let entries = 0
  try {
    for await (const entry of zip.eachEntry()) {
      entries++
      const {name, invalid} = entryName(yauzl, entry)
      if (name.endsWith('/')) continue
      const shown = stripSysdumpTop(name)
      if (invalid) {
        st.b.skip(shown, `not read: ${invalid} (an archive entry name must be a relative path without "..")`)
        continue
      }
      const role = roleOf(shown)
      if (!role) {
        st.ignored++
        continue
      }
      try {
        await handle(st, role, shown, async () => st.budget.meter(await zip.openReadStreamPromise(entry)))
      } catch (error) {
        if (error instanceof BudgetExceeded) throw error
        st.b.clusterError({command: shown, kind: 'unparsable', message: `${shown}: unreadable in the archive (${errorMessage(error)})`})
      }
    }
  } catch (error) {
    if (error instanceof BudgetExceeded) return overBudget(st, path, error, entries)
    st.corrupt = `archive corrupt after ${entries} entries (${errorMessage(error)})`
    st.b.clusterError({command: path, kind: 'unparsable', message: `${path}: ${st.corrupt}; later entries not evaluated`})
  } finally {
    zip.close()
  }
}

function overBudget(st: State, path: string, error: BudgetExceeded, before: number): void {
  st.corrupt = error.message
  st.b.clusterError({command: path, kind: 'truncated', message: `${path}: ${error.message}; read up to entry ${before}, later entries not evaluated`})
}

async function readDir(st: State, root: string): Promise<void> {
  const {files, skipped} = walkDir(root) // links inside the folder followed, others listed as skipped
  for (const sk of skipped) st.b.skip(stripSysdumpTop(sk.path.split(sep).join('/')), sk.reason)
  files.sort()
  for (const f of files) {
    const shown = stripSysdumpTop(relative(root, f).split(sep).join('/'))
    const role = roleOf(shown)
    if (!role) {
      st.ignored++
      continue
    }
    try {
      await handle(st, role, shown, async () => st.budget.meter(createReadStream(f)))
    } catch (error) {
      if (error instanceof BudgetExceeded) return overBudget(st, root, error, files.indexOf(f))
      st.b.clusterError({command: shown, kind: 'unparsable', message: `${shown}: ${errorMessage(error)}`})
    }
  }
}

/** Say what the sysdump lacked, so missing evidence is "not evaluated", never healthy. */
function recordGaps(st: State, snap: Snapshot): void {
  for (const agent of st.bugtoolAgents) {
    const seen = st.seen.get(agent) ?? new Set()
    const a = snap.agents.find((x) => x.name === agent)
    for (const [kind, command] of EXPECTED_AGENT_COMMANDS) {
      if (!seen.has(kind) && a && !a.errors.some((e) => e.command === command)) {
        a.errors.push({command, kind: 'missing', message: `${command}: not in the bugtool output of ${agent}`})
      }
    }
  }
  const known = new Set(snap.agents.map((a) => a.name))
  for (const pod of snap.cluster.pods ?? []) {
    if (!AGENT_POD.test(pod.name) || st.bugtoolAgents.has(pod.name)) continue
    const a = known.has(pod.name) ? snap.agents.find((x) => x.name === pod.name)! : emptyAgent(pod.name)
    a.pod = pod
    a.node ??= pod.node
    a.errors.push({command: 'cilium-bugtool', kind: 'missing', message: `no bugtool output for ${pod.name} in the sysdump (node skipped by --node-list, or bugtool failed)`})
    if (!known.has(pod.name)) snap.agents.push(a)
  }
  snap.agents.sort((x, y) => x.name.localeCompare(y.name))
}

/** `doctor --from cilium-sysdump-*.zip` (or its unzipped directory): the same snapshot a live run would give. */
export async function snapshotFromSysdump(path: string, isDir: boolean, limits = DEFAULT_LIMITS): Promise<Snapshot> {
  const st: State = {b: new SnapshotBuilder({kind: 'sysdump', path}), budget: new UnpackBudget(limits.archive), limits, bugtoolAgents: new Set(), seen: new Map(), recognized: 0, ignored: 0}
  if (isDir) await readDir(st, path)
  else await readZip(st, path)
  if (st.recognized === 0 && st.bugtoolAgents.size === 0) {
    if (st.corrupt) throw new InputError(`--from ${path}: ${st.corrupt}; no cilium sysdump content before that point`)
    throw new InputError(`--from ${path}: no cilium sysdump content found (expected cilium-bugtool-*/cmd/*.md, cilium-configmap-*.yaml, agent logs)`)
  }
  const snap = st.b.finish()
  recordGaps(st, snap)
  return snap
}
