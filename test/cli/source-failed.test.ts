import {expect} from 'chai'
import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {join} from 'node:path'
import {cli} from '../helpers/cli.js'
import {PROJECT_DIR} from '../helpers/reference.js'

/*
 * A source that was asked for and failed never reads as healthy: alone it stops doctor with one line and
 * exit 2; next to other evidence it is a high finding and the metric checks are not evaluated.
 */

function serve(status: number, body: string, type = 'application/json'): Promise<{server: Server, url: string}> {
  return new Promise((resolve) => {
    const server = createServer((_req, res) => {
      res.writeHead(status, {'content-type': type})
      res.end(body)
    }).listen(0, '127.0.0.1', () => resolve({server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`}))
  })
}

describe('doctor: a Prometheus that failed never reads as healthy', function () {
  this.timeout(30_000)
  const servers: Server[] = []
  after(() => servers.forEach((s) => s.close()))

  const alone: Array<[string, () => Promise<string>, RegExp]> = [
    ['a closed port', async () => 'http://127.0.0.1:1', /127\.0\.0\.1:1 is unreachable/],
    ['a URL without scheme', async () => '127.0.0.1:9090', /not an http:\/\/ or https:\/\/ URL/],
    ['a host that does not resolve', async () => 'http://no-such-host.invalid:9090', /unreachable|unknown host/],
    ['a 401', async () => {
      const s = await serve(401, '{"status":"error","error":"unauthorized"}')
      servers.push(s.server)
      return s.url
    }, /401|forbidden|unauthori/i],
    ['a 5xx', async () => {
      const s = await serve(503, 'upstream down', 'text/plain')
      servers.push(s.server)
      return s.url
    }, /503|unparsable|failed/i],
    ['an answer that is not Prometheus', async () => {
      const s = await serve(200, '<html><title>Grafana</title></html>', 'text/html')
      servers.push(s.server)
      return s.url
    }, /unparsable|not .*Prometheus|html/i],
  ]
  for (const [name, url, re] of alone) {
    it(`alone, ${name}: one line naming Prometheus and why, exit 2, no "No findings"`, async () => {
      const r = await cli(['doctor', '--prometheus-url', await url(), '--no-color'])
      expect(r.code).to.equal(2)
      expect(r.stdout).to.not.match(/No findings/)
      expect(r.stderr.trim().split('\n')).to.have.length(1)
      expect(r.stderr).to.match(re)
      expect(r.stderr).to.match(/nothing could be judged/)
      expect(r.stderr).to.not.match(/\n\s+at /)
    })
  }

  it('next to other evidence: a high source-failed finding, exit 1, the rest of the report stands', async () => {
    const r = await cli(['doctor', '--from', join(PROJECT_DIR, 'fixtures', 'synthetic-healthy'), '--prometheus-url', 'http://127.0.0.1:1', '-o', 'json'])
    expect(r.code).to.equal(1)
    const report = JSON.parse(r.stdout) as {findings: Array<{id: string, severity: string, message: string}>, agents: unknown[]}
    const f = report.findings.find((x) => x.id === 'source-failed')
    expect(f?.severity).to.equal('high')
    expect(f?.message).to.match(/127\.0\.0\.1:1 .*not evaluated/)
    expect(report.agents.length).to.be.greaterThan(0)
  })
})
