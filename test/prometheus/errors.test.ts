import {expect} from 'chai'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {collectPrometheus} from '../../src/collect/prometheus.js'
import type {PrometheusOptions} from '../../src/collect/types.js'
import {freePort} from '../helpers/prometheus-server.js'
import type {Fake, Tls} from './_fake-servers.js'
import {fakeServer, fakeTlsServer, isProbe, okAnswer, selfSigned} from './_fake-servers.js'

const opts = (url: string, extra: Partial<PrometheusOptions> = {}): PrometheusOptions => ({url, timeoutMs: 2000, rangeSeconds: 3600, ...extra})

function oneLine(messages: string[]): void {
  for (const m of messages) expect(m, m).to.not.include('\n')
}

describe('collectPrometheus failures (one line, never a throw)', () => {
  const fakes: Fake[] = []
  let dir: string
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ciltune-prom-err-'))
  })
  after(async () => {
    await Promise.all(fakes.map((f) => f.close()))
    rmSync(dir, {recursive: true, force: true})
  })
  async function fake(handler: Parameters<typeof fakeServer>[0]): Promise<Fake> {
    const f = await fakeServer(handler)
    fakes.push(f)
    return f
  }

  it('a closed port: one "unreachable" error naming Prometheus, no samples', async () => {
    const url = `http://127.0.0.1:${await freePort()}`
    const r = await collectPrometheus(opts(url))
    expect(r.samples).to.deep.equal([])
    expect(r.errors).to.have.length(1)
    expect(r.errors[0].kind).to.equal('unreachable')
    expect(r.errors[0].message).to.equal(`Prometheus ${url} is unreachable (ECONNREFUSED)`)
  })

  it('401 from an auth proxy: "forbidden" with the HTTP status and the flags to fix it, and no further queries', async () => {
    const f = await fake((_req, res) => {
      res.writeHead(401, {'content-type': 'text/plain', 'www-authenticate': 'Bearer'})
      res.end('Unauthorized\n')
    })
    const r = await collectPrometheus(opts(f.url))
    expect(r.errors).to.have.length(1)
    expect(r.errors[0].kind).to.equal('forbidden')
    expect(r.errors[0].message).to.match(new RegExp(`^Prometheus ${f.url} refused request \`/api/v1/label/__name__/values\` \\(HTTP 401 Unauthorized\\): check --prometheus-bearer-token-file`))
    expect(f.requests).to.have.length(1)
    oneLine(r.errors.map((e) => e.message))
  })

  it('an HTML page instead of the API (Grafana URL given by mistake): "unparsable", quoting the answer', async () => {
    const f = await fake((_req, res) => {
      res.writeHead(200, {'content-type': 'text/html'})
      res.end('<!doctype html>\n<html><head><title>Grafana</title></head></html>')
    })
    const r = await collectPrometheus(opts(f.url))
    expect(r.errors).to.have.length(1)
    expect(r.errors[0].kind).to.equal('unparsable')
    expect(r.errors[0].message).to.include('answer is not Prometheus API JSON (<!doctype html> <html><head><title>Grafana')
    oneLine(r.errors.map((e) => e.message))
  })

  it('truncated JSON and a wrong result shape are "unparsable" too', async () => {
    for (const body of ['{"status":"success","data":{"resultType":"vector","result":[{"metric":{', '{"status":"success","data":{"resultType":"vector","result":"oops"}}']) {
      const f = await fake((_req, res) => {
        res.writeHead(200, {'content-type': 'application/json'})
        res.end(body)
      })
      const r = await collectPrometheus(opts(f.url))
      expect(r.errors.map((e) => e.kind), body).to.deep.equal(['unparsable'])
      expect(r.samples).to.deep.equal([])
    }
  })

  it('a server that never answers: "timeout" after the configured time, naming the query', async () => {
    const f = await fake(() => {
      // hold the request open
    })
    const r = await collectPrometheus(opts(f.url, {timeoutMs: 300}))
    expect(r.errors).to.have.length(1)
    expect(r.errors[0].kind).to.equal('timeout')
    expect(r.errors[0].message).to.match(new RegExp(`^Prometheus ${f.url} did not answer request \`/api/v1/label/__name__/values\` within 0\\.3 s$`))
  })

  it('a query Prometheus rejects or times out on costs only that family; the other samples are kept', async () => {
    const f = await fake((req, res) => {
      const q = new URL(req.url ?? '/', 'http://x').searchParams.get('query') ?? ''
      if (isProbe(req)) {
        okAnswer(req, res, ['cilium_bpf_map_pressure', 'cilium_drop_count_total', 'cilium_controllers_failing', 'go_goroutines'])
      } else if (q.includes('cilium_drop_count_total')) {
        res.writeHead(422, {'content-type': 'application/json'})
        res.end(JSON.stringify({status: 'error', errorType: 'execution', error: 'query processing would load too many samples into memory in query execution'}))
      } else if (q.includes('cilium_controllers_failing')) {
        res.writeHead(503, {'content-type': 'application/json'})
        res.end(JSON.stringify({status: 'error', errorType: 'timeout', error: 'query timed out in expression evaluation'}))
      } else {
        okAnswer(req, res)
      }
    })
    const r = await collectPrometheus(opts(f.url))
    expect(r.samples.map((s) => s.name)).to.deep.equal(['cilium_bpf_map_pressure'])
    const byCommand = Object.fromEntries(r.errors.map((e) => [e.command, e]))
    expect(Object.keys(byCommand).sort()).to.deep.equal(['prometheus query cilium_controllers_failing', 'prometheus query cilium_drop_count_total'])
    expect(byCommand['prometheus query cilium_drop_count_total'].kind).to.equal('failed')
    expect(byCommand['prometheus query cilium_drop_count_total'].message).to.include('(HTTP 422 Unprocessable Entity): query processing would load too many samples')
    expect(byCommand['prometheus query cilium_controllers_failing'].kind).to.equal('timeout')
    // families the probe did not list are reported absent, the failed ones are not
    expect(r.absent).to.include('cilium_unreachable_nodes')
    expect(r.absent).to.not.include('cilium_drop_count_total')
    oneLine(r.errors.map((e) => e.message))
  })

  it('a server that fails every query after the probe is reported once, not once per family', async () => {
    const f = await fake((req, res) => {
      if (isProbe(req)) return okAnswer(req, res, ['cilium_bpf_map_pressure', 'cilium_drop_count_total', 'cilium_controllers_failing', 'cilium_version', 'cilium_hive_status'])
      res.writeHead(403, {'content-type': 'text/plain'})
      res.end('token expired')
    })
    const r = await collectPrometheus(opts(f.url))
    expect(r.errors.map((e) => e.kind)).to.deep.equal(['forbidden'])
    expect(r.errors[0].command).to.match(/^prometheus query cilium_/)
    expect(r.errors[0].message).to.include('(HTTP 403 Forbidden)')
  })

  it('a URL that is not http(s), an unreadable or empty token file: one "failed" line, no request', async () => {
    const r1 = await collectPrometheus(opts('prometheus.monitoring:9090'))
    expect(r1.errors.map((e) => e.message)).to.deep.equal(['--prometheus-url "prometheus.monitoring:9090" is not an http:// or https:// URL'])
    const f = await fake(okAnswer)
    const missing = join(dir, 'no-such-token')
    const r2 = await collectPrometheus(opts(f.url, {bearerTokenFile: missing}))
    expect(r2.errors.map((e) => e.message)).to.deep.equal([`cannot read --prometheus-bearer-token-file ${missing}: ENOENT`])
    const empty = join(dir, 'empty-token')
    writeFileSync(empty, '\n')
    const r3 = await collectPrometheus(opts(f.url, {bearerTokenFile: empty}))
    expect(r3.errors.map((e) => e.message)).to.deep.equal([`--prometheus-bearer-token-file ${empty} is empty`])
    expect(f.requests).to.have.length(0)
  })

  it('sends the bearer token from the file, and basic auth', async () => {
    const f = await fake((req, res) => {
      const auth = req.headers.authorization
      if (auth !== 'Bearer s3cret-token' && auth !== `Basic ${Buffer.from('ops:pa55').toString('base64')}`) {
        res.writeHead(401).end('no')
        return
      }
      okAnswer(req, res)
    })
    const token = join(dir, 'token')
    writeFileSync(token, 's3cret-token\n')
    const r1 = await collectPrometheus(opts(f.url, {bearerTokenFile: token}))
    expect(r1.errors).to.deep.equal([])
    expect(r1.samples.length).to.be.greaterThan(0)
    const r2 = await collectPrometheus(opts(f.url, {username: 'ops', password: 'pa55'}))
    expect(r2.errors).to.deep.equal([])
    const r3 = await collectPrometheus(opts(f.url, {username: 'ops', password: 'wrong'}))
    expect(r3.errors.map((e) => e.kind)).to.deep.equal(['forbidden'])
  })

  describe('TLS', () => {
    let tls: Tls | undefined
    let f: Fake
    before(async function () {
      tls = selfSigned()
      if (!tls) this.skip() // no openssl CLI to make a certificate
      f = await fakeTlsServer(tls, okAnswer)
      fakes.push(f)
    })
    after(() => tls?.cleanup())

    it('an unknown CA fails with a TLS line that names the flags', async () => {
      const r = await collectPrometheus(opts(f.url))
      expect(r.errors).to.have.length(1)
      expect(r.errors[0].message).to.match(/TLS error \(DEPTH_ZERO_SELF_SIGNED_CERT: .*\); pass --prometheus-ca-file or --insecure-skip-tls-verify$/)
    })

    it('--prometheus-ca-file and --insecure-skip-tls-verify both connect', async () => {
      const withCa = await collectPrometheus(opts(f.url, {caFile: tls!.caFile}))
      expect(withCa.errors).to.deep.equal([])
      expect(withCa.samples.map((s) => s.value)).to.include(0.5)
      const insecure = await collectPrometheus(opts(f.url, {insecureSkipTlsVerify: true}))
      expect(insecure.errors).to.deep.equal([])
      expect(insecure.samples.length).to.equal(withCa.samples.length)
    })
  })
})
