import {expect} from 'chai'
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {parse} from 'yaml'
import type {Io} from '../../src/actions/doctor-options.js'
import {runSuggest, type SuggestOptions} from '../../src/actions/suggest.js'
import {InputError} from '../../src/util/errors.js'
import {FIXTURES_DIR, REFERENCE_DIR, requireReference} from '../helpers/reference.js'
import {expectReadOnly} from '../sim/read-only.js'
import {runSim, type Running} from '../live/helpers.js'
import {ciliumAgent, cluster, node} from './fixtures.js'

function capture(): Io & {out: string, err: string} {
  const io = {out: '', err: '', isTTY: false, stdout(t: string) { io.out += t }, stderr(t: string) { io.err += t }}
  return io
}
const base: SuggestOptions = {force: false, diff: false, set: false, validate: false, targetPressure: 0.5}

const healthy = {kpr: true, masq: 'BPF', host: 'BPF' as const, ratio: 0.0025, ctTcp: 150700}

// A cluster whose lb4 service map is at 144 % on one agent and 120 % on another, saved as a snapshot file.
function lb4Snapshot(dir: string): string {
  const s = cluster([
    ciliumAgent('cilium-a', 'n1', {...healthy, lb4: 65536, pressure: {lb4_services_v2: 1.44}}),
    ciliumAgent('cilium-b', 'n2', {...healthy, lb4: 65536, pressure: {lb4_services_v2: 1.2}}),
  ], [node('n1'), node('n2')], {'bpf-lb-map-max': '65536', 'kube-proxy-replacement': 'true', 'enable-bpf-masquerade': 'true', 'bpf-map-dynamic-size-ratio': '0.0025'})
  const path = join(dir, 'snapshot.json')
  writeFileSync(path, JSON.stringify(s))
  return path
}

describe('ciltune suggest (action)', function () {
  this.timeout(60_000)
  let dir: string
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'ciltune-suggest-')) })
  afterEach(() => rmSync(dir, {recursive: true, force: true}))

  it('prints the commented overlay for lb4 pressure 1.44, and the what-if says the finding clears', async () => {
    const io = capture()
    expect(await runSuggest({...base, from: lb4Snapshot(dir)}, io)).to.equal(0)
    expect(parse(io.out)).to.deep.equal({bpf: {lbMapMax: 262144}})
    expect(io.out).to.contain('# finding bpf-map-pressure')
    expect(io.out).to.contain('cilium_bpf_map_pressure{map_name="lb4_services_v2"} 1.44')
    expect(io.out).to.match(/# note: what-if: re-running the rules .* clears bpf-map-pressure/)
    expect(io.out).to.contain('# current: 65536')
  })

  it('--output refuses an existing file without --force (exit 2 error), writes with --force', async () => {
    const out = join(dir, 'overlay.yaml')
    writeFileSync(out, 'keep: me\n')
    let err: unknown
    try { await runSuggest({...base, from: lb4Snapshot(dir), output: out}, capture()) } catch (e) { err = e }
    expect(err).to.be.instanceOf(InputError)
    expect((err as Error).message).to.match(/^--output .*overlay.yaml: file exists; use --force/)
    expect(readFileSync(out, 'utf8')).to.equal('keep: me\n')
    const io = capture()
    await runSuggest({...base, from: lb4Snapshot(dir), output: out, force: true}, io)
    expect(parse(readFileSync(out, 'utf8'))).to.deep.equal({bpf: {lbMapMax: 262144}})
    expect(io.out).to.equal('')
    expect(io.err).to.match(/wrote .*overlay.yaml: 1 value\(s\), 0 blocked/)
  })

  it('--merge updates a commented values file in place and --diff shows exactly that change', async () => {
    const values = join(dir, 'values.yaml')
    const original = '# platform values\nbpf:\n  # keep this comment\n  lbMapMax: 65536   # was fine once\n  masquerade: true\n\nhubble:\n  enabled: true\n'
    writeFileSync(values, original)
    const io = capture()
    await runSuggest({...base, from: lb4Snapshot(dir), merge: values, diff: true}, io)
    const merged = readFileSync(values, 'utf8')
    expect(merged).to.match(/^# platform values\nbpf:\n {2}# keep this comment\n {2}# ciltune suggest: bpf-map-pressure: .*\n {2}lbMapMax: 262144 {3}# was fine once\n {2}masquerade: true\n\nhubble:\n {2}enabled: true\n$/)
    expect(io.out).to.contain('-  lbMapMax: 65536   # was fine once\n')
    expect(io.out).to.contain('+  lbMapMax: 262144   # was fine once\n')
  })

  it('--set prints helm upgrade flags; bad --target-pressure is a usage error', async () => {
    const io = capture()
    await runSuggest({...base, from: lb4Snapshot(dir), set: true}, io)
    expect(io.out).to.equal('helm upgrade cilium cilium/cilium -n kube-system --reuse-values \\\n  --set bpf.lbMapMax=262144\n')
    let err: unknown
    try { await runSuggest({...base, from: lb4Snapshot(dir), targetPressure: 2}, capture()) } catch (e) { err = e }
    expect((err as Error).message).to.match(/^--target-pressure 2: /)
  })

  it('--validate against the 1.18.12 chart directory passes; a missing --chart is a usage error', async function () {
    requireReference(this)
    const io = capture()
    const code = await runSuggest({...base, from: lb4Snapshot(dir), validate: true, chart: join(REFERENCE_DIR, 'helm', 'cilium-1.18.12')}, io)
    expect(code).to.equal(0)
    expect(io.err).to.match(/--validate: merged values pass/)
    let err: unknown
    try { await runSuggest({...base, from: lb4Snapshot(dir), validate: true}, capture()) } catch (e) { err = e }
    expect((err as Error).message).to.match(/^--validate needs the chart schema/)
  })
})

