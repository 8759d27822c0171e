import type {EvidenceFile} from '../ingest/evidence.js'
import type {CollectionError} from '../snapshot/schema.js'
import {AGENT_COMMANDS, AGENT_CONTAINER, type AgentCommand, BINARIES, isAllowed} from './allowlist.js'
import {EXEC_CAP, LOG_CAP, METRICS_CAP, mib, type OutputBytes} from './caps.js'
import {withRetry} from './fanout.js'
import {seg} from './k8s-names.js'
import type {ExecOutput, Kube} from './kube-client.js'
import {asKubeFailure, KubeFailure} from './kube-errors.js'
import {type RecentOutputs, RepeatBytes} from './repeat-bytes.js'

/*
 * Everything ciltune reads from one agent: the allowlisted commands in its cilium-agent container,
 * one at a time (a struggling agent is not asked twice at once), and meanwhile its log from the
 * kubelet. When the exec itself fails (timeout, refusal, 5xx after the retry, lost connection) no
 * further command is tried, but the log is still read: it may say why. A command that merely exits
 * non-zero is recorded and the next one still runs.
 */

export interface AgentVisit {
  files: EvidenceFile[]
  errors: CollectionError[]
  skipped: Array<{path: string, reason: string}>
}

export interface VisitOptions {
  logs: boolean
  previousLog: boolean
  /** why the cilium-agent container cannot run commands (not running), if so: no exec is tried */
  notRunning?: string
  /** the last service lists read from other agents of this run: a repeat is recognized as it arrives, never held twice */
  serviceLists?: RecentOutputs
  /** feature commands cilium-config turns on (encrypt status, bgp peers), run after the four every agent answers */
  extra?: readonly AgentCommand[]
  /**
   * Where each output goes the moment it is read (the snapshot builder), instead of the visit's files:
   * an agent's half-megabyte status is then parsed and dropped while its next commands run, not held
   * until the visit ends by every agent in flight.
   */
  onFile?: (file: EvidenceFile) => void
}

const NOT_FOUND = /executable file not found|no such file or directory: unknown|not found in \$PATH/i
const LOG_TAIL_LINES = 20000
const AGENT_METRICS_PORT = 9962

async function run(kube: Kube, ns: string, pod: string, argv: string[], timeoutMs: number, recent?: RecentOutputs): Promise<ExecOutput> {
  if (!isAllowed(argv)) throw new Error(`refusing to run a command outside the read-only allowlist: ${argv.join(' ')}`)
  const into = recent ? (cap: number): OutputBytes => new RepeatBytes(cap, recent.buffers) : undefined
  const out = await withRetry(() => kube.exec(ns, pod, AGENT_CONTAINER, argv, timeoutMs, into), timeoutMs)
  if (recent && out.stdoutBytes && out.exitCode === 0 && !out.startError && !out.truncated) recent.seen(out.stdoutBytes)
  return out
}

const BLANK = new Set([0x20, 0x09, 0x0a, 0x0d])

function printedNothing(out: ExecOutput): boolean {
  const b = out.stdoutBytes
  if (!b) return out.stdout.trim() === ''
  for (const byte of b) if (!BLANK.has(byte)) return false
  return true
}

/** The evidence file of one command, its text decoded when the builder reads it (after a digest of the bytes, for a service list). */
function outputFile(path: string, out: ExecOutput, agent: string, kind: EvidenceFile['kind']): EvidenceFile {
  return {path, get text() {
    return out.stdout
  }, bytes: out.stdoutBytes, agent, kind}
}

