import {expect} from 'chai'
import {copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {collectAction} from '../../src/actions/collect.js'
import {captureIo} from '../helpers/io.js'
import {collectLive} from '../../src/collect/live.js'
import {redactText} from '../../src/util/redact.js'
import {FIXTURES_DIR} from '../helpers/reference.js'
import {expectReadOnly} from '../sim/read-only.js'
import {MINI, findingKeys, runSim, type Running} from './helpers.js'

/*
 * `encrypt status` and `bgp peers` run only where cilium-config turns their feature on. The scenario is
 * scenario-mini copied to a temporary directory with the features switched on and the fixtures that imitate
 * real outputs (fixtures/resilience, fixtures/bgp) placed where its agents answer them.
 */

const ENCRYPT = join(FIXTURES_DIR, 'resilience', 'encrypt-status-1.17-wireguard.txt')
const BGP = join(FIXTURES_DIR, 'bgp', 'bgp-peers-dbg-1.18-one-active.txt')

function featureScenario(root: string): string {
  const dir = join(root, 'scenario')
  cpSync(MINI, dir, {recursive: true})
  // edited as text, so the files keep the layout kubectl prints (and doctor --from recognizes)
  const cmPath = join(dir, 'cilium-config.yaml')
  writeFileSync(cmPath, readFileSync(cmPath, 'utf8').replace(/^data:\n/m, 'data:\n  enable-wireguard: "true"\n  enable-bgp-control-plane: "true"\n'))
  // nodes beyond the 3-peer WireGuard fixture's four: the agents that print it are peers short
  const nodesPath = join(dir, 'nodes.yaml')
  const nodes = readFileSync(nodesPath, 'utf8')
  const first = /^- apiVersion: v1\n(?: .*\n)+/m.exec(nodes)![0]
  writeFileSync(nodesPath, nodes.replace(/\n?$/, '\n') + ['e', 'f'].map((x) => first.replaceAll('mini-node-a', `mini-node-${x}`)).join(''))
  for (const pod of ['cilium-mina1', 'cilium-minb2']) copyFileSync(ENCRYPT, join(dir, pod, 'encrypt-status.txt'))
  copyFileSync(BGP, join(dir, 'cilium-mina1', 'bgp-peers.txt'))
  return dir
}

const execs = (r: Running) => r.sim.requests.filter((q) => q.path.endsWith('/exec'))

describe('live: encrypt status and bgp peers only where cilium-config turns them on', function () {
  this.timeout(120_000)
  let run: Running | undefined
  let root: string
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'ciltune-feature-'))
  })
  afterEach(async () => {
    if (run) expectReadOnly(run.sim.requests)
    await run?.stop()
    run = undefined
    rmSync(root, {recursive: true, force: true})
  })

  it('features off: no encrypt or bgp exec is made', async () => {
    run = await runSim({scenarioDir: MINI})
    const c = await collectLive(run.live())
    expect(c.agents).to.have.length(4)
    const commands = execs(run).map((r) => (r.command ?? []).slice(1).join(' '))
    expect(commands.length).to.be.greaterThan(0)
    expect(commands.filter((x) => /encrypt|bgp/.test(x))).to.deep.equal([])
    expect(c.files.filter((f) => f.kind === 'encrypt-status' || f.kind === 'bgp-peers')).to.deep.equal([])
  })

  it('features on: one exec more per command per agent, outputs read as printed, in the right files, same findings as --from', async () => {
    const baseline = await runSim({scenarioDir: MINI})
    await collectLive(baseline.live())
    const before = execs(baseline).length
    await baseline.stop()

    const scenario = featureScenario(root)
    run = await runSim({scenarioDir: scenario})
    const c = await collectLive(run.live())
    // 4 agents answer the exec (one only its `cilium` spelling, one failing on its socket): two commands more each
    expect(execs(run).length).to.equal(before + 2 * 4)
    const a1 = c.files.filter((f) => f.agent === 'cilium-mina1' && (f.kind === 'encrypt-status' || f.kind === 'bgp-peers'))
    expect(a1.map((f) => f.path)).to.deep.equal(['pod/cilium-mina1: cilium-dbg encrypt status', 'pod/cilium-mina1: cilium-dbg bgp peers'])
    expect(a1[0].text).to.equal(readFileSync(ENCRYPT, 'utf8'))
    expect(a1[1].text).to.equal(readFileSync(BGP, 'utf8'))
    // the agent before 1.15 is asked with its own spelling; one that did not capture the output printed nothing
    expect(execs(run).map((r) => (r.command ?? []).join(' '))).to.include('cilium encrypt status')
    expect(c.skipped.map((s) => s.path)).to.include('pod/cilium-minb2: cilium-dbg bgp peers')
    expect(c.agentErrors['cilium-mind4'].map((e) => e.command)).to.include.members(['cilium-dbg encrypt status', 'cilium-dbg bgp peers'])

    const out = join(root, 'capture')
    expect(await collectAction({live: run.live(), output: out}, captureIo())).to.equal(1) // cilium-mind4 is unreadable
    // written as read, redacted as every capture is (the WireGuard key)
    expect(readFileSync(join(out, 'cilium-mina1', 'encrypt-status.txt'), 'utf8')).to.equal(redactText(readFileSync(ENCRYPT, 'utf8')))
    expect(readFileSync(join(out, 'cilium-mina1', 'bgp-peers.txt'), 'utf8')).to.equal(readFileSync(BGP, 'utf8'))
    const live = await findingKeys({live: run.live()})
    expect(live).to.deep.equal(await findingKeys({from: out}))
    // the scenario itself has no collection-errors.json: the crashing agent is not known there as unreachable
    expect(live.filter((f) => !f.startsWith('agent-unreachable |'))).to.deep.equal(await findingKeys({from: scenario}))
    expect(live.find((f) => f.startsWith('encryption-health |'))).to.match(/ \| cilium-mina1,cilium-minb2$/)
    expect(live.filter((f) => f.startsWith('bgp-peers |'))).to.have.length(1)
    expect(live.find((f) => f.startsWith('bgp-peers |'))).to.match(/cilium-mina1/)
  })
})
