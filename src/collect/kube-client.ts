import {Agent as HttpAgent, request as httpRequest, type Agent} from 'node:http'
import {Agent as HttpsAgent, request as httpsRequest} from 'node:https'
import {Writable} from 'node:stream'
import {InputError} from '../util/errors.js'
import {loadKubeconfig} from './kubeconfig-load.js'
import {asKubeFailure, httpFailure, KubeFailure} from './kube-errors.js'

/*
 * The API server as ciltune uses it: credentials resolved by @kubernetes/client-node with kubectl's
 * rules (--kubeconfig, $KUBECONFIG, ~/.kube/config, in-cluster service account, exec/OIDC plugins),
 * plain GETs that keep the raw JSON text (it is the evidence), and exec through client-node's
 * WebSocket client. client-node is imported here, lazily: it costs half a second at start-up.
 */

export interface ExecOutput {
  stdout: string
  /** stdout as received, when the caller may recognize it without decoding it (a service list seen before) */
  stdoutBytes?: Buffer
  stderr: string
  exitCode: number
  /** the container runtime could not start the command (binary absent, container not running) */
  startError?: string
}

export interface Kube {
  server: string
  context?: string
  get(path: string, timeoutMs: number): Promise<string>
  exec(namespace: string, pod: string, container: string, argv: string[], timeoutMs: number): Promise<ExecOutput>
}

interface V1StatusLike {status?: string, reason?: string, message?: string, details?: {causes?: Array<{reason?: string, message?: string}>}}

/** A stream's bytes; each chunk is a frame's own buffer, kept as it is rather than copied. */
function collector(): {stream: Writable, bytes: () => Buffer, text: () => string} {
  const chunks: Buffer[] = []
  const stream = new Writable({write(chunk: Buffer, _enc, cb) {
    chunks.push(chunk)
    cb()
  }})
  const bytes = () => (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks))
  return {stream, bytes, text: () => bytes().toString('utf8')}
}

/** The output with stdout decoded only when it is read: 1000 agents' outputs are a gigabyte of text. */
function execOutput(out: Buffer, stderr: string, exitCode: number, startError: string | undefined): ExecOutput {
  let text: string | undefined
  return {
    get stdout() {
      return (text ??= out.toString('utf8'))
    },
    stdoutBytes: out, stderr, exitCode, ...(startError ? {startError} : {}),
  }
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

export async function connectKube(opts: {kubeconfig?: string, context?: string}): Promise<Kube> {
  const k8s = await import('@kubernetes/client-node')
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
  const [{WebSocketHandler}, {WebSocket}] = await Promise.all([
    import('@kubernetes/client-node/dist/web-socket-handler.js'), import('ws'),
  ])
  /** client-node's exec, with a socket factory so a timed-out exec can be torn down even mid-handshake. */
  function execClient(timeoutMs: number, hold: (ws: InstanceType<typeof WebSocket>) => void) {
    const factory = (uri: string, protocols: string[], o: object) => {
      const ws = new WebSocket(uri, protocols, {...o, handshakeTimeout: timeoutMs})
      hold(ws)
      return ws
    }
    return new k8s.Exec(kc, new WebSocketHandler(kc, factory))
  }

  function get(path: string, timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const url = new URL(server + path)
      const req = (secure ? httpsRequest : httpRequest)(url, {
        method: 'GET', agent: reqOpts.agent, auth: reqOpts.auth,
        headers: {...reqOpts.headers, 'Accept': 'application/json, */*', 'User-Agent': 'ciltune'},
      }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('error', (e) => reject(asKubeFailure(e, `GET ${path}`)))
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8')
          const status = res.statusCode ?? 0
          if (status >= 200 && status < 300) resolve(body)
          else reject(httpFailure(status, body, `GET ${url.pathname}`))
        })
      })
      req.setTimeout(timeoutMs, () => req.destroy(new KubeFailure('timeout', `GET ${url.pathname}: no answer within ${Math.round(timeoutMs / 1000)}s`)))
      req.on('error', (e) => reject(asKubeFailure(e, `GET ${url.pathname}`)))
      req.end()
    })
  }

  function execIn(namespace: string, pod: string, container: string, argv: string[], timeoutMs: number): Promise<ExecOutput> {
    const what = `exec ${argv.join(' ')}`
    const out = collector()
    const err = collector()
    let status: V1StatusLike | undefined
    let socket: {terminate(): void} | undefined
    let timedOut = false
    const exec = execClient(timeoutMs, (ws) => (socket = ws))
    return new Promise<ExecOutput>((resolve, reject) => {
      const timer = setTimeout(() => {
        timedOut = true
        socket?.terminate() // also aborts a handshake still in progress, so nothing is left open
        reject(new KubeFailure('timeout', `${what}: no answer within ${Math.round(timeoutMs / 1000)}s`))
      }, timeoutMs)
      exec.exec(namespace, pod, container, argv, out.stream, err.stream, null, false, (s) => {
        status = s
      }).then((ws) => {
        if (timedOut) return void ws.terminate()
        ws.on('close', (code: number) => {
          clearTimeout(timer)
          if (timedOut) return
          // closed abnormally before any status: the connection was lost, not the command's doing
          if (status === undefined && code === 1006) return reject(new KubeFailure('unreachable', `${what}: connection lost`, true))
          const {exitCode, startError} = exitFrom(status)
          resolve(execOutput(out.bytes(), err.text(), exitCode, startError))
        })
      }, (error: unknown) => {
        clearTimeout(timer)
        if (!timedOut) reject(asKubeFailure(error, what))
      })
    })
  }

  return {server, context: kc.getCurrentContext() || undefined, get, exec: execIn}
}

