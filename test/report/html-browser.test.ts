import {expect} from 'chai'
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {PNG} from 'pngjs'
import type {Browser, Page} from 'puppeteer-core'
import {runDoctor} from '../../src/actions/doctor.js'
import {BAND} from '../../src/report/html/charts.js'
import type {DoctorOptions} from '../../src/actions/doctor-options.js'
import type {Report} from '../../src/report/model.js'
import {collectAction} from '../../src/actions/collect.js'
import {startSimCluster} from '../../src/sim/server.js'
import {captureIo} from '../helpers/io.js'
import {openMetricsHistory, seedIncidentAgents} from '../helpers/metrics-endpoints.js'
import {prometheusAvailable, startPrometheus, type PrometheusServer} from '../helpers/prometheus-server.js'
import {FIXTURES_DIR, PROJECT_DIR} from '../helpers/reference.js'
import {scaleSnapshot} from './html-scale.js'
import {dropReasonsInFiles, healthInFiles, pressureBins, pressureInFiles} from './html-inputs.js'

/*
 * The HTML report opened in a real browser: Debian's `chromium` (installed by .ci/run), headless, driven
 * by puppeteer-core over the DevTools protocol. Without chromium the suite skips on a dev box and fails in CI.
 * CILTUNE_UPDATE_SCREENSHOT=1 rewrites docs/html-report-seed-incident.png (the README's picture).
 */

const CHROMIUM = process.env.CILTUNE_CHROMIUM_BIN ?? ['/usr/bin/chromium', '/usr/lib/chromium/chromium'].find((p) => existsSync(p))
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
const SEED = join(FIXTURES_DIR, 'synthetic-lb4-pressure')
const BIG_NODES = 1000
// marks per data-table row: memory has a before and an after bar, the trend a fitted and a forecast line
const MARKS_PER_ROW: Record<string, number> = {'memory': 2, 'pressure-trend': 2}

interface Opened {
  requests: string[] // every request the page made other than the report file itself
  consoleErrors: string[]
  file: string
  html: string
  report: Report
  page: Page
}

interface ChartSeen {id: string, marks: number, rows: number, title?: string, desc?: string, caption?: string, role?: string | null, width: number}

/** Variance and dark share of a PNG's luminance: a blank page has variance 0. */
function luminance(png: Buffer): {variance: number, dark: number} {
  const img = PNG.sync.read(png)
  let sum = 0
  let sq = 0
  let dark = 0
  const n = img.width * img.height
  for (let i = 0; i < img.data.length; i += 4) {
    const y = 0.2126 * img.data[i] + 0.7152 * img.data[i + 1] + 0.0722 * img.data[i + 2]
    sum += y
    sq += y * y
    if (y < 128) dark++
  }
  const mean = sum / n
  return {variance: sq / n - mean * mean, dark: dark / n}
}

function charts(page: Page): Promise<ChartSeen[]> {
  return page.$$eval('figure[data-chart]', (figs) => figs.map((f) => {
    const mark = f.getAttribute('data-mark')!.split(' ').map((c: string) => `.${c}`).join('')
    return {
      id: f.getAttribute('data-chart')!, marks: f.querySelectorAll(`svg g${mark} > *`).length, rows: f.querySelectorAll('details tbody tr').length,
      title: f.querySelector('svg > title')?.textContent ?? undefined, desc: f.querySelector('svg > desc')?.textContent ?? undefined,
      caption: f.querySelector('figcaption')?.textContent ?? undefined, role: f.querySelector('svg')?.getAttribute('role'),
      width: f.querySelector('svg')!.getBoundingClientRect().width,
    }
  }))
}

interface AxNode {role?: string, name?: string, description?: string, children?: AxNode[]}

/** The images in Chromium's accessibility tree, with the name and description it computed for them. */
async function accessibleImages(page: Page): Promise<Array<{name?: string, description?: string}>> {
  const out: Array<{name?: string, description?: string}> = []
  const walk = (n: AxNode | null) => {
    if (!n) return
    if (n.role === 'image' || n.role === 'img') out.push({name: n.name, description: n.description})
    for (const c of n.children ?? []) walk(c)
  }
  walk(await page.accessibility.snapshot({interestingOnly: true}))
  return out
}

