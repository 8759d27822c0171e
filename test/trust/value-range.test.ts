import {expect} from 'chai'
import {cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {Io} from '../../src/actions/doctor-options.js'
import {runDoctor} from '../../src/actions/doctor.js'
import {buildSnapshot} from '../../src/ingest/build.js'
import {emptyCollected} from '../../src/ingest/evidence.js'
import {FIXTURES_DIR, REFERENCE_DIR} from '../helpers/reference.js'

/*
 * Issue 17 item 2: a number that became NaN, negative or out of range in a map list, the status
 * BPF Maps table or the metrics is rejected with a line naming the file and the line, never left
 * out without a word. Real outputs, one cell changed in memory; the unchanged output gives no error.
 */

const AGENT = join(FIXTURES_DIR, 'synthetic-lb4-pressure', 'cilium-4kc6t')

function errorsOf(files: Array<{name: string, text: string}>): string[] {
  const c = emptyCollected('files', 'cap')
  c.agents.push('cilium-4kc6t')
  for (const f of files) c.files.push({path: `cap/cilium-4kc6t/${f.name}`, text: f.text, agent: 'cilium-4kc6t'})
  return buildSnapshot(c).agents[0].errors.map((e) => e.message)
}

function changeLine(text: string, match: RegExp, replace: (line: string) => string): {text: string, line: number} {
  const lines = text.split('\n')
  const i = lines.findIndex((l) => match.test(l))
  expect(i, String(match)).to.be.greaterThan(-1)
  lines[i] = replace(lines[i])
  return {text: lines.join('\n'), line: i + 1}
}

describe('impossible numbers are rejected with the file and line', () => {
  const mapList = readFileSync(join(AGENT, 'map-list.txt'), 'utf8')
  const status = readFileSync(join(AGENT, 'status.txt'), 'utf8')
  const metrics = readFileSync(join(AGENT, 'metrics.prom'), 'utf8')

  it('the real outputs as captured: no error', () => {
    expect(errorsOf([{name: 'map-list.txt', text: mapList}, {name: 'status.txt', text: status}, {name: 'metrics.prom', text: metrics}])).to.deep.equal([])
  })

  const mapCases: Array<[string, string, RegExp]> = [
    ['NaN', 'NaN', /Num entries "NaN" is not a count/],
    ['negative', '-178', /Num entries "-178" is not a count/],
    ['beyond a u32', '99999999999999', /more than a BPF map can hold \(4294967295\)/],
  ]
  for (const [name, cell, re] of mapCases) {
    it(`map list, ${name} entry count: rejected, naming map-list.txt and the line`, () => {
      const bad = changeLine(mapList, /^cilium_lb4_backends_v3\s/, (l) => l.replace(/^(cilium_lb4_backends_v3\s+)\d+/, (_m, head: string) => head + cell))
      const errors = errorsOf([{name: 'map-list.txt', text: bad.text}])
      expect(errors).to.have.length(1)
      expect(errors[0]).to.match(new RegExp(`^cap/cilium-4kc6t/map-list\\.txt: line ${bad.line}: rejected: cilium_lb4_backends_v3: `))
      expect(errors[0]).to.match(re)
    })
  }

  it('status BPF Maps table, a negative and a NaN size: each rejected with its line', () => {
    let bad = changeLine(status, /^\s+IPv4 service\s+\d+$/, (l) => l.replace(/\d+$/, '-256'))
    const first = bad.line
    bad = changeLine(bad.text, /^\s+IPv6 service\s+\d+$/, (l) => l.replace(/\d+$/, 'NaN'))
    const errors = errorsOf([{name: 'status.txt', text: bad.text}])
    expect(errors).to.deep.equal([
      `cap/cilium-4kc6t/status.txt: line ${first}: rejected: BPF map "IPv4 service" size "-256" is not a whole number: IPv4 service                  -256`,
      `cap/cilium-4kc6t/status.txt: line ${bad.line}: rejected: BPF map "IPv6 service" size "NaN" is not a whole number: IPv6 service                  NaN`,
    ])
  })

  it('metrics: NaN pressure, a negative counter and +Inf rejected; the other samples kept', () => {
    let bad = changeLine(metrics, /^cilium_bpf_map_pressure\{map_name="ct4_global"\}/, (l) => l.replace(/\S+$/, 'NaN'))
    const nan = bad.line
    bad = changeLine(bad.text, /^cilium_drop_count_total\{/, (l) => l.replace(/\S+$/, '-12'))
    const neg = bad.line
    bad = changeLine(bad.text, /^cilium_bpf_map_pressure\{map_name="lb4_services_v2"\}/, (l) => l.replace(/\S+$/, '+Inf'))
    const c = emptyCollected('files', 'cap')
    c.agents.push('a')
    c.files.push({path: 'cap/a/metrics.prom', text: bad.text, agent: 'a'})
    const agent = buildSnapshot(c).agents[0]
    const errors = agent.errors.map((e) => e.message)
    expect(errors).to.have.length(3)
    expect(errors.find((e) => e.includes(`line ${nan}:`))).to.match(/rejected: cilium_bpf_map_pressure is NaN/)
    expect(errors.find((e) => e.includes(`line ${neg}:`))).to.match(/rejected: cilium_drop_count_total is -12 \(expected a number ≥ 0\)/)
    expect(errors.find((e) => e.includes(`line ${bad.line}:`))).to.match(/cilium_bpf_map_pressure is \+Inf/)
    expect(agent.metrics!.samples.some((s) => s.value < 0)).to.equal(false)
    expect(agent.metrics!.samples.length).to.be.greaterThan(10)
  })

  it('a summary quantile that is NaN (nothing observed) is normal: no error', () => {
    const text = '# TYPE cilium_k8s_client_api_latency_time_seconds summary\ncilium_k8s_client_api_latency_time_seconds{method="GET",path="/api/v1/nodes",quantile="0.5"} NaN\ncilium_k8s_client_api_latency_time_seconds_count{method="GET",path="/api/v1/nodes"} 0\n'
    expect(errorsOf([{name: 'metrics.prom', text}])).to.deep.equal([])
  })

  it('a metrics list (tabular, 1.10) row whose value became NaN is rejected with its line', function () {
    const ref = join(REFERENCE_DIR, 'metrics-list_1.10.0_agent.txt')
    if (!existsSync(ref)) this.skip() // ../shared/reference absent: nothing to mutate
    const bad = changeLine(readFileSync(ref, 'utf8'), /^cilium_unreachable_nodes\s/, (l) => l.replace(/\S+$/, 'NaN'))
    const errors = errorsOf([{name: 'metrics-list.txt', text: bad.text}])
    expect(errors).to.have.length(1)
    expect(errors[0]).to.match(new RegExp(`metrics-list\\.txt: line ${bad.line}: rejected: cilium_unreachable_nodes is NaN`))
  })

  it('doctor: the rejected line is in the report and the exit code is not 0', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'ciltune-range-'))
    try {
      const dir = join(tmp, 'cap')
      cpSync(join(FIXTURES_DIR, 'synthetic-healthy'), dir, {recursive: true})
      const agent = readdirSync(dir, {withFileTypes: true}).find((d) => d.isDirectory())!.name
      const file = join(dir, agent, 'map-list.txt')
      writeFileSync(file, readFileSync(file, 'utf8').replace(/^(cilium_\S+\s+)\d+/m, (_m, head: string) => `${head}-5`))
      const io = {out: '', err: '', isTTY: false, stdout(t: string) { io.out += t }, stderr(t: string) { io.err += t }} as Io & {out: string, err: string}
      const code = await runDoctor({output: 'table', wide: true, failOn: 'medium', color: false, from: dir}, io)
      expect(code).to.not.equal(0)
      expect(io.out).to.match(/map-list\.txt: line \d+: rejected: cilium_\S+: Num entries "-5" is not a count/)
      expect(io.out).to.not.match(/No findings/)
    } finally {
      rmSync(tmp, {recursive: true, force: true})
    }
  })
})
