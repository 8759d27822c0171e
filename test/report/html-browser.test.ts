import {expect} from 'chai'
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {PNG} from 'pngjs'
import type {Browser} from 'puppeteer-core'
import {runDoctor} from '../../src/actions/doctor.js'
import type {Report} from '../../src/report/model.js'
import {multiplyScenario} from '../../bench/capture.js'
import {captureIo} from '../helpers/io.js'
import {FIXTURES_DIR} from '../helpers/reference.js'

/*
 * The HTML report opened in a real browser: Debian's `chromium` (installed by .ci/run), headless,
 * driven by puppeteer-core. Without chromium the suite skips on a dev box and fails in CI.
 */

const CHROMIUM = process.env.CILTUNE_CHROMIUM_BIN ?? ['/usr/bin/chromium', '/usr/lib/chromium/chromium'].find((p) => existsSync(p))
const PROJECT = join(FIXTURES_DIR, '..')

interface Opened {
  requests: string[] // every request the page made other than the report file itself
  consoleErrors: string[]
  html: string
  report: Report
  page: Awaited<ReturnType<Browser['newPage']>>
}

/** Pressure samples as written in the scenario's metrics files: map → node-less list of values per agent. */
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

/** Mean and variance of the luminance of a PNG: a blank (single-colour) page has variance 0. */
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