describe('ciltune suggest on the synthetic incident scenarios', function () {
  this.timeout(60_000)
  for (const [scenario, cleared] of [
    ['synthetic-ct-pressure', ['bpf-map-pressure (CT TCP map nearly full)', 'bpf-map-pressure (NAT map filling up)']],
    ['synthetic-lb4-pressure', ['bpf-map-pressure (LB service map over capacity)']],
  ] as const) {
    it(`${scenario}: the overlay clears the pressure findings when the rules re-run with it`, async function () {
      const dir = join(FIXTURES_DIR, scenario)
      if (!existsSync(dir)) this.skip()
      const io = capture()
      await runSuggest({...base, from: dir}, io)
      const note = /# note: what-if: re-running the rules on the same evidence with these values clears (.*)$/m.exec(io.out)
      expect(note, io.out).to.not.equal(null)
      for (const c of cleared) expect(note![1]).to.contain(c)
      // Whatever still fires names only history (counters, log lines), never a current pressure.
      const still = /# note: what-if: still firing with these values: (.*)$/m.exec(io.out)?.[1] ?? ''
      expect(still).not.to.contain('bpf-map-pressure')
    })
  }
})

describe('ciltune suggest against the simulated cluster with a Helm release secret', function () {
  this.timeout(120_000)
  let run: Running | undefined
  afterEach(async () => {
    if (run) expectReadOnly(run.sim.requests)
    await run?.stop()
    run = undefined
  })

  it('reads current values from the release; --diff and --set are correct and pinned to the chart version', async function () {
    const scenario = join(FIXTURES_DIR, 'synthetic-lb4-pressure')
    if (!existsSync(scenario)) this.skip()
    run = await runSim({scenarioDir: scenario})
    const io = capture()
    await runSuggest({...base, live: run.live(), diff: true, set: true}, io)
    const userLb = (parse(readFileSync(join(scenario, 'helm-values.yaml'), 'utf8').replace(/^USER-SUPPLIED VALUES:.*\n/, '')) as {bpf: {lbMapMax: number}}).bpf.lbMapMax
    expect(io.out).to.match(/^--- current values \(helm-release\)$/m)
    expect(io.out).to.contain(`-  lbMapMax: ${userLb}\n`)
    const m = /^\+ {2}lbMapMax: (\d+)$/m.exec(io.out)
    expect(m, io.out).to.not.equal(null)
    const suggested = Number(m![1])
    expect(suggested).to.be.greaterThan(userLb)
    expect(Math.log2(suggested) % 1).to.equal(0)
    expect(io.out).to.match(/^helm upgrade cilium cilium\/cilium -n kube-system --version \d+\.\d+\.\d+ --reuse-values \\$/m)
    expect(io.out).to.contain(`  --set bpf.lbMapMax=${suggested}`)
  })
})
