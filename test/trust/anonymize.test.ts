import {expect} from 'chai'
import {cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {isIP} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {parseAllDocuments} from 'yaml'
import {collectAction} from '../../src/actions/collect.js'
import type {Io} from '../../src/actions/doctor-options.js'
import {runDoctor} from '../../src/actions/doctor.js'
import {runSuggest} from '../../src/actions/suggest.js'
import {FORMAT_NAMES} from '../../src/report/formats.js'
import {FIXTURES_DIR} from '../helpers/reference.js'
import {runSim, type Running} from '../live/helpers.js'

/*
 * Issue 17 item 4: a simulated cluster whose Cilium runs in a private namespace, with a log line
 * naming a workload pod and IPv4/IPv6 addresses, and a named API server. Every report format,
 * --save-snapshot, suggest's output and every file collect writes are searched for every
 * node, pod and namespace name and every address of the scenario: none may survive.
 */

const NAMESPACE = 'netops-cilium'
const WORKLOAD = {namespace: 'payments', pod: 'checkout-7f9c5d-x2x8q'}
const API_HOST = 'api.netops-prod.example'
// the shape of the agent's endpoint log line (pkg/endpoint, slog since 1.18), with invented names and addresses
const LOG_LINE = `time=2026-03-12T08:40:01.000000000Z level=error msg="Error while rewriting endpoint BPF program" module=agent.controlplane.endpoint-manager ciliumEndpointName=${WORKLOAD.namespace}/${WORKLOAD.pod} endpointID=1877 ipv4=10.244.1.77 ipv6=fd00:10:244:1::4d k8sPodName=${WORKLOAD.namespace}/${WORKLOAD.pod} error="attaching program: device not found"\n`

function filesUnder(dir: string): string[] {
  return readdirSync(dir, {recursive: true, withFileTypes: true}).filter((d) => d.isFile()).map((d) => join(d.parentPath, d.name))
}

/** Names and addresses of the scenario, read from its own files (not from ciltune). */
function originals(dir: string): {names: string[], addresses: string[]} {
  const names = new Set<string>([NAMESPACE, WORKLOAD.namespace, WORKLOAD.pod, API_HOST])
  for (const file of ['nodes.yaml', 'pods.yaml']) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
      const items = (doc.toJS() as {items?: Array<{metadata: {name: string}}>}).items ?? []
      for (const i of items) names.add(i.metadata.name)
    }
  }
  for (const d of readdirSync(dir, {withFileTypes: true})) if (d.isDirectory()) names.add(d.name)
  const addresses = new Set<string>()
  for (const f of filesUnder(dir)) {
    const text = readFileSync(f, 'utf8')
    for (const m of text.matchAll(/(?<![\w:.])[0-9a-f:.]*[.:][0-9a-f:.]+(?:\/\d+)?/gi)) {
      const addr = m[0].split('/')[0]
      if (isIP(addr) && !/^(127\.|0\.0\.0\.0$|::1?$)/.test(addr)) addresses.add(m[0])
    }
  }
  return {names: [...names], addresses: [...addresses]}
}

function capture(): Io & {out: string, err: string} {
  const io = {out: '', err: '', isTTY: false, stdout(t: string) { io.out += t }, stderr(t: string) { io.err += t }}
  return io
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
}

function survivors(text: string, o: {names: string[], addresses: string[]}): string[] {
  const names = o.names.filter((n) => new RegExp(`(?<![\\w-])${escape(n)}(?![\\w-])`).test(text))
  const addrs = o.addresses.filter((a) => new RegExp(`(?<![\\w:.])${escape(a)}(?![\\w:]|\\.\\d)`, 'i').test(text))
  return [...names, ...addrs]
}

