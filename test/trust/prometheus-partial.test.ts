import {expect} from 'chai'
import http from 'node:http'
import type {AddressInfo} from 'node:net'
import type {Io} from '../../src/actions/doctor-options.js'
import {runDoctor} from '../../src/actions/doctor.js'
import {collectPrometheus} from '../../src/collect/prometheus.js'
import {openMetricsHistory, seedIncidentAgents} from '../helpers/metrics-endpoints.js'
import type {PrometheusServer} from '../helpers/prometheus-server.js'
import {requirePrometheus, startPrometheus} from '../helpers/prometheus-server.js'
import type {Fake} from '../prometheus/_fake-servers.js'
import {fakeServer, isProbe, okAnswer} from '../prometheus/_fake-servers.js'

/*
 * Issue 17 item 1, partial: a real Prometheus holding the seed incident, behind a 127.0.0.1 proxy
 * that answers the drop-counter query the way Prometheus does when a query loads too many samples
 * (HTTP 422, errorType execution). The other families stand; the drop check is "not evaluated",
 * never "passed", and a finding names the failed query.
 */

interface Report {
  summary: {exitCode: number}
  findings: Array<{id: string, messageId: string, message: string}>
  coverage: {notEvaluated: Array<{id: string, reason: string}>, outcomes: Array<{id: string, result: string}>}
}

function failingProxy(target: string, family: string): Promise<{url: string, close(): Promise<void>}> {
  const t = new URL(target)
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    if (url.pathname.startsWith('/api/v1/query') && (url.searchParams.get('query') ?? '').includes(family)) {
      res.writeHead(422, {'content-type': 'application/json'})
      res.end(JSON.stringify({status: 'error', errorType: 'execution', error: 'query processing would load too many samples into memory in query execution'}))
      return
    }
    const up = http.request({host: t.hostname, port: t.port, path: req.url, method: req.method, headers: req.headers}, (ur) => {
      res.writeHead(ur.statusCode ?? 502, ur.headers)
      ur.pipe(res)
    })
    req.pipe(up)
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections()
      server.close(() => r())
    }),
  })))
}

async function doctor(url: string): Promise<Report> {
  const io = {out: '', isTTY: false, stdout(t: string) { io.out += t }, stderr() {}} as Io & {out: string}
  await runDoctor({output: 'json', failOn: 'high', color: false, prometheus: {url, timeoutMs: 10_000, rangeSeconds: 3600}}, io)
  return JSON.parse(io.out) as Report
}

describe('Prometheus: some queries fail, the rest stand', function () {
  this.timeout(90_000)
  let prom: PrometheusServer | undefined
  let proxy: {url: string, close(): Promise<void>} | undefined
  before(async function () {
    await requirePrometheus(this)
    prom = await startPrometheus({openmetrics: openMetricsHistory(seedIncidentAgents(3))})
    proxy = await failingProxy(prom.url, 'cilium_drop_count_total')
  })
  after(async () => {
    await proxy?.close()
    await prom?.stop()
  })

  it('all queries answered: the drop check runs (it fires on the seed incident), no source-failed finding', async () => {
    const r = await doctor(prom!.url)
    expect(r.coverage.outcomes.find((o) => o.id === 'datapath-drops')?.result).to.equal('fired')
    expect(r.findings.map((f) => f.id)).to.not.include('source-failed')
  })

  it('the drop query fails: a source-failed finding naming it, the drop check not evaluated, the rest judged, exit not 0', async () => {
    const r = await doctor(proxy!.url)
    const f = r.findings.find((x) => x.messageId === 'prometheus-partial')
    expect(f, JSON.stringify(r.findings.map((x) => x.messageId))).to.not.equal(undefined)
    expect(f!.message).to.match(/queries for 1 metric family failed \(cilium_drop_count_total\).*HTTP 422.*too many samples/)
    const drops = r.coverage.notEvaluated.find((n) => n.id === 'datapath-drops')
    expect(drops?.reason).to.match(/Prometheus query for cilium_drop_count_total failed/)
    expect(r.coverage.outcomes.find((o) => o.id === 'datapath-drops')?.result).to.equal('not-evaluated')
    expect(r.findings.map((x) => x.id)).to.include('bpf-map-pressure')
    expect(r.summary.exitCode).to.not.equal(0)
  })
})

describe('Prometheus: an impossible value is rejected with the series, never used or dropped silently', () => {
  let fake: Fake | undefined
  after(async () => fake?.close())

  it('a negative drop counter and a NaN map pressure: one error each naming the series, the other samples kept', async () => {
    fake = await fakeServer((req, res) => {
      const q = new URL(req.url ?? '/', 'http://x').searchParams.get('query') ?? ''
      if (isProbe(req)) return okAnswer(req, res, ['cilium_bpf_map_pressure', 'cilium_drop_count_total', 'cilium_version'])
      const now = Date.now() / 1000
      const result = q.includes('cilium_drop_count_total')
        ? [{metric: {pod: 'cilium-a0x7k', reason: 'Policy denied', direction: 'INGRESS'}, value: [now, '-42']}]
        : q.includes('cilium_bpf_map_pressure')
          ? [{metric: {pod: 'cilium-a0x7k', map_name: 'ct4_global'}, value: [now, 'NaN']}, {metric: {pod: 'cilium-a0x7k', map_name: 'lb4_services_v2'}, value: [now, '0.25']}]
          : q.includes('cilium_version') ? [{metric: {pod: 'cilium-a0x7k', version: '1.18.1'}, value: [now, '1']}] : []
      res.writeHead(200, {'content-type': 'application/json'})
      res.end(JSON.stringify({status: 'success', data: {resultType: 'vector', result}}))
    })
    const p = await collectPrometheus({url: fake.url, timeoutMs: 5000, rangeSeconds: 3600})
    const messages = p.errors.map((e) => e.message)
    expect(messages.find((m) => m.includes('cilium_drop_count_total'))).to.match(/rejected: cilium_drop_count_total is -42 \(expected a number ≥ 0\): cilium_drop_count_total\{direction="INGRESS",pod="cilium-a0x7k",reason="Policy denied"\} -42/)
    expect(messages.find((m) => m.includes('cilium_bpf_map_pressure'))).to.match(/rejected: cilium_bpf_map_pressure is NaN .*map_name="ct4_global"/)
    expect(p.samples.map((s) => `${s.name} ${s.labels.map_name ?? ''}`)).to.include('cilium_bpf_map_pressure lb4_services_v2')
    expect(p.samples.some((s) => s.name === 'cilium_drop_count_total')).to.equal(false)
  })
})
