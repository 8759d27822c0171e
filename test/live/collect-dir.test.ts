import {expect} from 'chai'
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {parse as parseYaml} from 'yaml'
import {collectAction} from '../../src/actions/collect.js'
import {captureIo} from '../helpers/io.js'
import {InputError} from '../../src/util/errors.js'
import {FIXTURES_DIR} from '../helpers/reference.js'
import {expectReadOnly} from '../sim/read-only.js'
import {findingKeys, runSim, type Running} from './helpers.js'

describe('ciltune collect --output DIR', function () {
  this.timeout(120_000)
  let run: Running | undefined
  let out: string
  beforeEach(() => {
    out = join(mkdtempSync(join(tmpdir(), 'ciltune-collect-')), 'capture')
  })
  afterEach(async () => {
    if (run) expectReadOnly(run.sim.requests)
    await run?.stop()
    run = undefined
    rmSync(join(out, '..'), {recursive: true, force: true})
  })

  it('writes the --from layout: a folder per agent pod, a file per command, the cluster files and collection-errors.json', async () => {
    const scenario = join(FIXTURES_DIR, 'synthetic-lb4-pressure')
    run = await runSim({scenarioDir: scenario})
    const c = captureIo()
    const code = await collectAction({live: run.live(), output: out}, c)
    expect(code).to.equal(0)
    expect(c.out).to.match(/^wrote \d+ files for 3 agents to /)
    for (const {pod} of run.sim.agents) {
      expect(readFileSync(join(out, pod, 'status.txt'), 'utf8')).to.equal(readFileSync(join(scenario, pod, 'status.txt'), 'utf8'))
      expect(readFileSync(join(out, pod, 'service-list.txt'), 'utf8')).to.equal(readFileSync(join(scenario, pod, 'service-list.txt'), 'utf8'))
      expect(readFileSync(join(out, pod, 'cilium-agent.log'), 'utf8')).to.equal(readFileSync(join(scenario, pod, 'cilium-agent.log'), 'utf8'))
      expect(existsSync(join(out, pod, 'metrics-list.txt'))).to.equal(existsSync(join(scenario, pod, 'metrics.prom')))
    }
    for (const f of ['cilium-config.yaml', 'nodes.yaml', 'pods.yaml', 'operator.yaml', 'helm-values.yaml', 'collection-errors.json']) {
      expect(existsSync(join(out, f)), f).to.equal(true)
    }
    const stripHeader = (t: string) => t.replace(/^USER-SUPPLIED VALUES:[^\n]*\n/, '')
    expect(parseYaml(readFileSync(join(out, 'helm-values.yaml'), 'utf8'))).to.deep.equal(parseYaml(stripHeader(readFileSync(join(scenario, 'helm-values.yaml'), 'utf8'))))
    const cm = parseYaml(readFileSync(join(out, 'cilium-config.yaml'), 'utf8')) as {kind: string, data: Record<string, string>}
    expect(cm.kind).to.equal('ConfigMap')
    expect(cm.data['bpf-lb-map-max']).to.equal('256')
    const errors = JSON.parse(readFileSync(join(out, 'collection-errors.json'), 'utf8')) as {agents: object, cluster: unknown[]}
    expect(errors.agents).to.deep.equal({})
    expect(errors.cluster).to.deep.equal([])
    // the capture gives the same findings as the live run and as the scenario itself
    const fromCapture = await findingKeys({from: out})
    expect(fromCapture).to.deep.equal(await findingKeys({from: scenario}))
    expect(fromCapture).to.deep.equal(await findingKeys({live: run.live()}))
    expect(fromCapture.length).to.be.greaterThan(0)
  })

  it('an incomplete capture exits 1 and carries its gaps, so doctor --from DIR names the unreadable agent', async () => {
    const scenario = join(FIXTURES_DIR, 'synthetic-healthy')
    const probe = await runSim({scenarioDir: scenario})
    const victim = probe.sim.agents[1].pod
    await probe.stop()
    run = await runSim({scenarioDir: scenario, faults: {agents: {[victim]: 'timeout'}}})
    const c = captureIo()
    const code = await collectAction({live: run.live({timeoutMs: 1500}), output: out}, c)
    expect(code).to.equal(1)
    expect(c.out).to.match(/1 agents could not be read/)
    const errors = JSON.parse(readFileSync(join(out, 'collection-errors.json'), 'utf8')) as {agents: Record<string, Array<{kind: string}>>}
    expect(Object.keys(errors.agents)).to.deep.equal([victim])
    expect(errors.agents[victim][0].kind).to.equal('timeout')
    const fromCapture = await findingKeys({from: out})
    expect(fromCapture.find((f) => f.startsWith('agent-unreachable | high'))).to.equal(`agent-unreachable | high | ${victim}`)
  })

  it('refuses to write into a directory that is not empty, before reading the cluster', async () => {
    run = await runSim({scenarioDir: join(FIXTURES_DIR, 'synthetic-healthy')})
    const dir = join(out, '..')
    writeFileSync(join(dir, 'keep.txt'), 'x')
    const err = await collectAction({live: run.live(), output: dir}, captureIo()).catch((e: unknown) => e)
    // by name: under tsx a dynamically imported module may carry its own copy of the class
    expect((err as Error).name).to.equal(InputError.name)
    expect((err as Error).message).to.match(/exists and is not empty/)
    expect(readFileSync(join(dir, 'keep.txt'), 'utf8')).to.equal('x')
    expect(run.sim.requests.length, 'refused before the cluster is read').to.equal(0)
    await run.stop()
    run = undefined // nothing was read: no request to check
  })
})
