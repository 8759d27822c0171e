import {Agent as HttpAgent, type Agent, type IncomingMessage} from 'node:http'
import {Agent as HttpsAgent} from 'node:https'
import {Writable} from 'node:stream'
import {InputError} from '../util/errors.js'
import {BytePool, CappedBytes, ERROR_BODY_CAP, EXEC_CAP, EXEC_STDERR_CAP, JSON_CAP, type OutputBytes, PooledBytes} from './caps.js'
import {loadKubeconfig} from './kubeconfig-load.js'
import {kubeLib} from './kube-lib.js'
import {asKubeFailure, httpFailure, KubeFailure} from './kube-errors.js'
import {type Captured, capturedGet, type HttpTarget} from './kube-http.js'

/*
 * The API server as ciltune uses it: credentials resolved by @kubernetes/client-node with kubectl's
 * rules (--kubeconfig, $KUBECONFIG, ~/.kube/config, in-cluster service account, exec/OIDC plugins),
 * plain GETs that keep the raw JSON text (it is the evidence), and exec through client-node's
 * WebSocket client. client-node is imported here, lazily (src/collect/kube-lib.ts).
 */

export interface ExecOutput {
  stdout: string
  /** stdout as received, when the caller may recognize it without decoding it (a service list seen before) */
  stdoutBytes?: Buffer
  stderr: string
  exitCode: number
  /** the container runtime could not start the command (binary absent, container not running) */
  startError?: string
  /** stdout reached EXEC_CAP: the exec was ended and only its head (whole lines) is here */
  truncated?: boolean
  /** Give stdout's buffer back for the next output: only once it was parsed and nothing refers to it. */
  release(): void
}

export interface Kube {
  server: string
  context?: string
  /** JSON (an object or a list page); larger than JSON_CAP is an error */
  get(path: string, timeoutMs: number): Promise<string>
  /** text (a log, metrics) of at most `cap` bytes: the head, marked truncated */
  getText(path: string, timeoutMs: number, cap: number): Promise<Captured>
  /** `stdout`: where stdout goes as it arrives (a RepeatBytes for an output most agents repeat); capped bytes by default */
  exec(namespace: string, pod: string, container: string, argv: string[], timeoutMs: number, stdout?: (cap: number) => OutputBytes): Promise<ExecOutput>
}

interface V1StatusLike {status?: string, reason?: string, message?: string, details?: {causes?: Array<{reason?: string, message?: string}>}}

const outputs = new BytePool()

/**
 * The pooled output buffers are freed once the agents are read: kept, they were 46 MB of RSS at 5000 agents
 * through the rules and the report, which then peak.
 */
export function releaseOutputBuffers(): void {
  outputs.clear()
}

/** A stream's bytes up to `cap`, by default in a pooled buffer; `full` is called once at the cap. */
function collector(cap: number, full: () => void, into: (cap: number) => OutputBytes = (c) => new PooledBytes(c, outputs)): {stream: Writable, body: OutputBytes} {
  const body = into(cap)
  const stream = new Writable({write(chunk: Buffer, _enc, cb) {
    if (!body.truncated && !body.push(chunk)) full()
    cb()
  }})
  return {stream, body}
}

/** The output with stdout decoded only when it is read: 1000 agents' outputs are a gigabyte of text. */
function execOutput(body: OutputBytes, stderr: string, exitCode: number, startError: string | undefined, truncated = false): ExecOutput {
  let text: string | undefined
  let out: Buffer | undefined = body.bytes()
  return {
    get stdout() {
      if (!out) throw new Error('exec output read after it was released')
      return (text ??= out.toString('utf8'))
    },
    get stdoutBytes() {
      return out
    },
    stderr, exitCode, ...(startError ? {startError} : {}), ...(truncated ? {truncated} : {}),
    release() {
      out = undefined
      text = undefined
      body.release?.()
    },
  }
}

/** The status, body and Retry-After of a refused exec upgrade, read (capped) before the handshake is torn down. */
function readRefusal(res: IncomingMessage, then: (f: KubeFailure) => void, what: string): void {
  const body = new CappedBytes(ERROR_BODY_CAP)
  const retryAfter = res.headers['retry-after']
  const finish = () => then(httpFailure(res.statusCode ?? 0, body.text(), what, Array.isArray(retryAfter) ? retryAfter[0] : retryAfter))
  res.on('data', (c: Buffer) => {
    if (!body.push(c)) res.destroy()
  })
  res.on('end', finish)
  res.on('close', finish)
}

function exitFrom(status: V1StatusLike | undefined): {exitCode: number, startError?: string} {
  if (!status || status.status === 'Success') return {exitCode: 0}
  const code = status.details?.causes?.find((c) => c.reason === 'ExitCode')?.message
  if (status.reason === 'NonZeroExitCode' && code !== undefined) return {exitCode: Number(code)}
  return {exitCode: 126, startError: status.message ?? 'command could not be started'}
}

/**
 * One pool of kept-alive connections for every GET of a run (lists, logs, metrics proxy): a 1000-agent
 * collection makes thousands of them. The TLS options client-node put on its agent are kept.
 */
function keepAliveAgent(secure: boolean, given: (Agent & {options?: object}) | undefined): Agent {
  const options = {...given?.options, keepAlive: true}
  return secure ? new HttpsAgent(options) : new HttpAgent(options)
}

