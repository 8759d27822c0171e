import {expect} from 'chai'
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {PNG} from 'pngjs'
import type {Browser, Page} from 'puppeteer-core'
import {runDoctor} from '../../src/actions/doctor.js'
import type {DoctorOptions} from '../../src/actions/doctor-options.js'
import type {Report} from '../../src/report/model.js'
import {multiplyScenario} from '../../bench/capture.js'
import {captureIo} from '../helpers/io.js'
import {openMetricsHistory, seedIncidentAgents} from '../helpers/metrics-endpoints.js'
import {prometheusAvailable, startPrometheus, type PrometheusServer} from '../helpers/prometheus-server.js'
import {FIXTURES_DIR, PROJECT_DIR} from '../helpers/reference.js'
import {scaleSnapshot} from './html-scale.js'

/*
 * The HTML report opened in a real browser: Debian's `chromium` (installed by .ci/run), headless, driven
 * by puppeteer-core over the DevTools protocol. Without chromium the suite skips on a dev box and fails in CI.
 * CILTUNE_UPDATE_SCREENSHOT=1 rewrites docs/html-report-seed-incident.png (the README's picture).
 */

const CHROMIUM = process.env.CILTUNE_CHROMIUM_BIN ?? ['/usr/bin/chromium', '/usr/lib/chromium/chromium'].find((p) => existsSync(p))
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
const SEED = join(FIXTURES_DIR, 'synthetic-lb4-pressure')
// marks per data-table row: memory has a before and an after bar, the trend a fitted and a forecast line
const MARKS_PER_ROW: Record<string, number> = {'memory': 2, 'pressure-trend': 2}

interface Opened {
  requests: string[] // every request the page made other than the report file itself
  consoleErrors: string[]
  html: string
  report: Report
  page: Page
}

interface ChartSeen {id: string, marks: number, rows: number, title?: string, desc?: string, caption?: string, role?: string | null, width: number}

