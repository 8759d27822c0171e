import {expect} from 'chai'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Report} from '../../src/report/model.js'
import {cli} from '../helpers/cli.js'
import {fakeServer, type Fake} from '../prometheus/_fake-servers.js'
import {requirePrometheus, startPrometheus, type PrometheusServer} from '../helpers/prometheus-server.js'

/*
 * Issue 17 item 1: a source that was asked for and failed never reads as healthy. Alone it is one
 * stderr line naming the source and why, exit 2; next to evidence that stands it is a finding.
 */

const HEALTHY = 'fixtures/synthetic-healthy'

function expectOneLine(r: {code: number | null, stdout: string, stderr: string}, what: RegExp): void {
  expect(r.code, r.stderr + r.stdout).to.equal(2)
  expect(r.stdout).not.to.include('No findings')
  const lines = r.stderr.trim().split('\n')
  expect(lines, r.stderr).to.have.length(1)
  expect(lines[0]).to.match(what)
}

describe('failed sources never read as healthy', function () {
  this.timeout(90_000)
  const fakes: Fake[] = []
  after(async () => { for (const f of fakes) await f.close() })
  const serve = async (status: number, body: string, type = 'text/plain') => {
    const f = await fakeServer((_req, res) => { res.writeHead(status, {'content-type': type}); res.end(body) })
    fakes.push(f)
    return f.url
  }

  it('a refused port, an unknown host and a URL without scheme: one line, exit 2', async () => {
    expectOneLine(await cli(['doctor', '--prometheus-url', 'http://127.0.0.1:1']), /Prometheus http:\/\/127\.0\.0\.1:1 .*ECONNREFUSED/)
    expectOneLine(await cli(['doctor', '--prometheus-url', 'http://no-such-host.invalid:9090']), /no-such-host\.invalid.*(ENOTFOUND|unknown host)/)
    expectOneLine(await cli(['doctor', '--prometheus-url', '127.0.0.1:9090']), /"127\.0\.0\.1:9090" is not an http/)
  })

  it('401, 503 and an answer that is not Prometheus: one line naming the URL, exit 2', async () => {
    const u401 = await serve(401, 'Unauthorized')
    expectOneLine(await cli(['doctor', '--prometheus-url', u401]), new RegExp(`${u401.replace(/\./g, '\\.')}.*401`))
    const u503 = await serve(503, 'upstream connect error')
    expectOneLine(await cli(['doctor', '--prometheus-url', u503]), /Prometheus http:\/\/127\.0\.0\.1:\d+.*503/)
    const html = await serve(200, '<html><body>Grafana</body></html>', 'text/html')
    expectOneLine(await cli(['doctor', '--prometheus-url', html]), /Prometheus http:\/\/127\.0\.0\.1:\d+/)
  })

  it('a real Prometheus that holds no Cilium metrics: one line, exit 2', async function () {
    await requirePrometheus(this)
    let prom: PrometheusServer | undefined
    try {
      prom = await startPrometheus()
      expectOneLine(await cli(['doctor', '--prometheus-url', prom.url]), /holds no Cilium agent metrics/)
    } finally {
      await prom?.stop()
    }
  })

  it('a --from directory where nothing could be read: one line, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ciltune-empty-'))
    try {
      expectOneLine(await cli(['doctor', '--from', dir]), /--from .*ciltune-empty-.*: nothing could be read/)
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })

  it('a kubeconfig context that cannot be reached: one line naming the cluster, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ciltune-kc-'))
    try {
      const kc = join(dir, 'config')
      const {writeFileSync} = await import('node:fs')
      writeFileSync(kc, 'apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}\n' +
        'contexts:\n- name: dead\n  context: {cluster: c, user: u}\ncurrent-context: dead\nusers:\n- name: u\n  user: {token: not-a-token}\n')
      expectOneLine(await cli(['doctor', '--kubeconfig', kc, '--context', 'dead']), /127\.0\.0\.1:1.*ECONNREFUSED/)
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })

  it('a failed Prometheus next to files that stand: a source-failed finding, never exit 0', async () => {
    const r = await cli(['doctor', '--from', HEALTHY, '--prometheus-url', 'http://127.0.0.1:1', '--output', 'json'])
    expect(r.code, r.stderr).to.equal(1)
    const report = Report.parse(JSON.parse(r.stdout))
    const f = report.findings.find((x) => x.id === 'source-failed')
    expect(f?.message).to.match(/Prometheus http:\/\/127\.0\.0\.1:1 .*not evaluated/)
  })

  it('a lone NodeList: the first line says most checks could not run, and the exit code is not 0', async () => {
    const r = await cli(['doctor', '--from', `${HEALTHY}/nodes.yaml`])
    expect(r.code).to.equal(3)
    expect(r.stdout.split('\n')[0]).to.match(/^Most checks could not run: \d+ of \d+ rules/)
    const json = Report.parse(JSON.parse((await cli(['doctor', '--from', `${HEALTHY}/nodes.yaml`, '-o', 'json'])).stdout))
    expect(json.summary.exitCode).to.equal(3)
    expect(json.summary.warning).to.match(/Most checks could not run/)
  })
})