describe('--anonymize: no node, pod or namespace name and no address survives', function () {
  this.timeout(240_000)
  let run: Running | undefined
  let tmp: string
  let scenario: string
  let known: {names: string[], addresses: string[]}
  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'ciltune-anon-'))
    scenario = join(tmp, 'scenario')
    cpSync(join(FIXTURES_DIR, 'synthetic-lb4-pressure'), scenario, {recursive: true})
    for (const f of filesUnder(scenario)) writeFileSync(f, readFileSync(f, 'utf8').replaceAll('kube-system', NAMESPACE))
    const agent = readdirSync(scenario, {withFileTypes: true}).find((d) => d.isDirectory())!.name
    const log = join(scenario, agent, 'cilium-agent.log')
    writeFileSync(log, readFileSync(log, 'utf8') + LOG_LINE)
    const values = join(scenario, 'helm-values.yaml')
    writeFileSync(values, readFileSync(values, 'utf8').replace(/^k8sServiceHost: .*$/m, `k8sServiceHost: ${API_HOST}`) + 'ipv6NativeRoutingCIDR: fd00:10:244::/56\n')
    known = originals(scenario)
    run = await runSim({scenarioDir: scenario})
  })
  after(async () => {
    await run?.stop()
    rmSync(tmp, {recursive: true, force: true})
  })

  it('the scenario really holds the names and addresses, and without --anonymize they are printed', async () => {
    expect(known.addresses).to.include.members(['10.244.1.77', 'fd00:10:244:1::4d', 'fd00:10:244::/56', '10.244.0.0/16'])
    expect(known.names.length).to.be.greaterThan(8)
    const io = capture()
    await runDoctor({output: 'json', failOn: 'none', color: false, live: run!.live()}, io)
    expect(survivors(io.out, known)).to.include.members([WORKLOAD.namespace, WORKLOAD.pod, '10.244.1.77', 'fd00:10:244:1::4d', 'lbx-cp-01'])
    const snap = join(tmp, 'plain.json')
    await runDoctor({output: 'json', failOn: 'none', color: false, live: run!.live(), saveSnapshot: snap}, capture())
    expect(survivors(readFileSync(snap, 'utf8'), known)).to.include.members([NAMESPACE, API_HOST, 'fd00:10:244::/56'])
  })

  it('every report format and --save-snapshot: nothing survives, and the report still reads', async () => {
    const snap = join(tmp, 'snap.json')
    for (const output of FORMAT_NAMES) {
      const io = capture()
      await runDoctor({output, failOn: 'none', color: false, live: run!.live(), saveSnapshot: snap, anonymize: true}, io)
      expect(survivors(io.out + io.err, known), `doctor -o ${output}`).to.deep.equal([])
      expect(survivors(readFileSync(snap, 'utf8'), known), `--save-snapshot (-o ${output})`).to.deep.equal([])
      expect(io.out.length, output).to.be.greaterThan(200)
      rmSync(snap)
    }
    const io = capture()
    await runDoctor({output: 'json', failOn: 'none', color: false, live: run!.live(), anonymize: true}, io)
    const plain = capture()
    await runDoctor({output: 'json', failOn: 'none', color: false, live: run!.live()}, plain)
    const report = JSON.parse(io.out) as {findings: Array<{id: string, message: string}>, agents: Array<{name: string, node?: string}>}
    // the same node is the same pseudonym in every line; pods keep their component
    expect(report.agents.map((a) => a.name)).to.have.members(['cilium-pod-1', 'cilium-pod-2', 'cilium-pod-3'].filter((_, i) => i < report.agents.length))
    expect(new Set(report.agents.map((a) => a.node)).size).to.equal(report.agents.length)
    for (const a of report.agents) expect(a.node).to.match(/^node-\d+$/)
    const plainReport = JSON.parse(plain.out) as typeof report
    expect(report.findings.map((f) => f.id)).to.deep.equal(plainReport.findings.map((f) => f.id))
    expect(report.findings.length).to.be.greaterThan(2)
  })

  it('suggest: overlay, --diff and --set hold no original name or address', async () => {
    for (const extra of [{}, {diff: true}, {set: true}]) {
      const io = capture()
      await runSuggest({force: false, diff: false, set: false, validate: false, targetPressure: 0.5, live: run!.live(), anonymize: true, ...extra}, io)
      expect(io.out.length).to.be.greaterThan(50)
      expect(survivors(io.out + io.err, known), `suggest ${JSON.stringify(extra)}`).to.deep.equal([])
    }
  })

  it('collect: no file name or content holds an original, and doctor reads the directory with the same findings', async () => {
    const out = join(tmp, 'capture')
    await collectAction({live: run!.live(), output: out, anonymize: true}, capture())
    const files = filesUnder(out)
    expect(files.length).to.be.greaterThan(10)
    expect(readdirSync(out).filter((n) => n.startsWith('.')), 'the staging folder of the first pass is gone').to.deep.equal([])
    for (const f of files) expect(survivors(f.slice(out.length) + '\n' + readFileSync(f, 'utf8'), known), f).to.deep.equal([])
    const plain = capture()
    await runDoctor({output: 'json', failOn: 'none', color: false, live: run!.live()}, plain)
    const fromDir = capture()
    await runDoctor({output: 'json', failOn: 'none', color: false, from: out}, fromDir)
    const ids = (t: string) => (JSON.parse(t) as {findings: Array<{id: string}>}).findings.map((f) => f.id).sort()
    expect(ids(fromDir.out)).to.deep.equal(ids(plain.out))
  })
})