describe('doctor -o html in headless Chromium', function () {
  this.timeout(180_000)
  let browser: Browser | undefined
  let work: string
  const opened = new Map<string, Opened>()

  async function report(name: string, from: string): Promise<{file: string, report: Report}> {
    const file = join(work, `${name}.html`)
    expect(await runDoctor({from, output: 'html', outputFile: file, failOn: 'none', color: false}, captureIo())).to.equal(0)
    const json = captureIo()
    await runDoctor({from, output: 'json', failOn: 'none', color: false}, json)
    return {file, report: JSON.parse(json.out) as Report}
  }

  async function open(name: string, from: string): Promise<Opened> {
    const {file, report: r} = await report(name, from)
    const page = await browser!.newPage()
    const url = pathToFileURL(file).href
    const o: Opened = {requests: [], consoleErrors: [], html: readFileSync(file, 'utf8'), report: r, page}
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
    opened.set(name, o)
    return o
  }

  before(async function () {
    if (!CHROMIUM) {
      if (process.env.CI) throw new Error('chromium not found (CI installs it: apt-get install -y --no-install-recommends chromium)')
      console.log('    skipped: no chromium (/usr/bin/chromium); install it with apt-get install chromium, or set CILTUNE_CHROMIUM_BIN')
      this.skip()
    }
    work = mkdtempSync(join(tmpdir(), 'ciltune-html-'))
    const puppeteer = (await import('puppeteer-core')).default
    browser = await puppeteer.launch({executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage']})
    await open('lb4', join(FIXTURES_DIR, 'synthetic-lb4-pressure'))
    await open('healthy', join(FIXTURES_DIR, 'synthetic-healthy'))
    const big = join(work, 'capture-1000')
    multiplyScenario(join(FIXTURES_DIR, 'synthetic-lb4-pressure'), big, 1000)
    await open('1000', big)
  })
  after(async () => {
    await browser?.close()
    if (work) rmSync(work, {recursive: true, force: true})
  })

  for (const name of ['lb4', 'healthy', '1000']) {
    it(`${name}: no console errors (CSP violations included) and no request but the file itself`, () => {
      const o = opened.get(name)!
      expect(o.consoleErrors).to.deep.equal([])
      expect(o.requests).to.deep.equal([])
      expect(o.html).to.match(/<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;sha256-[^"]+&#39;; img-src data:/)
      expect(o.html).to.not.match(/<script|<link |@import|url\(http/i)
    })

    it(`${name}: every finding and every evidence line, with source and line`, async () => {
      const o = opened.get(name)!
      const shown = await o.page.$$eval('article.finding', (els) => els.map((e) => ({
        id: e.querySelector('h3 code')?.textContent, evidence: [...e.querySelectorAll('ol.evidence li')].map((li) => `${li.querySelector('.src')?.textContent} ${li.querySelector('code')?.textContent}`),
      })))
      expect(shown.map((f) => f.id)).to.deep.equal(o.report.findings.map((f) => f.id))
      o.report.findings.forEach((f, i) => {
        expect(shown[i].evidence).to.deep.equal(f.evidence.map((e) => `${e.source}${e.line > 0 ? `:${e.line}` : ''} ${e.text}`))
      })
      const sev = await o.page.$$eval('#summary ul.counts li', (els) => els.map((e) => e.textContent))
      expect(sev).to.deep.equal(['critical', 'high', 'medium', 'info'].map((s) => `${s} ${o.report.summary[s as 'high']}`))
    })

    it(`${name}: each chart has as many marks as its data table has rows, and a text alternative`, async () => {
      const o = opened.get(name)!
      const charts = await o.page.$$eval('figure[data-chart]', (figs) => figs.map((f) => {
        const mark = f.getAttribute('data-mark')!.split(' ').map((c: string) => `.${c}`).join('')
        return {
          id: f.getAttribute('data-chart'), marks: f.querySelectorAll(`svg g${mark} > *`).length, rows: f.querySelectorAll('details tbody tr').length,
          title: f.querySelector('svg > title')?.textContent, desc: f.querySelector('svg > desc')?.textContent, caption: f.querySelector('figcaption')?.textContent,
          role: f.querySelector('svg')?.getAttribute('role'), width: f.querySelector('svg')?.getBoundingClientRect().width,
        }
      }))
      expect(charts.length).to.be.greaterThan(0)
      for (const c of charts) {
        expect(c.marks, c.id!).to.equal(c.rows)
        expect(c.rows, c.id!).to.be.greaterThan(0)
        expect(c.role).to.equal('img')
        expect(c.title, c.id!).to.have.length.greaterThan(5)
        expect(c.desc, c.id!).to.have.length.greaterThan(20)
        expect(c.caption).to.equal(c.desc)
        expect(c.width, c.id!).to.be.within(100, 1000)
      }
    })

    it(`${name}: the screenshot is not blank`, async () => {
      const o = opened.get(name)!
      const png = Buffer.from(await o.page.screenshot({type: 'png'}))
      const l = luminance(png)
      expect(l.variance).to.be.greaterThan(500)
      expect(l.dark).to.be.within(0.01, 0.6)
    })
  }

  it('seed incident: pressure chart agrees with the metrics files, and the screenshot for the README', async () => {
    const o = opened.get('lb4')!
    const dir = join(FIXTURES_DIR, 'synthetic-lb4-pressure')
    const files = pressureInFiles(dir)
    const pairs = [...files.values()].reduce((t, v) => t + v.length, 0)
    const bins = [...files.values()].reduce((t, v) => t + new Set(v.map((p) => Math.min(Math.floor(p * 10 + 1e-9), 20))).size, 0)
    const count = (chart: string) => o.page.$eval(`figure[data-chart="${chart}"]`, (f) => f.querySelectorAll(`svg g${f.getAttribute('data-mark')!.split(' ').map((c: string) => `.${c}`).join('')} > *`).length)
    expect(await count('pressure-worst')).to.equal(Math.min(10, pairs))
    expect(await count('pressure-distribution')).to.equal(bins)
    expect(await count('drops')).to.equal(dropReasonsInFiles(dir).size)
    expect(await o.page.$eval('figure[data-chart="pressure-worst"] figcaption', (e) => e.textContent)).to.match(/lb4_services_v2 on \S+ at 144 %/)
    const overlay = await o.page.$eval('#overlay pre', (e) => e.textContent)
    expect(overlay).to.match(/^ {2}lbMapMax: 1024$/m)
    const clip = await o.page.$eval('#pictures', (e) => e.getBoundingClientRect().bottom)
    await o.page.setViewport({width: 1000, height: 1200})
    const png = Buffer.from(await o.page.screenshot({type: 'png', clip: {x: 0, y: 0, width: 1000, height: Math.min(2600, Math.ceil(clip))}, captureBeyondViewport: true}))
    expect(luminance(png).variance).to.be.greaterThan(500)
    expect(png.length).to.be.lessThan(300 * 1024)
    writeFileSync(join(PROJECT, 'docs', 'html-report-seed-incident.png'), png)
  })

  it('healthy: no findings, and no false alarm in the pictures', async () => {
    const o = opened.get('healthy')!
    expect(await o.page.$$eval('article.finding', (e) => e.length)).to.equal(0)
    expect(await o.page.$eval('#findings', (e) => e.textContent)).to.include('No findings.')
    const bands = await o.page.$$eval('figure[data-chart="pressure-worst"] tbody tr td:last-child', (e) => e.map((x) => Number.parseInt(x.textContent!, 10)))
    for (const b of bands) expect(b).to.be.lessThan(80)
  })

  it('1000 nodes: under 2 MB, and the pictures aggregate (top 10, histogram) instead of 1000 bars', async () => {
    const o = opened.get('1000')!
    expect(Buffer.byteLength(o.html)).to.be.lessThan(2 * 1024 * 1024)
    expect(o.report.agents).to.have.length(1000)
    expect(await o.page.$eval('figure[data-chart="pressure-worst"] tbody', (e) => e.querySelectorAll('tr').length)).to.equal(10)
    const cells = await o.page.$$eval('figure[data-chart="pressure-distribution"] tbody tr', (rows) => rows.map((r) => Number(r.lastElementChild!.textContent)))
    const files = pressureInFiles(join(FIXTURES_DIR, 'synthetic-lb4-pressure'))
    // every node in some bin of every map: the counts add up to 1000 per map
    expect(cells.reduce((t, n) => t + n, 0)).to.equal(1000 * files.size)
    expect(await o.page.$eval('figure[data-chart="pressure-distribution"] figcaption', (e) => e.textContent)).to.include('of 1000 nodes')
  })
})
