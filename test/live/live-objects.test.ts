import {expect} from 'chai'
import {cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {parse as parseYaml} from 'yaml'
import {collectAction} from '../../src/actions/collect.js'
import {runDoctor} from '../../src/actions/doctor.js'
import type {DoctorOptions, Io} from '../../src/actions/doctor-options.js'
import {collectLive} from '../../src/collect/live.js'
import {FIXTURES_DIR} from '../helpers/reference.js'
import {expectReadOnly} from '../sim/read-only.js'
import {runSim, type Running} from './helpers.js'

/*
 * The Cilium objects a live collection reads whole (CiliumNodes, CiliumLocalRedirectPolicies, CiliumNodeConfigs) and
 * the operator pods' log tails, through the real client-node against the simulator serving
 * fixtures/synthetic-operator-objects; and the same findings from `collect DIR` read back with --from.
 */

const SCENARIO = join(FIXTURES_DIR, 'synthetic-operator-objects')
const OPERATOR_PODS = ['cilium-operator-6d9c8f7b54-k2x9p', 'cilium-operator-6d9c8f7b54-zr4tw']

interface Finding {id: string, messageId: string, severity: string, agents?: string[], message: string}

function io(): {io: Io, out: () => string} {
  let out = ''
  return {io: {stdout: (t) => { out += t }, stderr: () => undefined, isTTY: false}, out: () => out}
}

async function findings(opts: Partial<DoctorOptions>): Promise<Finding[]> {
  const c = io()
  await runDoctor({output: 'json', failOn: 'none', color: false, ...opts}, c.io)
  return (JSON.parse(c.out()) as {findings: Finding[]}).findings
}

const key = (f: Finding) => `${f.id}/${f.messageId} | ${f.severity} | ${[...(f.agents ?? [])].sort().join(',')}`

describe('live: Cilium objects read whole and the operator logs', function () {
  this.timeout(120_000)
  let run: Running | undefined
  let dir: string | undefined
  afterEach(async () => {
    if (run) expectReadOnly(run.sim.requests)
    await run?.stop()
    run = undefined
    if (dir) rmSync(dir, {recursive: true, force: true})
    dir = undefined
  })

  it('lists CiliumNodes, LRPs and CiliumNodeConfigs (paged) and reads each operator pod\'s cilium-operator log tail', async () => {
    run = await runSim({scenarioDir: SCENARIO})
    const c = await collectLive(run.live())
    expect(c.clusterErrors).to.deep.equal([])
    const lists = c.files.filter((f) => f.kind === 'cilium-resources' && /^cilium[a-z]+$/.test(f.path))
    const byPath = Object.fromEntries(lists.map((f) => [f.path, JSON.parse(f.text) as {kind: string, items: Array<{metadata: {name: string}}>}]))
    expect(Object.keys(byPath).sort()).to.deep.equal(['ciliumlocalredirectpolicies', 'ciliumnodeconfigs', 'ciliumnodes'])
    expect(byPath.ciliumnodes.kind).to.equal('CiliumNodeList')
    expect(byPath.ciliumnodes.items.map((i) => i.metadata.name)).to.deep.equal(['mesa-cp-1', 'mesa-wk-1', 'mesa-wk-2', 'mesa-wk-3'])
    expect(byPath.ciliumlocalredirectpolicies.items.map((i) => i.metadata.name)).to.deep.equal(['nodelocaldns'])
    const logs = c.files.filter((f) => f.kind === 'operator-log')
    expect(logs.map((f) => f.path)).to.deep.equal(OPERATOR_PODS.map((p) => `pod/${p}: logs cilium-operator`))
    expect(logs[0].text).to.equal(readFileSync(join(SCENARIO, 'cilium-operator.log'), 'utf8'))
    const logRequests = run.sim.requests.filter((r) => OPERATOR_PODS.some((p) => r.path.endsWith(`/pods/${p}/log`)))
    expect(logRequests).to.have.length(2)
    for (const r of logRequests) {
      expect(r.query.container).to.deep.equal(['cilium-operator'])
      expect(Number(r.query.tailLines[0])).to.be.within(1, 20000)
      expect(Number(r.query.limitBytes[0])).to.equal(16 * 1024 * 1024)
    }
  })

  it('live, the capture written by collect, and read back with --from give the same findings: IPAM, operator lease, unused LRP', async () => {
    run = await runSim({scenarioDir: SCENARIO})
    dir = mkdtempSync(join(tmpdir(), 'ciltune-objects-'))
    const out = join(dir, 'capture')
    expect(await collectAction({live: run.live(), output: out}, io().io)).to.equal(1) // one agent cannot run commands
    for (const f of ['ciliumnodes.yaml', 'ciliumlocalredirectpolicies.yaml', 'ciliumnodeconfigs.yaml', ...OPERATOR_PODS.map((p) => `${p}.log`)]) {
      expect(existsSync(join(out, f)), f).to.equal(true)
    }
    const cn = parseYaml(readFileSync(join(out, 'ciliumnodes.yaml'), 'utf8')) as {kind: string, items: Array<{status: {ipam: {'operator-status': {error?: string}}}}>}
    expect(cn.kind).to.equal('CiliumNodeList')
    expect(cn.items[3].status.ipam['operator-status'].error).to.equal('allocator full')
    expect(readdirSync(out).filter((f) => /^cilium-operator/.test(f) && !f.endsWith('.log'))).to.deep.equal([]) // no operator "agent" folder
    const live = await findings({live: run.live()})
    const fromCapture = await findings({from: out})
    expect(fromCapture.map(key).sort()).to.deep.equal(live.map(key).sort())
    const keys = live.map(key)
    expect(keys).to.include('ipam-exhaustion/operator-allocation-failed | critical | ')
    expect(keys).to.include('log-conditions/leader-lease-timeout | high | ')
    expect(keys).to.include('feature-not-effective/policies-without-feature | medium | ')
    expect(live.find((f) => f.messageId === 'leader-lease-timeout')?.message).to.match(/on 2 operator pods \(cilium-operator-6d9c8f7b54-k2x9p, cilium-operator-6d9c8f7b54-zr4tw\) \(8 log lines\)/)
  })

  it('ENI IPAM: a CiliumNode whose pool is all used fires ipam-exhaustion live, and the same from the capture', async () => {
    // synthetic-healthy in ENI mode with the ENI CiliumNodes of fixtures/modes/ciliumnodes-eni-pool-full.yaml (INDEX.md there)
    dir = mkdtempSync(join(tmpdir(), 'ciltune-eni-'))
    const scenario = join(dir, 'synthetic-eni')
    cpSync(join(FIXTURES_DIR, 'synthetic-healthy'), scenario, {recursive: true})
    const cm = join(scenario, 'cilium-config.yaml')
    writeFileSync(cm, readFileSync(cm, 'utf8').replace('  ipam: kubernetes\n', '  ipam: eni\n'))
    cpSync(join(FIXTURES_DIR, 'modes', 'ciliumnodes-eni-pool-full.yaml'), join(scenario, 'ciliumnodes.yaml'))
    run = await runSim({scenarioDir: scenario})
    const live = await findings({live: run.live()})
    const hit = live.find((f) => f.id === 'ipam-exhaustion')
    expect(hit?.severity).to.equal('critical')
    expect(hit?.message).to.match(/CiliumNode ip-10-24-1-37\.eu-west-1\.compute\.internal IPv4 27\/27 \(100 %\) \(IPAM mode eni\)/)
    expect(hit?.message).to.not.match(/ip-10-24-1-88/) // 3 of 9 used
    const out = join(dir, 'capture')
    await collectAction({live: run.live(), output: out}, io().io)
    expect((await findings({from: out})).map(key).sort()).to.deep.equal(live.map(key).sort())
  })

  it('a cluster without these CRDs (or operator pods) skips them as absent, never as an error', async () => {
    run = await runSim({scenarioDir: join(FIXTURES_DIR, 'synthetic-healthy')})
    const c = await collectLive(run.live())
    expect(c.clusterErrors).to.deep.equal([])
    expect(c.files.filter((f) => f.kind === 'operator-log' || /^cilium[a-z]+$/.test(f.path))).to.deep.equal([])
    expect(c.skipped.filter((s) => /^list cilium/.test(s.path)).map((s) => s.path).sort()).to.deep.equal(['list ciliumlocalredirectpolicies', 'list ciliumnodeconfigs', 'list ciliumnodes'])
  })

  it('a list RBAC forbids and an operator log that times out are cluster errors naming them; the rest is read', async () => {
    run = await runSim({scenarioDir: SCENARIO, faults: {forbidResources: ['ciliumnodes'], agents: {[OPERATOR_PODS[1]]: 'timeout'}}})
    const c = await collectLive(run.live({timeoutMs: 1500}))
    const errs = c.clusterErrors.map((e) => `${e.command} | ${e.kind}`)
    expect(errs).to.deep.equal(['list ciliumnodes | forbidden', `pod/${OPERATOR_PODS[1]}: logs cilium-operator | missing`])
    expect(c.files.filter((f) => f.kind === 'operator-log').map((f) => f.path)).to.deep.equal([`pod/${OPERATOR_PODS[0]}: logs cilium-operator`])
    expect(c.files.some((f) => f.path === 'ciliumlocalredirectpolicies')).to.equal(true)
    // the forbidden list is said in the report, not read as "no CiliumNodes"
    const c2 = io()
    await runDoctor({output: 'json', failOn: 'none', color: false, live: run.live({timeoutMs: 1500})}, c2.io)
    const incomplete = (JSON.parse(c2.out()) as {findings: Array<Finding & {evidence: Array<{text: string}>}>}).findings.find((x) => x.messageId === 'incomplete')
    expect(incomplete?.evidence.map((e) => e.text)).to.include.members(['list ciliumnodes: forbidden: ' + c.clusterErrors[0].message])
  })
})