/** Highest pressure per map and agent in the scenario's metrics files. */
function pressureInFiles(dir: string): Map<string, number[]> {
  const out = new Map<string, number[]>()
  for (const agent of readdirSync(dir).filter((d) => statSync(join(dir, d)).isDirectory())) {
    const file = join(dir, agent, 'metrics.prom')
    if (!existsSync(file)) continue
    const peak = new Map<string, number>()
    for (const m of readFileSync(file, 'utf8').matchAll(/^cilium_bpf_map_pressure\{map_name="([^"]+)"\} (\S+)$/gm)) peak.set(m[1], Math.max(peak.get(m[1]) ?? 0, Number(m[2])))
    for (const [map, v] of peak) out.set(map, [...(out.get(map) ?? []), v])
  }
  return out
}

function dropReasonsInFiles(dir: string): Set<string> {
  const out = new Set<string>()
  for (const agent of readdirSync(dir).filter((d) => statSync(join(dir, d)).isDirectory())) {
    const file = join(dir, agent, 'metrics.prom')
    if (!existsSync(file)) continue
    for (const m of readFileSync(file, 'utf8').matchAll(/^cilium_drop_count_total\{[^}]*reason="([^"]+)"[^}]*\} (\S+)$/gm)) if (Number(m[2]) > 0) out.add(m[1])
  }
  return out
}

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

describe('doctor -o html in headless Chromium', function () {
  this.timeout(300_000)
  let browser: Browser | undefined
  let prometheus: PrometheusServer | undefined
  let work: string
  const opened = new Map<string, Opened>()

  async function report(name: string, opts: Partial<DoctorOptions>): Promise<{file: string, report: Report}> {
    const file = join(work, `${name}.html`)
    expect(await runDoctor({...opts, output: 'html', outputFile: file, failOn: 'none', color: false}, captureIo())).to.equal(0)
    const json = captureIo()
    await runDoctor({...opts, output: 'json', failOn: 'none', color: false}, json)
    return {file, report: JSON.parse(json.out) as Report}
  }

  async function load(file: string): Promise<Omit<Opened, 'report' | 'html'>> {
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
    opened.set(name, {...await load(file), html: readFileSync(file, 'utf8'), report: r})
  }

  const cspViolations = (page: Page) => page.evaluate('window.cspViolations') as Promise<string[]>

  before(async function () {
    if (!CHROMIUM) {
      if (process.env.CI) throw new Error('chromium not found (CI installs it: apt-get install -y --no-install-recommends chromium)')
      console.log('    skipped: no chromium at /usr/bin/chromium; install it with `apt-get install -y chromium`, or set CILTUNE_CHROMIUM_BIN')
      this.skip()
    }
    work = mkdtempSync(join(tmpdir(), 'ciltune-html-'))
    const puppeteer = (await import('puppeteer-core')).default
    browser = await puppeteer.launch({executablePath: CHROMIUM, headless: true, protocolTimeout: 60_000, userDataDir: join(work, 'profile'), args: FLAGS})
    await open('seed', {from: SEED})
    await open('healthy', {from: join(FIXTURES_DIR, 'synthetic-healthy')})
    const big = join(work, 'capture-1000')
    multiplyScenario(SEED, big, 1000)
    await open('1000', {from: big})
    rmSync(big, {recursive: true, force: true})
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

  it('print: no navigation, every chart\'s data table shown, a PDF of a few pages', async function () {
    const o = opened.get('seed') ?? this.skip()
    await o.page.emulateMediaType('print')
    expect(await o.page.evaluate(`getComputedStyle(document.querySelector('nav')).display`)).to.equal('none')
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

  it('seed incident: the pictures agree with the metrics files, the worst node is named, the overlay is ready to copy', async function () {
    const o = opened.get('seed') ?? this.skip()
    const files = pressureInFiles(SEED)
    const pairs = [...files.values()].reduce((t, v) => t + v.length, 0)
    const bins = [...files.values()].reduce((t, v) => t + new Set(v.map((p) => Math.min(Math.floor(p * 10 + 1e-9), 20))).size, 0)
    const seen = new Map((await charts(o.page)).map((c) => [c.id, c]))
    expect(seen.get('pressure-worst')!.marks).to.equal(Math.min(10, pairs))
    expect(seen.get('pressure-distribution')!.marks).to.equal(bins)
    expect(seen.get('drops')!.marks).to.equal(dropReasonsInFiles(SEED).size)
    expect(seen.has('memory')).to.equal(true)
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

  it('1000 nodes: under 2 MB; top 10 and a histogram whose counts add up to 1000 per map', async function () {
    const o = opened.get('1000') ?? this.skip()
    expect(Buffer.byteLength(o.html)).to.be.lessThan(2 * 1024 * 1024)
    expect(o.report.agents).to.have.length(1000)
    expect(await o.page.$$eval('figure[data-chart="pressure-worst"] tbody tr', (e) => e.length)).to.equal(10)
    const cells = await o.page.$$eval('figure[data-chart="pressure-distribution"] tbody tr', (rows) => rows.map((r) => Number(r.lastElementChild!.textContent)))
    expect(cells.reduce((t, n) => t + n, 0)).to.equal(1000 * pressureInFiles(SEED).size)
    expect(await o.page.$eval('figure[data-chart="pressure-distribution"] figcaption', (e) => e.textContent)).to.include('of 1000 nodes')
    // the what-if re-run of every rule is left to `ciltune suggest` at this size, and the overlay says so
    expect(await o.page.$eval('#overlay pre', (e) => e.textContent)).to.include('what-if: not re-run for 1000 agents')
  })

  it('5000 nodes: the fullest nodes named, health summarized as the nodes most agents cannot reach', async function () {
    const o = opened.get('5000') ?? this.skip()
    expect(Buffer.byteLength(o.html)).to.be.lessThan(2 * 1024 * 1024)
    const worst = await o.page.$$eval('figure[data-chart="pressure-worst"] tbody tr', (rows) => rows.map((r) => [...r.children].map((c) => c.textContent)))
    expect(worst).to.have.length(10)
    expect(worst[0].slice(1)).to.deep.equal(['lb4_services_v2', '115 %'])
    const health = await o.page.$$eval('figure[data-chart="health"] tbody tr', (rows) => rows.map((r) => [...r.children].map((c) => c.textContent)))
    expect(health).to.deep.equal([['node-0007', '1667'], ['node-0013', '1000']])
    expect(await o.page.$eval('figure[data-chart="health"] figcaption', (e) => e.textContent)).to.match(/^2667 of 5000 agents/)
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
