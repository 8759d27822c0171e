import {expect} from 'chai'
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {formatForFile, render} from '../../src/report/formats.js'
import {BAND, HEALTH} from '../../src/report/html/charts.js'
import {healthData} from '../../src/report/html/data.js'
import {EVIDENCE_IN_FULL, evidenceView, SHAPES_SHOWN} from '../../src/report/html/evidence.js'
import {compactHealth} from '../../src/snapshot/compact.js'
import type {AgentStatus} from '../../src/snapshot/schema.js'
import {agent, at, snapshot, status} from '../helpers/snapshot.js'
import {runDoctor} from '../../src/actions/doctor.js'
import {captureIo} from '../helpers/io.js'
import {PROJECT_DIR} from '../helpers/reference.js'

/*
 * -o html without a browser: evidence is inert and redacted, the palette survives greyscale, long evidence is
 * grouped without losing count, and the charting library is reachable only through the format table.
 */

const OSC0 = '\x1b]0;pwned-title\x07'
const OSC8 = '\x1b]8;;https://attacker.invalid/\x1b\\click here\x1b]8;;\x1b\\'
const JWT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJjaWx0dW5lLXRlc3QifQ.c2lnbmF0dXJlLW9mLWEtdGVzdC10b2tlbg'

function hostileCapture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ciltune-html-'))
  const agent = join(dir, `cilium-ab12c${OSC0}`)
  mkdirSync(agent)
  writeFileSync(join(agent, 'cilium-agent.log'),
    `level=fatal msg="boom ${OSC0}${OSC8} </code><script>alert(1)</script> <img src=x onerror=alert(1)> token ${JWT}" subsys=daemon\n`)
  return dir
}

async function html(from: string): Promise<string> {
  const io = captureIo()
  expect(await runDoctor({from, output: 'html', failOn: 'none', color: false}, io)).to.equal(0)
  return io.out
}

const grey = (hex: string) => {
  const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16))
  return 0.2126 * r + 0.7152 * g + 0.0722 * b
}