export async function visitAgent(kube: Kube, ns: string, pod: string, timeoutMs: number, opts: VisitOptions): Promise<AgentVisit> {
  const kept: EvidenceFile[] = []
  const put = opts.onFile ?? ((f: EvidenceFile) => void kept.push(f))
  const errors: CollectionError[] = []
  const skipped: AgentVisit['skipped'] = []
  // the log comes from the kubelet, not the agent: read while the commands run, it hides one round trip per agent
  const logErrors: CollectionError[] = []
  const logs = opts.logs ? readLogs(kube, ns, pod, timeoutMs, opts.previousLog, put, logErrors) : undefined
  let binary: string = BINARIES[0]
  if (opts.notRunning) {
    errors.push({command: [binary, ...AGENT_COMMANDS[0].args].join(' '), kind: 'unreachable', message: `container ${AGENT_CONTAINER} is not running (${opts.notRunning}): its commands were not run`})
  }
  for (const cmd of opts.notRunning ? [] : [...AGENT_COMMANDS, ...opts.extra ?? []]) {
    let argv = [binary, ...cmd.args]
    const recent = cmd.kind === 'service-list' ? opts.serviceLists : undefined
    try {
      let out = await run(kube, ns, pod, argv, timeoutMs, recent)
      if (out.startError && NOT_FOUND.test(out.startError) && binary === BINARIES[0]) {
        binary = BINARIES[1] // agents before 1.15 only have `cilium`
        argv = [binary, ...cmd.args]
        out = await run(kube, ns, pod, argv, timeoutMs, recent)
      }
      if (out.exitCode !== 0 || out.startError) {
        const why = (out.startError ?? out.stderr.trim().split('\n').pop() ?? '') || `exit code ${out.exitCode}`
        errors.push({command: argv.join(' '), kind: 'failed', message: `exit code ${out.exitCode}: ${why}`.slice(0, 400)})
        continue
      }
      const path = `pod/${pod}: ${argv.join(' ')}`
      if (out.truncated) errors.push({command: argv.join(' '), kind: 'truncated', message: `output cut at ${mib(EXEC_CAP)} (the cap for one command's output); the rest was not read`})
      if (printedNothing(out)) skipped.push({path, reason: 'the command printed nothing'})
      else put(outputFile(path, out, pod, cmd.kind))
      // the builder has parsed it by now (a service list's bytes stay with the recent outputs it is compared with)
      if (opts.onFile) out.release()
    } catch (error) {
      const f = asKubeFailure(error, argv.join(' '))
      errors.push({command: argv.join(' '), kind: f.kind === 'missing' ? 'unreachable' : f.kind, message: f.message})
      // RBAC without pods/exec may still allow the API server's pod proxy to the agent's metrics port
      if (f.kind === 'forbidden') await readMetricsProxy(kube, ns, pod, timeoutMs, put, errors)
      // an agent that cannot run commands may have written why in its log; a failed log read adds nothing to this error
      await logs
      return {files: kept, errors, skipped} // the exec itself failed (not the command): the next would fare no better
    }
  }
  await logs
  return {files: kept, errors: [...errors, ...logErrors], skipped}
}

async function readLogs(kube: Kube, ns: string, pod: string, timeoutMs: number, previous: boolean, put: (f: EvidenceFile) => void, errors: CollectionError[]): Promise<void> {
  await readLog(kube, ns, pod, timeoutMs, false, put, errors)
  if (previous) await readLog(kube, ns, pod, timeoutMs, true, put, errors)
}

/** The agent's :9962/metrics through the API server's pod proxy; silent when that is refused too. */
async function readMetricsProxy(kube: Kube, ns: string, pod: string, timeoutMs: number, put: (f: EvidenceFile) => void, errors: CollectionError[]): Promise<void> {
  try {
    const {text, truncated} = await kube.getText(`/api/v1/namespaces/${seg(ns)}/pods/${seg(pod)}:${AGENT_METRICS_PORT}/proxy/metrics`, timeoutMs, METRICS_CAP)
    const path = `pod/${pod}: proxy :${AGENT_METRICS_PORT}/metrics`
    if (truncated) errors.push({command: `proxy :${AGENT_METRICS_PORT}/metrics`, kind: 'truncated', message: `${path}: cut at ${mib(METRICS_CAP)} (the cap for one response); the rest was not read`})
    if (text.trim() !== '') put({path, text, agent: pod, kind: 'metrics'})
  } catch {
    // the exec error already names this agent; a refused proxy adds nothing
  }
}

async function readLog(kube: Kube, ns: string, pod: string, timeoutMs: number, previous: boolean, put: (f: EvidenceFile) => void, errors: CollectionError[]): Promise<void> {
  const q = new URLSearchParams({container: AGENT_CONTAINER, tailLines: String(LOG_TAIL_LINES), limitBytes: String(LOG_CAP)})
  if (previous) q.set('previous', 'true')
  const command = `logs ${AGENT_CONTAINER}${previous ? ' --previous' : ''}`
  try {
    const {text, truncated} = await withRetry(() => kube.getText(`/api/v1/namespaces/${seg(ns)}/pods/${seg(pod)}/log?${q.toString()}`, timeoutMs, LOG_CAP), timeoutMs)
    // the server was asked for limitBytes of the cap; one that sends more is cut here
    if (truncated) errors.push({command, kind: 'truncated', message: `pod/${pod}: ${command}: cut at ${mib(LOG_CAP)} (the cap for one response); the rest was not read`})
    if (text.trim() !== '') put({path: `pod/${pod}: ${command}`, text, agent: pod, kind: 'agent-log', previous})
  } catch (error) {
    const f = error instanceof KubeFailure ? error : asKubeFailure(error, command)
    // no previous container is the normal case, not a gap in evidence
    if (previous && (f.httpStatus === 400 || f.httpStatus === 404)) return
    errors.push({command, kind: 'missing', message: f.message}) // a log is supporting evidence: its absence is a gap, not an unreachable agent
  }
}
