import {expect} from 'chai'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {stringify} from 'yaml'
import {runDoctor} from '../../src/actions/doctor.js'
import {EXEC_CAP, JSON_CAP, LOG_CAP} from '../../src/collect/caps.js'
import {collectLive} from '../../src/collect/live.js'
import {FIXTURES_DIR} from '../helpers/reference.js'
import {captureIo} from '../helpers/io.js'
import {expectReadOnly} from '../sim/read-only.js'
import {runSim, type Running} from './helpers.js'

/*
 * An API server under stress or behind a broken proxy: bodies that never end or trickle, 429 storms with
 * Retry-After, a run that must end by its --deadline, and a TLS endpoint with a CA of its own.
 * Each collection must end, say what it could not read and why, and never hang.
 */

const HEALTHY = join(FIXTURES_DIR, 'synthetic-healthy')
const MiB = 1024 * 1024

async function firstPod(): Promise<string> {
  const probe = await runSim({scenarioDir: HEALTHY})
  const pod = probe.sim.agents[0].pod
  await probe.stop()
  return pod
}

describe('live collection against a misbehaving API server', function () {
  this.timeout(60_000)
  let run: Running | undefined
  afterEach(async () => {
    const r = run
    run = undefined
    try {
      if (r) expectReadOnly(r.sim.requests)
    } finally {
      await r?.stop()
    }
  })

  it(`an exec whose stdout never ends is cut at ${EXEC_CAP / MiB} MiB, the exec ended, and the cut reported`, async () => {
    const pod = await firstPod()
    run = await runSim({scenarioDir: HEALTHY, faults: {agents: {[pod]: 'endless'}}})
    const c = await collectLive(run.live({timeoutMs: 20_000}))
    const errors = c.agentErrors[pod] ?? []
    expect(errors.map((e) => e.kind)).to.include('truncated')
    expect(errors.find((e) => e.kind === 'truncated')?.message).to.match(/cut at 32 MiB \(the cap for one command's output\)/)
    await new Promise((r) => setTimeout(r, 100))
    expect(run.sim.heldOpen()).to.equal(0)
  })

  it(`a log body that never ends is cut at ${LOG_CAP / MiB} MiB and marked truncated in the report`, async () => {
    run = await runSim({scenarioDir: HEALTHY, faults: {streams: [{pathIncludes: '/log', kind: 'endless'}]}})
    const io = captureIo()
    await runDoctor({live: run.live({timeoutMs: 20_000}), output: 'json', failOn: 'none', color: false}, io)
    const report = JSON.parse(io.out) as {agents: Array<{name: string, errors: Array<{kind: string, message: string}>}>}
    for (const a of report.agents) {
      expect(a.errors.map((e) => e.kind), a.name).to.deep.equal(['truncated'])
      expect(a.errors[0].message).to.match(/logs cilium-agent: cut at 16 MiB \(the cap for one response\)/)
    }
  })

  it(`a list answer larger than ${JSON_CAP / MiB} MiB is refused, not buffered, and named`, async () => {
    run = await runSim({scenarioDir: HEALTHY, faults: {streams: [{pathIncludes: '/api/v1/nodes', kind: 'endless'}]}})
    const c = await collectLive(run.live({timeoutMs: 20_000}))
    const nodes = c.clusterErrors.find((e) => e.command === 'list nodes')
    expect(nodes?.kind).to.equal('truncated')
    expect(nodes?.message).to.match(/larger than 64 MiB \(the cap for one response\); not read/)
  })

  it('a body trickling a byte at a time ends at the wall-clock limit of the request (the idle timeout never fires)', async () => {
    run = await runSim({scenarioDir: HEALTHY, faults: {streams: [{pathIncludes: '/log', kind: 'trickle'}]}})
    const c = await collectLive(run.live({timeoutMs: 1500}))
    expect(Object.keys(c.agentErrors)).to.have.length(run.sim.agents.length)
    for (const errors of Object.values(c.agentErrors)) {
      expect(errors.map((e) => e.kind)).to.deep.equal(['missing'])
      expect(errors[0].message).to.match(/log: not complete within 2s \(the --timeout for one request\)/)
    }
    await new Promise((r) => setTimeout(r, 100))
    expect(run.sim.heldOpen()).to.equal(0)
  })

  it('throttled with 429 and Retry-After twice per request, every request is served in the end', async () => {
    run = await runSim({scenarioDir: HEALTHY, faults: {throttle: {retryAfterSeconds: 1, times: 2, pathIncludes: '/log'}}})
    const c = await collectLive(run.live({timeoutMs: 10_000}))
    expect(c.agentErrors).to.deep.equal({})
    expect(c.files.filter((f) => f.kind === 'agent-log')).to.have.length(run.sim.agents.length)
    const logs = run.sim.requests.filter((r) => r.path.endsWith('/log'))
    expect(logs).to.have.length(3 * run.sim.agents.length)
  })

  it('under a 429 storm the report names every piece of evidence that is missing, and how often it was tried', async () => {
    run = await runSim({scenarioDir: HEALTHY, faults: {throttle: {retryAfterSeconds: 1, pathIncludes: '/log'}}})
    const io = captureIo()
    await runDoctor({live: run.live({timeoutMs: 2500}), output: 'json', failOn: 'none', color: false}, io)
    const report = JSON.parse(io.out) as {
      agents: Array<{name: string, evidence: string[], errors: Array<{command: string, message: string}>}>
      findings: Array<{id: string, agents: string[], evidence: Array<{text: string}>}>
    }
    for (const a of report.agents) {
      expect(a.evidence).to.not.include('logs')
      expect(a.errors[0].command).to.equal('logs cilium-agent')
      expect(a.errors[0].message).to.match(/HTTP 429: Too many requests, please try again later\. \(tried [23] times, waiting for Retry-After 1s\)/)
    }
    const incomplete = report.findings.find((f) => f.id === 'agent-unreachable')
    expect(incomplete?.agents.slice().sort()).to.deep.equal(report.agents.map((a) => a.name).sort())
    expect(incomplete?.evidence.every((e) => /logs cilium-agent: missing: .*HTTP 429/.test(e.text))).to.equal(true)
  })

  it('an exec upgrade refused with 429 and Retry-After is retried after that wait, and the command is run', async () => {
    run = await runSim({scenarioDir: HEALTHY, faults: {throttle: {retryAfterSeconds: 1, times: 1, pathIncludes: '/exec'}}})
    const started = Date.now()
    const c = await collectLive(run.live({timeoutMs: 10_000}))
    expect(c.agentErrors).to.deep.equal({})
    expect(c.files.filter((f) => f.kind === 'status-text')).to.have.length(run.sim.agents.length)
    // each pod's first exec was refused once and the same command asked again, then every later one served
    const execs = run.sim.requests.filter((r) => r.upgrade)
    const pods = [...new Set(execs.map((r) => r.path))]
    expect(pods).to.have.length(run.sim.agents.length)
    for (const pod of pods) {
      const mine = execs.filter((r) => r.path === pod).map((r) => (r.command ?? []).join(' '))
      expect(mine[1], pod).to.equal(mine[0])
      expect(new Set(mine).size, pod).to.equal(mine.length - 1)
    }
    expect(Date.now() - started).to.be.at.least(1000) // the server's wait was honoured, not a 200 ms retry
  })

  it('an exec upgrade refused by a 429 storm names the status, the server\'s message and how often it was tried', async () => {
    run = await runSim({scenarioDir: HEALTHY, faults: {throttle: {retryAfterSeconds: 1, pathIncludes: '/exec'}}})
    const c = await collectLive(run.live({timeoutMs: 2500}))
    expect(Object.keys(c.agentErrors)).to.have.length(run.sim.agents.length)
    for (const errors of Object.values(c.agentErrors)) {
      expect(errors[0].message).to.match(/HTTP 429: Too many requests, please try again later\. \(tried [23] times, waiting for Retry-After 1s\)/)
    }
  })

  it('--deadline: in the report, agents not read in time are incomplete and their checks not evaluated, never passed', async () => {
    run = await runSim({scenarioDir: HEALTHY, nodes: 8, latencyMs: 150})
    const io = captureIo()
    await runDoctor({live: run.live({concurrency: 1, deadlineSeconds: 2}), output: 'json', failOn: 'none', color: false}, io)
    const report = JSON.parse(io.out) as {coverage: {agents: {total: number, incomplete: number}, agentChecksNotEvaluated: number}, agents: Array<{errors: Array<{message: string}>}>}
    expect(report.coverage.agents.total).to.equal(8)
    expect(report.coverage.agents.incomplete).to.be.greaterThan(0)
    expect(report.coverage.agentChecksNotEvaluated).to.be.greaterThan(0)
    const late = report.agents.filter((a) => a.errors.some((e) => /--deadline had passed|not complete within|no answer within/.test(e.message)))
    expect(late).to.have.length(report.coverage.agents.incomplete)
  })

  it('--deadline ends the whole run; agents not reached by then are named as not read, nothing hangs', async () => {
    run = await runSim({scenarioDir: HEALTHY, nodes: 8, latencyMs: 150})
    const started = Date.now()
    const c = await collectLive(run.live({concurrency: 1, deadlineSeconds: 2}))
    expect(Date.now() - started).to.be.below(10_000) // the deadline, not 8 agents × 6 requests × 150 ms
    const late = Object.entries(c.agentErrors).filter(([, es]) => es.some((e) => /--deadline had passed|not complete within|no answer within/.test(e.message)))
    expect(late.length).to.be.greaterThan(0)
    expect(late.length).to.be.below(8)
    // a late exec is a timeout; a late log read stays 'missing' (supporting evidence, never an unreachable agent)
    for (const [, es] of late) {
      for (const e of es.filter((x) => /--deadline had passed|not complete within|no answer within/.test(x.message))) {
        expect(e.kind, e.command).to.equal(e.command.startsWith('logs ') ? 'missing' : 'timeout')
      }
    }
  })
})

describe('a TLS API server with a CA of its own', function () {
  this.timeout(60_000)

  it('is read when the kubeconfig carries its CA (REST and exec), and refused in one line otherwise', async () => {
    const run = await runSim({scenarioDir: HEALTHY, tls: true})
    const dir = mkdtempSync(join(tmpdir(), 'ciltune-tls-'))
    try {
      expect(run.sim.url).to.match(/^https:/)
      const c = await collectLive(run.live())
      expect(c.agentErrors).to.deep.equal({})
      expect(c.files.filter((f) => f.kind === 'status-text')).to.have.length(run.sim.agents.length)
      // the same server, trusted by no CA the client knows
      const untrusted = join(dir, 'kubeconfig')
      writeFileSync(untrusted, stringify({
        apiVersion: 'v1', kind: 'Config', 'current-context': 'x',
        clusters: [{name: 'x', cluster: {server: run.sim.url}}], users: [{name: 'x', user: {token: 't'}}],
        contexts: [{name: 'x', context: {cluster: 'x', user: 'x'}}],
      }))
      const error = await collectLive({kubeconfig: untrusted, concurrency: 1, timeoutMs: 5000}).catch((e: Error) => e)
      expect(error).to.be.instanceOf(Error)
      expect((error as Error).name).to.equal('InputError')
      expect((error as Error).message).to.match(/^cluster https:\/\/127\.0\.0\.1:\d+: .*(self-signed|certificate)/)
      expect((error as Error).message).to.not.include('\n')
    } finally {
      await run.stop()
      rmSync(dir, {recursive: true, force: true})
    }
  })
})