/** The colour on screen inside each data mark of a chart (a few pixels in from its top-left corner), by the mark's fill. */
async function markColours(page: Page, chart: string): Promise<Map<string, Array<[number, number, number]>>> {
  const svg = (await page.$(`figure[data-chart="${chart}"] svg`))!
  const box = (await svg.boundingBox())!
  const marks = await svg.$$eval('g.cells_marks > path', (ps) => ps.map((p) => {
    const r = p.getBoundingClientRect()
    return {fill: (p.getAttribute('fill') ?? '').toLowerCase(), x: r.left, y: r.top, w: r.width, h: r.height}
  }))
  const img = PNG.sync.read(Buffer.from(await svg.screenshot({type: 'png'})))
  const out = new Map<string, Array<[number, number, number]>>()
  for (const m of marks.filter((k) => k.w >= 8 && k.h >= 8)) {
    const [x, y] = [Math.round(m.x - box.x + 3), Math.round(m.y - box.y + 3)]
    const i = (y * img.width + x) * 4
    out.set(m.fill, [...(out.get(m.fill) ?? []), [img.data[i], img.data[i + 1], img.data[i + 2]]])
  }
  return out
}

describe('doctor -o html in headless Chromium', function () {
  // the 1000-node capture is collected and parsed in this process: minutes on a loaded 2-core machine
  this.timeout(1_200_000)
  let browser: Browser | undefined
  let prometheus: PrometheusServer | undefined
  let work: string
  let BIG: string // the 1000-node capture, kept until the end: the expected pictures are read from its files
  const opened = new Map<string, Opened>()

  /** The html report, and the json report of the same evidence (read back from the html run's saved snapshot: a capture is parsed once). */
  async function report(name: string, opts: Partial<DoctorOptions>): Promise<{file: string, report: Report}> {
    const file = join(work, `${name}.html`)
    const saved = join(work, `${name}.snapshot.json`)
    expect(await runDoctor({...opts, output: 'html', outputFile: file, failOn: 'none', color: false, saveSnapshot: saved}, captureIo())).to.equal(0)
    const json = captureIo()
    await runDoctor({...opts, from: saved, live: undefined, output: 'json', failOn: 'none', color: false}, json)
    rmSync(saved)
    return {file, report: JSON.parse(json.out) as Report}
  }

  async function load(file: string): Promise<Omit<Opened, 'report' | 'html' | 'file'>> {
    const page = await browser!.newPage()
    const url = pathToFileURL(file).href
    const o = {requests: [] as string[], consoleErrors: [] as string[], page}
    // CSP violations are collected by a listener the browser installs before the page (DevTools scripts are not under the page's CSP)
    await page.evaluateOnNewDocument(`window.cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI))`)
    await page.setRequestInterception(true)
    page.on('request', (req) => {
      if (req.url() !== url) o.requests.push(req.url())
      void (req.url() === url ? req.continue() : req.abort())
    })
    page.on('console', (m) => {
      if (m.type() === 'error') o.consoleErrors.push(m.text())
    })
    page.on('pageerror', (e) => o.consoleErrors.push(String(e)))
    await page.setViewport({width: 1000, height: 1400})
    await page.goto(url, {waitUntil: 'load'})
    return o
  }

  async function open(name: string, opts: Partial<DoctorOptions>): Promise<void> {
    const {file, report: r} = await report(name, opts)
    opened.set(name, {...await load(file), file, html: readFileSync(file, 'utf8'), report: r})
  }

  /**
   * A real-shaped 1000-node cluster: the simulator multiplies the seed incident so every agent prints what an
   * agent of a 1000-node cluster prints (a 1000-node health table, two nodes whose health endpoint times out,
   * 300 Services, a version skew, a degraded node, restarts); `ciltune collect` writes it to disk once.
   */
  async function realShapedCapture(out: string): Promise<void> {
    const sim = await startSimCluster({scenarioDir: SEED, nodes: BIG_NODES, shape: {services: 300, backendsPerService: 3, unreachableNodes: 2, variation: true}})
    try {
      const kubeconfig = sim.writeKubeconfig(work)
      expect(await collectAction({live: {kubeconfig, concurrency: 20, timeoutMs: 60_000}, output: out}, captureIo())).to.equal(0)
    } finally {
      await sim.stop()
    }
  }

  const cspViolations = (page: Page) => page.evaluate('window.cspViolations') as Promise<string[]>

  before(async function () {
    if (!CHROMIUM) {
      if (process.env.CI) throw new Error('chromium not found (CI installs it: apt-get install -y --no-install-recommends chromium)')
      console.log('    skipped: no chromium at /usr/bin/chromium; install it with `apt-get install -y chromium`, or set CILTUNE_CHROMIUM_BIN')
      this.skip()
    }
    work = mkdtempSync(join(tmpdir(), 'ciltune-html-'))
    BIG = join(work, 'capture-1000')
    const puppeteer = (await import('puppeteer-core')).default
    browser = await puppeteer.launch({executablePath: CHROMIUM, headless: true, protocolTimeout: 60_000, userDataDir: join(work, 'profile'), args: FLAGS})
    await open('seed', {from: SEED})
    await open('healthy', {from: join(FIXTURES_DIR, 'synthetic-healthy')})
    await realShapedCapture(BIG)
    await open('1000', {from: BIG})
    const snap = join(work, 'snapshot-5000.json')
    writeFileSync(snap, JSON.stringify(scaleSnapshot(5000)))
    await open('5000', {from: snap})
    if (await prometheusAvailable()) {
      prometheus = await startPrometheus({openmetrics: openMetricsHistory(seedIncidentAgents(3))})
      await open('prometheus', {from: SEED, prometheus: {url: prometheus.url, timeoutMs: 10_000, rangeSeconds: 3600}})
    } else if (process.env.CI) {
      throw new Error('prometheus not on PATH (CI installs it)')
    } else {
      console.log('    (the Prometheus scenario is skipped: prometheus/promtool not installed)')
    }
  })
  after(async () => {
    await browser?.close()
    await prometheus?.stop()
    if (work) rmSync(work, {recursive: true, force: true})
  })

  for (const name of ['seed', 'healthy', '1000', '5000', 'prometheus']) {
    describe(name, () => {
      const get = (ctx: Mocha.Context) => opened.get(name) ?? ctx.skip()

      it('no console error, no CSP violation, no request but the file itself', async function () {
        const o = get(this)
        expect(o.consoleErrors).to.deep.equal([])
        expect(await cspViolations(o.page)).to.deep.equal([])
        expect(o.requests).to.deep.equal([])
        expect(o.html).to.match(/<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;sha256-[^"]+&#39;; img-src data:/)
        expect(o.html).to.not.match(/<script|<link |@import|url\(|style="/i)
      })

      it('every finding with its evidence, source and line (grouped by shape past 40 lines, counts adding up)', async function () {
        const o = get(this)
        const shown = await o.page.$$eval('article.finding', (els) => els.map((e) => ({
          id: e.querySelector('h3 code')?.textContent, code: e.querySelector('p.code a')?.textContent,
          evidence: [...e.querySelectorAll('ol.evidence > li')].map((li) => ({text: `${li.querySelector('.src')?.textContent} ${li.querySelector('code')?.textContent}`, lines: Number(li.getAttribute('data-lines') ?? 1)})),
          other: Number(e.querySelector('p.more')?.getAttribute('data-lines') ?? 0),
        })))
        expect(shown.map((f) => f.id)).to.deep.equal(o.report.findings.map((f) => f.id))
        expect(shown.map((f) => f.code)).to.deep.equal(o.report.findings.map((f) => f.code))
        o.report.findings.forEach((f, i) => {
          const all = f.evidence.map((e) => `${e.source}${e.line > 0 ? `:${e.line}` : ''} ${e.text}`)
          if (all.length <= 40) {
            expect(shown[i].evidence.map((e) => e.text)).to.deep.equal(all)
          } else {
            for (const e of shown[i].evidence) expect(all).to.include(e.text)
            expect(shown[i].evidence.reduce((t, e) => t + e.lines, 0) + shown[i].other).to.equal(all.length)
            expect(shown[i].evidence.length).to.be.at.most(40)
          }
        })
        const sev = await o.page.$$eval('#summary ul.counts li', (els) => els.map((e) => e.textContent))
        expect(sev).to.deep.equal(['critical', 'high', 'medium', 'info'].map((s) => `${s} ${o.report.summary[s as 'high']}`))
      })

      it('each chart: marks match its data table, a text alternative, and it fits the page', async function () {
        const o = get(this)
        const seen = await charts(o.page)
        expect(seen.length).to.be.greaterThan(0)
        for (const c of seen) {
          expect(c.marks, c.id).to.equal(c.rows * (MARKS_PER_ROW[c.id] ?? 1))
          expect(c.rows, c.id).to.be.within(1, 40) // aggregated: as readable at 5000 nodes as at 3
          expect(c.role).to.equal('img')
          expect(c.title, c.id).to.have.length.greaterThan(5)
          expect(c.desc, c.id).to.have.length.greaterThan(20)
          expect(c.caption).to.equal(c.desc)
          expect(c.width, c.id).to.be.within(100, 1000)
        }
        // what a screen reader is given: each picture is an image named by its title and described by its summary
        const ax = await accessibleImages(o.page)
        expect(ax).to.deep.equal(seen.map((c) => ({name: c.title, description: c.desc})))
      })

      it('the screenshot is not blank', async function () {
        const o = get(this)
        await o.page.bringToFront() // headless Chromium paints only the tab in front
        const l = luminance(Buffer.from(await o.page.screenshot({type: 'png'})))
        expect(l.variance).to.be.greaterThan(500)
        expect(l.dark).to.be.within(0.01, 0.6)
      })
    })
  }

  it('print: no navigation, every finding, evidence line and chart with its data table shown, a PDF of a few pages', async function () {
    const o = opened.get('seed') ?? this.skip()
    await o.page.emulateMediaType('print')
    expect(await o.page.evaluate(`getComputedStyle(document.querySelector('nav')).display`)).to.equal('none')
    const visible = (sel: string) => o.page.$$eval(sel, (els) => els.map((e) => e.checkVisibility() && e.getBoundingClientRect().height > 5))
    for (const sel of ['article.finding', 'ol.evidence > li', 'figure svg', 'figcaption', '#overlay pre']) {
      const v = await visible(sel)
      expect(v.length, sel).to.be.greaterThan(0)
      expect(v.every(Boolean), sel).to.equal(true)
    }
    expect((await visible('article.finding')).length).to.equal(o.report.findings.length)
    const shown = `[...document.querySelectorAll('figure details table')].map((t) => t.checkVisibility() && t.getBoundingClientRect().height > 20)`
    const tables = await o.page.evaluate(shown) as boolean[]
    expect(tables.length).to.be.greaterThan(0)
    expect(tables.every(Boolean)).to.equal(true)
    const pdf = Buffer.from(await o.page.pdf({format: 'A4', printBackground: true}))
    expect(pdf.subarray(0, 5).toString()).to.equal('%PDF-')
    const pages = pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)?.length ?? 0
    expect(pages).to.be.within(2, 30)
    await o.page.emulateMediaType('screen')
    expect(await o.page.evaluate(shown)).to.deep.equal(tables.map(() => false)) // closed on screen
  })

  it('colour vision: the pressure bands stay apart for each colour-vision deficiency Chromium emulates', async function () {
    // a page of its own: the emulation's filters are data: URLs the request log would count against the report
    const o = await load((opened.get('5000') ?? this.skip()).file)
    await o.page.bringToFront()
    const distance = (a: number[], b: number[]) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2])
    for (const vision of ['none', 'achromatopsia', 'deuteranopia', 'protanopia', 'tritanopia'] as const) {
      await o.page.emulateVisionDeficiency(vision)
      const seen = await markColours(o.page, 'pressure-distribution')
      // the 5000-node spread fills the ok, high and full bands (critical, 95–100 %, falls in the 90–100 % bin)
      expect(Object.values(BAND).map((c) => c.toLowerCase()), vision).to.include.members([...seen.keys()])
      expect(seen.size, vision).to.be.at.least(3)
      const typical = [...seen.values()].map((v) => v[0])
      for (const v of seen.values()) for (const px of v) expect(distance(px, v[0]), `${vision}: one band, one colour`).to.be.lessThan(12)
      for (let i = 0; i < typical.length; i++) {
        for (let j = i + 1; j < typical.length; j++) expect(distance(typical[i], typical[j]), `${vision}: bands ${i} and ${j}`).to.be.greaterThan(60)
      }
    }
    await o.page.close()
  })

  it('the CSP detector works: an injected inline script, inline style and remote image are refused and seen', async function () {
    const o = opened.get('seed') ?? this.skip()
    const tampered = join(work, 'tampered.html')
    writeFileSync(tampered, o.html.replace('</main>', '<script>document.title="ran"</script><p style="color:red">x</p><img src="http://127.0.0.1:9/x.png" alt=""></main>'))
    const t = await load(tampered)
    expect(await t.page.title()).to.not.equal('ran')
    const v = await cspViolations(t.page)
    expect(v.some((x) => x.startsWith('script-src'))).to.equal(true)
    expect(v.some((x) => x.startsWith('style-src'))).to.equal(true)
    expect(t.consoleErrors.join('\n')).to.match(/Content Security Policy/)
    await t.page.close()
  })

  // the scenarios read from files on disk: their pictures are checked against those files' text
  const inputs: Record<string, () => string> = {seed: () => SEED, healthy: () => join(FIXTURES_DIR, 'synthetic-healthy'), 1000: () => BIG}
  for (const [name, dir] of Object.entries(inputs)) {
    it(`${name}: each picture has as many marks as the input files call for`, async function () {
      const o = opened.get(name) ?? this.skip()
      const seen = new Map((await charts(o.page)).map((c) => [c.id, c]))
      const pressure = pressureInFiles(dir())
      const pairs = [...pressure.values()].reduce((t, v) => t + v.length, 0)
      expect(pairs).to.be.greaterThan(0)
      expect(seen.get('pressure-distribution')?.marks).to.equal(pressureBins(pressure))
      expect(seen.get('pressure-worst')?.marks).to.equal(Math.min(10, pairs))
      const reasons = dropReasonsInFiles(dir()).size
      expect(seen.get('drops')?.marks).to.equal(Math.min(10, reasons))
      const health = healthInFiles(dir())
      expect(health.agents).to.equal(o.report.agents.length)
      if (health.agents <= 30) {
        expect(seen.get('health')?.marks, 'the whole matrix').to.equal(health.pairs)
      } else {
        // a large cluster: one bar per node that agents cannot reach, with how many agents say so
        const rows = await o.page.$$eval('figure[data-chart="health"] tbody tr', (r) => r.map((x) => [...x.children].map((c) => c.textContent)))
        const expected = [...health.unreachable].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 10)
        expect(expected.length).to.be.greaterThan(0)
        expect(rows).to.deep.equal(expected.map(([n, c]) => [n, String(c)]))
        expect(seen.get('health')?.marks).to.equal(expected.length)
        for (const [n, c] of expected.slice(0, 5)) expect(seen.get('health')?.caption).to.include(`${n} (${c})`) // named in the text alternative
      }
      expect(seen.get('memory')?.marks).to.be.greaterThan(0)
    })
  }

  it('seed incident: the worst node is named, the overlay is ready to copy; the README picture', async function () {
    const o = opened.get('seed') ?? this.skip()
    const seen = new Map((await charts(o.page)).map((c) => [c.id, c]))
    expect(seen.get('pressure-worst')!.caption).to.match(/lb4_services_v2 on \S+ at 144 %/)
    expect(await o.page.$eval('#overlay pre', (e) => e.textContent)).to.match(/^ {2}lbMapMax: 1024$/m)
    const bottom = await o.page.$eval('#pictures', (e) => e.getBoundingClientRect().bottom)
    await o.page.bringToFront()
    await o.page.setViewport({width: 1000, height: Math.min(2600, Math.ceil(bottom))})
    const png = Buffer.from(await o.page.screenshot({type: 'png'}))
    await o.page.setViewport({width: 1000, height: 1400})
    expect(luminance(png).variance).to.be.greaterThan(500)
    if (process.env.CILTUNE_UPDATE_SCREENSHOT) writeFileSync(join(PROJECT_DIR, 'docs', 'html-report-seed-incident.png'), png)
  })

  it('healthy: no findings, no pressure at or above 80 %, nothing drawn as full', async function () {
    const o = opened.get('healthy') ?? this.skip()
    expect(await o.page.$$eval('article.finding', (e) => e.length)).to.equal(0)
    expect(await o.page.$eval('#findings', (e) => e.textContent)).to.include('No findings.')
    const pct = await o.page.$$eval('figure[data-chart="pressure-worst"] tbody tr td:last-child', (e) => e.map((x) => Number.parseInt(x.textContent ?? '', 10)))
    for (const p of pct) expect(p).to.be.lessThan(80)
  })

  it('1000 nodes (real-shaped): under 2 MB; top 10 and a histogram whose counts add up to the nodes reporting each map', async function () {
    const o = opened.get('1000') ?? this.skip()
    expect(Buffer.byteLength(o.html)).to.be.lessThan(2 * 1024 * 1024)
    expect(o.report.agents).to.have.length(BIG_NODES)
    expect(await o.page.$$eval('figure[data-chart="pressure-worst"] tbody tr', (e) => e.length)).to.equal(10)
    const cells = await o.page.$$eval('figure[data-chart="pressure-distribution"] tbody tr', (rows) => rows.map((r) => Number(r.lastElementChild!.textContent)))
    expect(cells.reduce((t, n) => t + n, 0)).to.equal([...pressureInFiles(BIG).values()].reduce((t, v) => t + v.length, 0))
    expect(await o.page.$eval('figure[data-chart="pressure-distribution"] figcaption', (e) => e.textContent)).to.include(`of ${BIG_NODES} nodes`)
    // the what-if re-run of every rule is left to `ciltune suggest` at this size, and the overlay says so
    expect(await o.page.$eval('#overlay pre', (e) => e.textContent)).to.include(`what-if: not re-run for ${BIG_NODES} agents`)
  })

  it('5000 nodes: the fullest nodes named, health summarized as the nodes most agents cannot reach', async function () {
    const o = opened.get('5000') ?? this.skip()
    expect(Buffer.byteLength(o.html)).to.be.lessThan(2 * 1024 * 1024)
    const worst = await o.page.$$eval('figure[data-chart="pressure-worst"] tbody tr', (rows) => rows.map((r) => [...r.children].map((c) => c.textContent)))
    expect(worst).to.have.length(10)
    expect(worst[0].slice(1)).to.deep.equal(['lb4_services_v2', '115 %'])
    const health = await o.page.$$eval('figure[data-chart="health"] tbody tr', (rows) => rows.map((r) => [...r.children].map((c) => c.textContent)))
    // from the snapshot the report was made of: agents per node they list as not fully reachable
    const down = new Map<string, number>()
    const agents = scaleSnapshot(5000).agents
    for (const a of agents) for (const n of a.status?.clusterHealth?.nodes ?? []) if (!n.hostOk || !n.endpointsOk) down.set(n.name, (down.get(n.name) ?? 0) + 1)
    expect(health).to.deep.equal([...down].sort((a, b) => b[1] - a[1]).map(([n, c]) => [n, String(c)]))
    const clean = agents.filter((a) => a.status!.clusterHealth!.nodes.every((n) => n.hostOk && n.endpointsOk)).length
    expect(await o.page.$eval('figure[data-chart="health"] figcaption', (e) => e.textContent)).to.match(new RegExp(`^${clean} of 5000 agents`))
    // every label of the picture is inside it: nothing cut at the right edge
    const overflow = await o.page.evaluate(`[...document.querySelectorAll('figure svg')].filter((s) => s.getBoundingClientRect().right > document.documentElement.clientWidth).length`)
    expect(overflow).to.equal(0)
  })

  it('with Prometheus: pressure over time with the time-to-full forecast', async function () {
    const o = opened.get('prometheus') ?? this.skip()
    const trend = (await charts(o.page)).find((c) => c.id === 'pressure-trend')
    expect(trend, 'pressure-trend chart').to.not.equal(undefined)
    // the history ramps ct4_global on worker-0 by 20 % per hour: full in (100 − now) / 20 hours
    const m = /ct4_global on worker-0 at (\d+) %, \+20\.0 %\/h, full in about (\d+) min/.exec(trend!.desc!)
    expect(m, trend!.desc).to.not.equal(null)
    expect(Number(m![2])).to.be.closeTo((100 - Number(m![1])) / 20 * 60, 3)
    const rows = await o.page.$$eval('figure[data-chart="pressure-trend"] tbody tr', (r) => r.map((x) => x.firstElementChild!.textContent))
    expect(rows[0]).to.match(/^1\. lb4_services_v2 on worker-0$/) // already full: first
  })
})
