import {expect} from 'chai'
import {cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {runUpgradeCheck} from '../../src/actions/upgrade-check.js'
import type {Report} from '../../src/report/model.js'
import {InputError} from '../../src/util/errors.js'
import {captureIo} from '../helpers/io.js'
import {MINI, runSim, type Running} from '../live/helpers.js'
import {expectReadOnly} from '../sim/read-only.js'

/*
 * The release source: the simulated API server serves scenario-mini (agents on 1.18.7, Kubernetes 1.32)
 * with a Helm release Secret holding the values below, and one node on an old kernel. The scenario is
 * copied to a temporary directory and changed there; the checked-in scenario is never edited.
 */
describe('upgrade-check against the simulated cluster (values from the live Helm release)', function () {
  this.timeout(120_000)
  let run: Running | undefined
  let dir: string | undefined
  afterEach(async () => {
    if (run) expectReadOnly(run.sim.requests)
    await run?.stop()
    run = undefined
    if (dir) rmSync(dir, {recursive: true, force: true})
  })

  async function cluster(values: string, oldKernelNode?: string): Promise<Running> {
    dir = mkdtempSync(join(tmpdir(), 'ciltune-upgrade-sim-'))
    cpSync(MINI, dir, {recursive: true})
    writeFileSync(join(dir, 'helm-values.yaml'), values)
    if (oldKernelNode) {
      const nodes = readFileSync(join(dir, 'nodes.yaml'), 'utf8').split('\n')
      const i = nodes.findIndex((l) => l.includes(`name: ${oldKernelNode}`))
      const k = nodes.findIndex((l, j) => j > i && l.includes('kernelVersion'))
      nodes[k] = nodes[k].replace(/kernelVersion: [^,}]+/, 'kernelVersion: 5.4.0-1103-aws')
      writeFileSync(join(dir, 'nodes.yaml'), nodes.join('\n'))
    }
    run = await runSim({scenarioDir: dir})
    return run
  }

  it('reads the release values and version, flags nodePort.enabled for 1.19 and the node whose kernel 1.19 no longer supports', async () => {
    const r = await cluster('kubeProxyReplacement: true\nroutingMode: native\nnodePort:\n  enabled: true\n', 'mini-node-b')
    const io = captureIo()
    const code = await runUpgradeCheck({to: '1.19', live: r.live(), output: 'json', failOn: 'high', color: false}, io)
    const report = JSON.parse(io.out) as Report
    expect(io.err).to.match(/current values: Helm release .*sh\.helm\.release\.v1\.cilium\.v1/)
    expect(io.err).to.include('current version: 1.18.7')
    const removed = report.findings.find((f) => f.id === 'upgrade-removed-value')
    expect(removed?.title).to.equal('nodePort.enabled is not in chart 1.19.6')
    const kernel = report.findings.find((f) => f.messageId === 'kernel-too-old')
    expect(kernel?.evidence.map((e) => e.text)).to.deep.equal(['mini-node-b: kernelVersion 5.4.0-1103-aws'])
    // Kubernetes 1.32 is among the versions 1.19 is tested against: no finding about it
    expect(report.findings.filter((f) => f.messageId === 'kubernetes-untested')).to.deep.equal([])
    expect(report.coverage.outcomes.find((o) => o.id === 'upgrade-requirements')?.result).to.equal('fired')
    expect(report.coverage.outcomes.find((o) => o.id === 'upgrade-whatif')?.result).to.not.equal('not-evaluated')
    expect(code).to.equal(1)
  })

  it('a skip from the release\'s 1.18 to 1.20 is refused before any check', async () => {
    const r = await cluster('routingMode: tunnel\n')
    let error: unknown
    try {
      await runUpgradeCheck({to: '1.20', live: r.live(), output: 'json', failOn: 'high', color: false}, captureIo())
    } catch (e) {
      error = e
    }
    expect(error).to.be.instanceOf(InputError)
    expect((error as Error).message).to.match(/1\.18 → 1\.20 skips 1\.19/)
  })
})
