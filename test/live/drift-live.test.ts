import {expect} from 'chai'
import {cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {parse, stringify} from 'yaml'
import rule from '../../rules/config-drift.js'
import {collectLive} from '../../src/collect/live.js'
import {writeCollection} from '../../src/collect/write-dir.js'
import {buildSnapshot} from '../../src/ingest/build.js'
import {collectFromPath} from '../../src/ingest/from-path.js'
import {runRule} from '../../src/rules/engine.js'
import {FIXTURES_DIR} from '../helpers/reference.js'
import {expectReadOnly} from '../sim/read-only.js'
import {runSim, type Running} from './helpers.js'

/*
 * Applied-config drift through the live path: the simulated API server serves the drift fixture (its ConfigMap with
 * managedFields, agent and operator pods with start times); the live collector keeps the change times and the
 * operator pods (get/list only), and a `collect` directory read back with --from gives the same finding.
 */
describe('config-drift, live and --from (fixtures/effective/drift-helm-upgrade-not-rolled)', function () {
  this.timeout(60_000)
  let run: Running | undefined
  let tmp: string | undefined
  afterEach(async () => {
    if (run) expectReadOnly(run.sim.requests)
    await run?.stop()
    run = undefined
    if (tmp) rmSync(tmp, {recursive: true, force: true})
  })

  it('names the stale operator and agents, from the API server and from the written directory', async () => {
    tmp = mkdtempSync(join(tmpdir(), 'ciltune-drift-'))
    const scenario = join(tmp, 'scenario')
    cpSync(join(FIXTURES_DIR, 'effective', 'drift-helm-upgrade-not-rolled'), scenario, {recursive: true})
    // the simulator serves one pods.yaml: put the operator pod beside the agents, as the API server holds them
    const pods = parse(readFileSync(join(scenario, 'pods.yaml'), 'utf8')) as {items: unknown[]}
    const operator = parse(readFileSync(join(scenario, 'pods-operator.yaml'), 'utf8')) as {items: unknown[]}
    writeFileSync(join(scenario, 'pods.yaml'), stringify({...pods, items: [...pods.items, ...operator.items]}))
    rmSync(join(scenario, 'pods-operator.yaml'))
    run = await runSim({scenarioDir: scenario})

    const c = await collectLive(run.live())
    expect(run.sim.requests.some((r) => r.path.endsWith('/pods') && r.query.labelSelector?.[0] === 'io.cilium/app=operator')).to.equal(true)
    const snap = buildSnapshot(c)
    expect(snap.cluster.config?.changedAt?.time).to.equal('2026-01-23T14:02:17Z')
    const live = runRule(rule, snap).findings.find((f) => f.messageId === 'restart-needed')
    expect(live?.agents.sort()).to.deep.equal(['cilium-8fnwk', 'cilium-ssp67'])
    expect(live?.fix).to.match(/1\) operator: cilium-operator-6b8f7d9c5d-q7k2m .*2\) agent:/)

    const out = join(tmp, 'captured')
    writeCollection(out, c)
    expect(readdirSync(out)).to.include.members(['pods.yaml', 'pods-operator.yaml', 'cilium-config.yaml'])
    const again = runRule(rule, buildSnapshot(collectFromPath(out))).findings.find((f) => f.messageId === 'restart-needed')
    expect(again?.message).to.equal(live?.message)
    expect(again?.fix).to.equal(live?.fix)
  })
})