/** Static imports (not `import()`) of a TypeScript file, resolved to .ts paths or bare package names. */
function staticImports(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  return [...text.matchAll(/^(?:import|export)\s+(?!type\b)[^'"]*?from\s+'([^']+)'/gm)].map((m) => m[1])
    .map((s) => (s.startsWith('.') ? resolve(dirname(file), s.replace(/\.js$/, '.ts')) : s))
}

describe('doctor -o html (rendered in Node)', function () {
  this.timeout(60_000)

  it('is in the one format table: -o html and a file ending in .html or .htm', () => {
    expect(formatForFile('incident.html')).to.equal('html')
    expect(formatForFile('INCIDENT.HTM')).to.equal('html')
  })

  it('evidence from a hostile capture is text: no control byte, no live tag, no secret', async () => {
    const out = await html(hostileCapture())
    expect(out).to.match(/boom/)
    // eslint-disable-next-line no-control-regex
    expect(out).to.not.match(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/)
    expect(out).to.not.match(/pwned-title/)
    expect(out).to.include('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(out).to.include('&lt;img src=x onerror=alert(1)&gt;')
    expect(out.match(/<script|<img/gi)).to.equal(null)
    expect(out).to.not.include(JWT.split('.')[1])
    expect(out).to.include('&lt;redacted&gt;')
  })

  it('--anonymize: no node name of the capture in the findings, the pictures or the overlay', async () => {
    const io = captureIo()
    expect(await runDoctor({from: join(PROJECT_DIR, 'fixtures', 'synthetic-lb4-pressure'), output: 'html', failOn: 'none', color: false, anonymize: true}, io)).to.equal(0)
    expect(io.out).to.include('<svg')
    for (const name of ['lbx-cp-01', 'lbx-wk-01', 'lbx-wk-02', 'cilium-4kc6t']) expect(io.out, name).to.not.include(name)
    const plain = await html(join(PROJECT_DIR, 'fixtures', 'synthetic-lb4-pressure'))
    expect(plain).to.include('lbx-cp-01') // the names are there without the flag: the test looks at the right ones
  })

  it('without the evidence behind it (another caller of the table) the page says there is nothing to draw', async () => {
    const io = captureIo()
    await runDoctor({from: join(PROJECT_DIR, 'fixtures', 'synthetic-healthy'), output: 'json', failOn: 'none', color: false}, io)
    const out = await render(JSON.parse(io.out) as never, 'html', {color: false, wide: false, width: 80})
    expect(out).to.include('No evidence was given to draw from.')
    expect(out).to.not.include('<svg')
  })

  it('pressure bands and health states darken as they get worse: they stay apart in greyscale', () => {
    const bands = [BAND.ok, BAND.high, BAND.critical, BAND.full].map(grey)
    const health = [HEALTH.reachable, HEALTH['endpoints unreachable'], HEALTH.unreachable].map(grey)
    for (const scale of [bands, health]) {
      for (let i = 1; i < scale.length; i++) expect(scale[i - 1] - scale[i], `step ${i}`).to.be.greaterThan(40)
    }
  })

  it('health matrix from compacted tables (unhealthy rows kept, the rest counted): healthy cells are the other nodes, or no matrix when they do not add up', () => {
    const nodes = ['n1', 'n2', 'n3']
    const table = (self: number, down: string[], listed = nodes): AgentStatus => status({clusterHealth: {
      reachable: listed.length - down.length, total: listed.length, text: '', src: at('Cluster health:'),
      nodes: listed.map((n, i) => ({name: n, localhost: i === self, ips: [], host: down.includes(n) ? '0/1' : '1/1', endpoints: '1/1', hostOk: !down.includes(n), endpointsOk: true, src: at(n, 10 + i)})),
    }})
    const built = (tables: AgentStatus[]) => snapshot({agents: tables.map((t, i) => {
      compactHealth(t) // what the snapshot builder does to every status
      return agent(`cilium-${i}`, {node: nodes[i], status: t})
    })})
    const h = healthData(built([table(0, ['n3']), table(1, []), table(2, ['n3'])]))
    expect([h.measured, h.fullyReachable, h.top]).to.deep.equal([3, 1, [{target: 'n3', observers: 2}]])
    expect(h.matrix?.map((c) => `${c.observer}>${c.target}:${c.state}`)).to.deep.equal([
      'n1>n1:reachable', 'n1>n2:reachable', 'n1>n3:unreachable', 'n2>n1:reachable', 'n2>n2:reachable', 'n2>n3:reachable',
      'n3>n1:reachable', 'n3>n2:reachable', 'n3>n3:unreachable'])
    // an agent whose table lists a node no agent runs on: its healthy rows cannot be named, so no matrix, the summary stays
    const odd = healthData(built([table(0, ['n3']), table(1, [], [...nodes, 'n4']), table(2, [])]))
    expect(odd.matrix).to.equal(undefined)
    expect([odd.measured, odd.fullyReachable, odd.top]).to.deep.equal([3, 2, [{target: 'n3', observers: 1}]])
  })

  it(`evidence: up to ${EVIDENCE_IN_FULL} lines as they are; past that one example per shape, the counts adding up`, () => {
    const line = (agent: number, n: number, text: string) => ({source: `cap/cilium-${agent}/metrics.prom`, line: n, text})
    const few = Array.from({length: EVIDENCE_IN_FULL}, (_, i) => line(i, 3, `cilium_drop_count_total{reason="Policy denied"} ${i}`))
    expect(evidenceView(few)).to.deep.equal({kind: 'full', lines: few})
    const many = [...few, line(99, 7, 'cilium_bpf_map_pressure{map_name="lb4_services_v2"} 1.44'), line(98, 7, 'cilium_bpf_map_pressure{map_name="lb4_services_v2"} 1.21')]
    const v = evidenceView(many)
    if (v.kind !== 'grouped') throw new Error('expected grouped')
    expect(v.groups.map((g) => [g.example, g.lines, g.sources])).to.deep.equal([[few[0], 40, 40], [many[40], 2, 2]])
    const shapes = Array.from({length: SHAPES_SHOWN + 5}, (_, i) => line(0, i, `${'x'.repeat(i + 1)} 1`))
    const s = evidenceView(shapes)
    if (s.kind !== 'grouped') throw new Error('expected grouped')
    expect([s.groups.length, s.otherShapes, s.otherLines, s.total]).to.deep.equal([SHAPES_SHOWN, 5, 5, SHAPES_SHOWN + 5])
  })

  it('the charting library and the html renderer load only when -o html is chosen (no static import reaches them)', () => {
    const seen = new Set<string>()
    const queue = readdirSync(join(PROJECT_DIR, 'src', 'commands'), {recursive: true}).map(String).filter((f) => f.endsWith('.ts'))
      .map((f) => join(PROJECT_DIR, 'src', 'commands', f))
    expect(queue.length).to.be.greaterThan(3)
    const packages = new Set<string>()
    while (queue.length > 0) {
      const f = queue.pop()!
      if (seen.has(f)) continue
      seen.add(f)
      for (const dep of staticImports(f)) {
        if (dep.startsWith('/')) {
          if (statSync(dep, {throwIfNoEntry: false})) queue.push(dep)
        } else packages.add(dep)
      }
    }
    expect(seen.size).to.be.greaterThan(10) // the walk really followed imports
    expect([...seen].filter((f) => f.includes(join('src', 'report', 'html')))).to.deep.equal([])
    expect([...packages].filter((p) => /^(vega|vega-lite|puppeteer-core)$/.test(p))).to.deep.equal([])
    // and the html renderer itself imports vega only lazily
    expect(staticImports(join(PROJECT_DIR, 'src', 'report', 'html', 'charts.ts')).filter((p) => p.startsWith('vega'))).to.deep.equal([])
    expect(readFileSync(join(PROJECT_DIR, 'src', 'report', 'html', 'charts.ts'), 'utf8')).to.match(/await Promise\.all\(\[import\('vega-lite'\), import\('vega'\)\]\)/)
  })
})