/** `deadline`: epoch ms after which no request starts and running ones end (--deadline). */
export async function connectKube(opts: {kubeconfig?: string, context?: string, deadline?: number}): Promise<Kube> {
  const k8s = await kubeLib()
  const kc = new k8s.KubeConfig()
  try {
    if (opts.kubeconfig) kc.loadFromFile(opts.kubeconfig)
    else loadKubeconfig(kc, () => new k8s.KubeConfig())
    if (opts.context) kc.setCurrentContext(opts.context)
  } catch (error) {
    if (error instanceof InputError) throw error
    throw new InputError(`kubeconfig ${opts.kubeconfig ?? process.env.KUBECONFIG ?? '~/.kube/config'}: ${(error as Error).message.split('\n')[0]}`)
  }
  if (opts.context && !kc.getContextObject(opts.context)) throw new InputError(`--context ${opts.context}: no such context in the kubeconfig`)
  const cluster = kc.getCurrentCluster()
  if (!cluster) throw new InputError('no cluster in the kubeconfig: give --kubeconfig/--context, set $KUBECONFIG, or run in a pod with a service account')
  const server = cluster.server.replace(/\/+$/, '')
  const secure = server.startsWith('https://')
  const reqOpts: {agent?: Agent, headers?: Record<string, string>, auth?: string} = {}
  try {
    await kc.applyToHTTPSOptions(reqOpts)
  } catch (error) {
    throw new InputError(`cluster ${server}: ${(error as Error).message.split('\n')[0]}`)
  }
  reqOpts.agent = keepAliveAgent(secure, reqOpts.agent)
  const {WebSocketHandler} = k8s
  const {WebSocket} = await import('ws')
  /** client-node's exec, with a socket factory so a timed-out exec can be torn down even mid-handshake. */
  function execClient(timeoutMs: number, hold: (ws: InstanceType<typeof WebSocket>) => void) {
    const factory = (uri: string, protocols: string[], o: object) => {
      const ws = new WebSocket(uri, protocols, {...o, handshakeTimeout: timeoutMs})
      hold(ws)
      return ws
    }
    return new k8s.Exec(kc, new WebSocketHandler(kc, factory))
  }

  const target: HttpTarget = {server, agent: reqOpts.agent, headers: reqOpts.headers, auth: reqOpts.auth}
  const deadline = opts.deadline

  /** The time one request may take: --timeout, or less when the run's --deadline comes first. */
  function budget(timeoutMs: number, what: string): number {
    if (deadline === undefined) return timeoutMs
    const left = deadline - Date.now()
    if (left <= 0) throw new KubeFailure('timeout', `${what}: not started, the run's --deadline had passed`)
    return Math.min(timeoutMs, left)
  }

  async function get(path: string, timeoutMs: number): Promise<string> {
    return (await capturedGet(target, path, budget(timeoutMs, `GET ${path.split('?')[0]}`), JSON_CAP, 'refuse')).text
  }

  async function getText(path: string, timeoutMs: number, cap: number): Promise<Captured> {
    return capturedGet(target, path, budget(timeoutMs, `GET ${path.split('?')[0]}`), cap, 'head')
  }

  function execIn(namespace: string, pod: string, container: string, argv: string[], timeoutMs: number, stdout?: (cap: number) => OutputBytes): Promise<ExecOutput> {
    const what = `exec ${argv.join(' ')}`
    let status: V1StatusLike | undefined
    let socket: {terminate(): void} | undefined
    let refused: KubeFailure | undefined
    let settled = false
    let limit: number
    try {
      limit = budget(timeoutMs, what)
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)))
    }
    return new Promise<ExecOutput>((resolve, reject) => {
      const end = (error: Error | undefined, value?: ExecOutput) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        socket?.terminate() // also aborts a handshake still in progress, so nothing is left open
        if (value) resolve(value)
        else reject(error ?? new Error(what))
      }
      // a command printing without end is cut at the cap: the head is evidence, the exec is ended
      const out = collector(EXEC_CAP, () => end(undefined, execOutput(out.body, err.body.text(), 0, undefined, true)), stdout)
      const err = collector(EXEC_STDERR_CAP, () => undefined, (c) => new CappedBytes(c))
      const timer = setTimeout(() => end(new KubeFailure('timeout', `${what}: no answer within ${Math.round(limit / 1000)}s`)), limit)
      const exec = execClient(limit, (ws) => {
        socket = ws
        // a refused upgrade (403, 429 with Retry-After): its status and headers, not only "Unexpected server response"
        ws.on('unexpected-response', (_req, res) => readRefusal(res, (f) => {
          refused ??= f
          ws.terminate()
        }, what))
      })
      exec.exec(namespace, pod, container, argv, out.stream, err.stream, null, false, (s) => {
        status = s
      }).then((ws) => {
        if (settled) return void ws.terminate()
        ws.on('close', (code: number) => {
          // closed abnormally before any status: the connection was lost, not the command's doing
          if (status === undefined && code === 1006) return end(new KubeFailure('unreachable', `${what}: connection lost`, true))
          const {exitCode, startError} = exitFrom(status)
          end(undefined, execOutput(out.body, err.body.text(), exitCode, startError))
        })
      }, (error: unknown) => end(refused ?? asKubeFailure(error, what)))
    })
  }

  return {server, context: kc.getCurrentContext() || undefined, get, getText, exec: execIn}
}

