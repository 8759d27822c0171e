import {expect} from 'chai'
import {createServer, type IncomingMessage} from 'node:http'
import type {AddressInfo} from 'node:net'
import {mkdtempSync, readdirSync, readFileSync, rmSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {cli} from '../helpers/cli.js'
import {promtool, requirePromtool} from '../helpers/promtool.js'
import {FIXTURES_DIR} from '../helpers/reference.js'

const LB4 = join(FIXTURES_DIR, 'synthetic-lb4-pressure')
const HEALTHY = join(FIXTURES_DIR, 'synthetic-healthy')

interface Recorded {method: string, url: string, type: string, body: string}

/** A real HTTP listener on 127.0.0.1 standing in for a Pushgateway: records each request, answers `status`. */
async function fakePushgateway(status = 200): Promise<{url: string, got: Recorded[], close(): Promise<void>}> {
  const got: Recorded[] = []
  const srv = createServer((req: IncomingMessage, res) => {
    let body = ''
    req.on('data', (d: Buffer) => (body += d.toString()))
    req.on('end', () => {
      got.push({method: req.method ?? '', url: req.url ?? '', type: String(req.headers['content-type']), body})
      res.writeHead(status).end(status === 200 ? '' : 'pushed metrics are invalid or inconsistent with existing metrics')
    })
  })
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
  const {port} = srv.address() as AddressInfo
  return {url: `http://127.0.0.1:${port}`, got, close: () => new Promise((r) => srv.close(() => r()))}
}

describe('doctor -o prometheus', function () {
  this.timeout(120_000)
  let lb4 = ''
  before(async function () {
    await requirePromtool(this)
    const r = await cli(['doctor', '--from', LB4, '-o', 'prometheus'])
    expect(r.code, r.stderr).to.equal(1) // critical findings: the exit code is doctor's, whatever the format
    lb4 = r.stdout
  })

  it('passes promtool check metrics (format and lint) for a failing and a healthy cluster', async () => {
    const bad = await promtool(['check', 'metrics'], lb4)
    expect(bad.code, bad.stdout + bad.stderr).to.equal(0)
    expect(bad.stdout + bad.stderr).to.equal('')
    const healthy = await cli(['doctor', '--from', HEALTHY, '-o', 'prometheus'])
    const ok = await promtool(['check', 'metrics'], healthy.stdout)
    expect(ok.code, ok.stdout + ok.stderr).to.equal(0)
    expect(healthy.stdout).to.not.match(/^ciltune_finding\{/m)
    expect(healthy.stdout).to.match(/^ciltune_findings\{severity="critical"\} 0$/m)
  })

  it('has one finding series per rule, message and agent, with its node', () => {
    expect(lb4).to.match(/^ciltune_finding\{rule="bpf-map-pressure",message_id="pressure",severity="critical",code="CT5424-20",agent="cilium-4kc6t",node="lbx-cp-01"\} 1$/m)
    expect(lb4).to.match(/^ciltune_findings\{severity="critical"\} 3$/m)
  })

  it('gives each map its pressure and size, the lb4 service map over full', () => {
    expect(lb4).to.match(/^ciltune_bpf_map_pressure_ratio\{agent="cilium-4kc6t",node="lbx-cp-01",map_name="lb4_services_v2"\} 1\.44140625$/m)
    expect(lb4).to.match(/^ciltune_bpf_map_size_entries\{agent="cilium-4kc6t",node="lbx-cp-01",map_name="lb4_services_v2"\} \d+$/m)
    // endpoint policy maps: only each agent's fullest one, not one series per endpoint
    expect(lb4.match(/^ciltune_bpf_map_pressure_ratio\{[^}]*map_name="policy_/gm)).to.have.length(3)
  })

  it('says what was not evaluated, how many agents were read, when and how long', () => {
    expect(lb4).to.match(/^ciltune_agents 3$/m)
    expect(lb4).to.match(/^ciltune_agents_read\{evidence="status"\} 3$/m)
    expect(lb4).to.match(/^ciltune_rules\{outcome="not_evaluated"\} \d+$/m)
    const ts = Number(/^ciltune_last_run_timestamp_seconds (\d+)$/m.exec(lb4)?.[1])
    expect(Math.abs(ts - Date.now() / 1000)).to.be.below(300)
    expect(Number(/^ciltune_last_run_duration_seconds ([\d.]+)$/m.exec(lb4)?.[1])).to.be.above(0)
  })

  it('labels carry names only: no message or evidence text', () => {
    const labelValues = [...lb4.matchAll(/="([^"]*)"/g)].map((m) => m[1])
    for (const v of labelValues) expect(v, v).to.match(/^[\w.:/-]*$/)
  })

  it('is a format of the one table: -o metrics.prom writes it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ciltune-prom-'))
    try {
      const r = await cli(['doctor', '--from', LB4, '-o', join(dir, 'report.prom')])
      expect(r.stderr).to.contain('(prometheus,')
      expect(readFileSync(join(dir, 'report.prom'), 'utf8')).to.match(/^# TYPE ciltune_finding gauge$/m)
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })
})

describe('doctor --pushgateway / --textfile', function () {
  this.timeout(120_000)

  it('PUTs the metrics text under job "ciltune" while stdout keeps -o json', async () => {
    const pg = await fakePushgateway()
    try {
      const r = await cli(['doctor', '--from', LB4, '-o', 'json', '--fail-on', 'none', '--pushgateway', pg.url])
      expect(r.code, r.stderr).to.equal(0)
      expect(JSON.parse(r.stdout)).to.have.property('findings')
      expect(pg.got).to.have.length(1)
      expect(pg.got[0].method).to.equal('PUT')
      expect(pg.got[0].url).to.equal('/metrics/job/ciltune')
      expect(pg.got[0].type).to.match(/^text\/plain; version=0\.0\.4/)
      expect(pg.got[0].body).to.match(/^ciltune_finding\{rule="bpf-map-pressure"/m)
      expect(r.stderr).to.contain(`pushed metrics to ${pg.url}/metrics/job/ciltune`)
    } finally {
      await pg.close()
    }
  })

  it('keeps a grouping key the URL names, and a refused push is one line and exit 2', async () => {
    const pg = await fakePushgateway(400)
    try {
      const r = await cli(['doctor', '--from', LB4, '--fail-on', 'none', '-o', 'json', '--pushgateway', `${pg.url}/metrics/job/ciltune/cluster/prod-a`])
      expect(pg.got[0].url).to.equal('/metrics/job/ciltune/cluster/prod-a')
      expect(r.code).to.equal(2)
      expect(r.stderr.trim().split('\n')).to.have.length(1)
      expect(r.stderr).to.contain('HTTP 400 (pushed metrics are invalid')
    } finally {
      await pg.close()
    }
  })

  it('a closed port is one line naming the Pushgateway, with no password shown', async () => {
    const pg = await fakePushgateway()
    await pg.close()
    const withUser = pg.url.replace('http://', 'http://ops:s3cret@')
    const r = await cli(['doctor', '--from', LB4, '-o', 'json', '--pushgateway', withUser])
    expect(r.code).to.equal(2)
    expect(r.stderr).to.match(/--pushgateway http:\/\/127\.0\.0\.1:\d+\/metrics\/job\/ciltune: ECONNREFUSED/)
    expect(r.stderr).to.not.contain('s3cret')
  })

  it('writes the textfile atomically, world-readable, replacing the last run and leaving no temp file', async function () {
    const dir = mkdtempSync(join(tmpdir(), 'ciltune-textfile-'))
    const file = join(dir, 'ciltune.prom')
    try {
      await cli(['doctor', '--from', LB4, '--quiet', '--textfile', file])
      expect(readFileSync(file, 'utf8')).to.match(/^ciltune_findings\{severity="critical"\} 3$/m)
      await cli(['doctor', '--from', HEALTHY, '--textfile', file])
      const text = readFileSync(file, 'utf8')
      expect(text).to.match(/^ciltune_findings\{severity="critical"\} 0$/m)
      expect(statSync(file).mode & 0o777).to.equal(0o644)
      expect(readdirSync(dir)).to.deep.equal(['ciltune.prom'])
      const wrong = await cli(['doctor', '--from', HEALTHY, '--textfile', join(dir, 'ciltune.txt')])
      expect(wrong.code).to.equal(2)
      expect(wrong.stderr).to.contain('reads only *.prom files')
      // last: on a dev box without promtool the checks above still ran
      await requirePromtool(this)
      const check = await promtool(['check', 'metrics'], text)
      expect(check.code, check.stderr).to.equal(0)
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })
})
