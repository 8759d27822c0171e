import {execFileSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import type {AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

/*
 * Tiny 127.0.0.1 servers that misbehave the ways a real Prometheus URL can at 3 a.m.:
 * a proxy answering 401, an HTML page, a truncated answer, a server that never answers.
 */

export interface Fake {
  url: string
  requests: Array<{path: string, headers: http.IncomingHttpHeaders}>
  close(): Promise<void>
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void

async function listen(server: http.Server | https.Server, scheme: string, requests: Fake['requests']): Promise<Fake> {
  server.on('request', (req: http.IncomingMessage) => requests.push({path: req.url ?? '', headers: req.headers}))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as AddressInfo
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
}

export async function fakeServer(handler: Handler): Promise<Fake> {
  const requests: Fake['requests'] = []
  return listen(http.createServer(handler), 'http', requests)
}

/** A valid, empty-but-present Prometheus answer: the probe sees one family, queries see one series. */
export function okAnswer(req: http.IncomingMessage, res: http.ServerResponse, names = ['up', 'cilium_bpf_map_pressure']): void {
  res.writeHead(200, {'content-type': 'application/json'})
  if (isProbe(req)) {
    res.end(JSON.stringify({status: 'success', data: names}))
    return
  }
  const result = [{metric: {pod: 'cilium-fake1', map_name: 'ct4_global'}, value: [Date.now() / 1000, '0.5']}]
  res.end(JSON.stringify({status: 'success', data: {resultType: 'vector', result}}))
}

/** The first request of a collection: the metric-name list. */
export function isProbe(req: http.IncomingMessage): boolean {
  return (req.url ?? '').includes('/api/v1/label/__name__/values')
}

export interface Tls {
  dir: string
  caFile: string
  cert: Buffer
  key: Buffer
  cleanup(): void
}

/** A self-signed certificate for 127.0.0.1, made with the openssl CLI; undefined when openssl is missing. */
export function selfSigned(): Tls | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'ciltune-tls-'))
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], {stdio: 'ignore'})
  } catch {
    rmSync(dir, {recursive: true, force: true})
    return undefined
  }
  return {
    dir,
    caFile: join(dir, 'cert.pem'),
    cert: readFileSync(join(dir, 'cert.pem')),
    key: readFileSync(join(dir, 'key.pem')),
    cleanup: () => rmSync(dir, {recursive: true, force: true}),
  }
}

export async function fakeTlsServer(tls: Tls, handler: Handler): Promise<Fake> {
  const requests: Fake['requests'] = []
  return listen(https.createServer({cert: tls.cert, key: tls.key}, handler), 'https', requests)
}
