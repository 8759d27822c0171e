/*
 * The pictures: Vega-Lite specs compiled and rendered to SVG by Vega's headless renderer in Node
 * (loaded lazily, only for -o html). Each chart has a title, a text summary (the SVG's <title>/<desc>)
 * and its data as a table, so it reads without sight and on paper.
 * Colours are Okabe-Ito (colour-blind safe) and every value is also written as a label.
 */
import {forecastText} from '../../collect/prometheus-trends.js'
import type {ChartData} from './data.js'
import type {HtmlExtras} from './extras.js'

type Spec = Record<string, unknown>

export interface Chart {
  id: string
  title: string
  summary: string // text alternative: what the picture says
  mark: string // the SVG class of the data marks, so tests can count them against the table
  table: {head: string[], rows: Array<Array<string | number>>}
  spec: Spec
}

export interface RenderedChart extends Omit<Chart, 'spec'> {svg: string}

/*
 * Viridis stops: colour-blind safe, and their lightness falls with the severity, so on a greyscale print
 * "full" is the darkest and "ok" the lightest. Labels on the two dark bands are white.
 */
export const BAND = {full: '#440154', critical: '#31688E', high: '#35B779', ok: '#FDE725'} as const
const labelColor = {condition: {test: "datum.band === 'full' || datum.band === 'critical'", value: 'white'}, value: 'black'}
const pct = (p: number) => `${Math.round(p * 100)} %`
const band = (p: number) => (p >= 1 ? 'full' : p >= 0.95 ? 'critical' : p >= 0.8 ? 'high' : 'ok')
const fmt = (n: number) => Math.round(n).toLocaleString('en-US')
const mib = (b: number) => Math.round((b / 1048576) * 10) / 10

const CONFIG = {
  font: 'sans-serif', background: 'white', view: {stroke: null},
  axis: {labelFontSize: 11, titleFontSize: 12, labelLimit: 260}, legend: {labelFontSize: 11, titleFontSize: 11, orient: 'bottom', labelLimit: 240},
  title: {fontSize: 13, anchor: 'start'},
}

function unit(width: number, layers: Spec[], values: unknown[], extra: Spec = {}): Spec {
  return {$schema: 'https://vega.github.io/schema/vega-lite/v6.json', width, config: CONFIG, data: {values}, layer: layers, ...extra}
}

const bandColor = {field: 'band', type: 'nominal', title: 'pressure', scale: {domain: Object.keys(BAND), range: Object.values(BAND)}}

function pressureCharts(p: ChartData['pressure']): Chart[] {
  if (p.cells.length === 0) return []
  const max = Math.max(1.2, ...p.cells.map((c) => c.bin + 0.1))
  const cells = p.cells.map((c) => ({...c, from: c.bin * 100, to: (c.bin + 0.1) * 100, band: band(c.bin)}))
  const rules = [{at: 80, what: 'high'}, {at: 100, what: 'full'}]
  const dist: Chart = {
    id: 'pressure-distribution', title: 'BPF map pressure across nodes', mark: 'mark-rect role-mark cells_marks',
    summary: `How many of ${p.nodes} nodes sit in each 10 % pressure band, for ${p.maps} maps. ` +
      `Above 100 % the map is full. ${cells.filter((c) => c.bin >= 1).map((c) => `${c.map}: ${c.nodes} node(s) at ${c.label}`).join('; ') || 'No map is full.'}`,
    table: {head: ['map', 'pressure', 'nodes'], rows: cells.map((c) => [c.map, c.label, c.nodes])},
    spec: unit(560, [
      {name: 'cells', mark: {type: 'rect', stroke: 'white', strokeWidth: 1}, encoding: {
        y: {field: 'map', type: 'nominal', title: null}, x: {field: 'from', type: 'quantitative', title: 'pressure (%)', scale: {domain: [0, max * 100]}}, x2: {field: 'to'},
        color: bandColor}},
      {mark: {type: 'text', fontSize: 11, fontWeight: 'bold'}, encoding: {
        y: {field: 'map', type: 'nominal'}, x: {field: 'mid', type: 'quantitative'}, text: {field: 'nodes'}, color: labelColor}, transform: [{calculate: '(datum.from + datum.to) / 2', as: 'mid'}]},
      {data: {values: rules}, mark: {type: 'rule', strokeDash: [4, 3], color: 'black'}, encoding: {x: {field: 'at', type: 'quantitative'}}},
    ], cells, {height: {step: 26}}),
  }
  const worst = p.worst.map((w) => ({...w, who: `${w.node} · ${w.map}`, pct: w.pressure * 100, label: `${pct(w.pressure)} ${band(w.pressure)}`, band: band(w.pressure)}))
  const top: Chart = {
    id: 'pressure-worst', title: `Fullest maps: the worst ${worst.length} node/map pairs`, mark: 'mark-rect role-mark bars_marks',
    summary: `Worst: ${worst.slice(0, 5).map((w) => `${w.map} on ${w.node} at ${pct(w.pressure)}`).join('; ')}.`,
    table: {head: ['node', 'map', 'pressure'], rows: worst.map((w) => [w.node, w.map, pct(w.pressure)])},
    spec: unit(480, [
      {name: 'bars', mark: {type: 'bar'}, encoding: {
        y: {field: 'who', type: 'nominal', sort: null, title: null}, x: {field: 'pct', type: 'quantitative', title: 'pressure (%)', scale: {domainMin: 0}}, color: bandColor}},
      {mark: {type: 'text', align: 'left', dx: 4, fontSize: 11}, encoding: {y: {field: 'who', type: 'nominal', sort: null}, x: {field: 'pct', type: 'quantitative'}, text: {field: 'label'}}},
      {data: {values: [{at: 100}]}, mark: {type: 'rule', strokeDash: [4, 3], color: 'black'}, encoding: {x: {field: 'at', type: 'quantitative'}}},
    ], worst, {height: {step: 22}}),
  }
  return [dist, top]
}

function trendChart(t: ChartData['trends']): Chart[] {
  if (t.info.length === 0) return []
  // numbered series: the number is written on the line, so it is told apart without colour
  const num = new Map(t.info.map((i, k) => [i.series, `${k + 1}. ${i.series}`]))
  const lines = t.lines.map((l) => ({...l, series: num.get(l.series) ?? l.series, pct: l.pressure * 100}))
  const starts = t.info.map((i, k) => ({series: num.get(i.series), hour: 0, pct: i.current * 100, n: String(k + 1)}))
  const eta = t.info.filter((i) => i.hoursToFull !== undefined && i.hoursToFull <= 48)
    .map((i) => ({series: i.series, hour: i.hoursToFull!, pct: 100, label: `${t.info.indexOf(i) + 1}: ` + (i.hoursToFull === 0 ? 'full now' : `full in ~${i.hoursToFull! < 1 ? `${Math.max(1, Math.round(i.hoursToFull! * 60))} min` : `${i.hoursToFull!.toFixed(1)} h`}`)}))
  const text = (i: ChartData['trends']['info'][number]) => `${i.series} at ${pct(i.current)}, ${i.slopePerHour >= 0 ? '+' : ''}${(i.slopePerHour * 100).toFixed(1)} %/h` +
    `, ${forecastText(i.current, i.slopePerHour) ?? 'not rising'}`
  return [{
    id: 'pressure-trend', title: 'Map pressure over time (Prometheus) and time to full', mark: 'mark-line role-mark lines_marks',
    summary: `Least-squares trend over the last ${t.info[0].windowHours.toFixed(1)} h (solid) and its forecast (dashed) until 100 %. ${t.info.map(text).join('; ')}.`,
    table: {head: ['series', 'now', 'per hour', 'full in'], rows: t.info.map((i) => [num.get(i.series) ?? i.series, pct(i.current), `${(i.slopePerHour * 100).toFixed(1)} %`, i.hoursToFull === undefined ? 'not rising' : `${i.hoursToFull.toFixed(1)} h`])},
    spec: unit(560, [
      {name: 'lines', mark: {type: 'line', strokeWidth: 2}, encoding: {
        x: {field: 'hour', type: 'quantitative', title: 'hours from now'}, y: {field: 'pct', type: 'quantitative', title: 'pressure (%)', scale: {domainMin: 0}},
        color: {field: 'series', type: 'nominal', title: null, scale: {range: ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00']}},
        strokeDash: {field: 'kind', type: 'nominal', title: null, scale: {domain: ['fitted', 'forecast'], range: [[1, 0], [6, 4]]}},
        detail: {field: 'kind'}}},
      {data: {values: [{at: 100}]}, mark: {type: 'rule', color: 'black'}, encoding: {y: {field: 'at', type: 'quantitative'}}},
      {data: {values: starts}, mark: {type: 'text', dx: -8, dy: -8, fontSize: 12, fontWeight: 'bold', color: 'black'}, encoding: {
        x: {field: 'hour', type: 'quantitative'}, y: {field: 'pct', type: 'quantitative'}, text: {field: 'n'}}},
      {data: {values: eta}, mark: {type: 'point', shape: 'diamond', size: 80, filled: true, color: 'black'}, encoding: {x: {field: 'hour', type: 'quantitative'}, y: {field: 'pct', type: 'quantitative'}}},
      {data: {values: eta}, mark: {type: 'text', dy: -10, fontSize: 11}, encoding: {x: {field: 'hour', type: 'quantitative'}, y: {field: 'pct', type: 'quantitative'}, text: {field: 'label'}}},
    ], lines, {height: 240}),
  }]
}

function dropChart(d: ChartData['drops']): Chart[] {
  if (d.length === 0) return []
  const rows = d.map((r) => ({...r, label: `${fmt(r.packets)} (${r.agents} agents)`}))
  return [{
    id: 'drops', title: 'Dropped packets by reason (since agent start)', mark: 'mark-rect role-mark bars_marks',
    summary: `${d.map((r) => `${r.reason}: ${fmt(r.packets)} packets on ${r.agents} agents`).join('; ')}.`,
    table: {head: ['reason', 'packets', 'agents'], rows: d.map((r) => [r.reason, fmt(r.packets), r.agents])},
    spec: unit(420, [
      {name: 'bars', mark: {type: 'bar', color: '#0072B2'}, encoding: {
        y: {field: 'reason', type: 'nominal', sort: null, title: null}, x: {field: 'packets', type: 'quantitative', title: 'packets', axis: {format: '~s'}}}},
      {mark: {type: 'text', align: 'left', dx: 4, fontSize: 11}, encoding: {y: {field: 'reason', type: 'nominal', sort: null}, x: {field: 'packets', type: 'quantitative'}, text: {field: 'label'}}},
    ], rows, {height: {step: 22}}),
  }]
}

// light to dark as it gets worse (survives greyscale), and each cell also carries a symbol
export const HEALTH = {'reachable': '#FDE725', 'endpoints unreachable': '#21918C', 'unreachable': '#440154'}
const SYMBOL = {'reachable': '✓', 'endpoints unreachable': '½', 'unreachable': '✗'}

function healthChart(h: ChartData['health']): Chart[] {
  if (h.measured === 0) return []
  const head = `${h.fullyReachable} of ${h.measured} agents reporting cluster health reach every node` +
    (h.measured < h.agents ? ` (${h.agents - h.measured} agents gave no health table)` : '') + '.'
  const worst = h.top.length > 0 ? ` Nodes most agents cannot reach: ${h.top.slice(0, 5).map((t) => `${t.target} (${t.observers})`).join(', ')}.` : ''
  if (h.matrix) {
    const cells = h.matrix.map((c) => ({...c, symbol: SYMBOL[c.state]}))
    return [{
      id: 'health', title: 'Cluster health: which agent reaches which node', mark: 'mark-rect role-mark cells_marks', summary: head + worst,
      table: {head: ['agent on node', 'target node', 'state'], rows: cells.map((c) => [c.observer, c.target, c.state])},
      spec: unit(Math.max(160, 24 * new Set(cells.map((c) => c.target)).size), [
        {name: 'cells', mark: {type: 'rect', stroke: 'white'}, encoding: {
          x: {field: 'target', type: 'nominal', title: 'target node', axis: {labelAngle: -40}}, y: {field: 'observer', type: 'nominal', title: 'agent on node'},
          color: {field: 'state', type: 'nominal', title: null, scale: {domain: Object.keys(HEALTH), range: Object.values(HEALTH)}}}},
        {mark: {type: 'text', fontSize: 12}, encoding: {x: {field: 'target', type: 'nominal'}, y: {field: 'observer', type: 'nominal'}, text: {field: 'symbol'},
          color: {condition: {test: "datum.state !== 'reachable'", value: 'white'}, value: 'black'}}},
      ], cells, {height: {step: 22}}),
    }]
  }
  if (h.top.length === 0) return []
  return [{
    id: 'health', title: `Cluster health: nodes not reachable, by number of agents (${h.measured} agents)`, mark: 'mark-rect role-mark bars_marks', summary: head + worst,
    table: {head: ['target node', 'agents that cannot reach it'], rows: h.top.map((t) => [t.target, t.observers])},
    spec: unit(420, [
      {name: 'bars', mark: {type: 'bar', color: '#440154'}, encoding: {
        y: {field: 'target', type: 'nominal', sort: null, title: null}, x: {field: 'observers', type: 'quantitative', title: 'agents reporting it unreachable', scale: {domain: [0, h.measured]}}}},
      {mark: {type: 'text', align: 'left', dx: 4}, encoding: {y: {field: 'target', type: 'nominal', sort: null}, x: {field: 'observers', type: 'quantitative'}, text: {field: 'observers'}}},
    ], h.top, {height: {step: 22}}),
  }]
}

function memoryChart(m: HtmlExtras['memory']): Chart[] {
  if (m.groups.length === 0) return []
  // the bar says which it is in words too: grey and blue are not the only difference
  const rows = m.groups.map((g) => ({...g, mib: mib(g.bytes), text: `${g.when}: ${mib(g.bytes)} MiB`}))
  const groups = rows.filter((r) => r.when === 'after')
  const before = new Map(rows.filter((r) => r.when === 'before').map((r) => [r.label, r.mib]))
  return [{
    id: 'memory', title: `Kernel memory of CT/NAT/neighbour maps per node, ${m.changed ? 'before and after the suggested sizing' : 'unchanged by the suggestions'}`,
    mark: 'mark-rect role-mark bars_marks',
    summary: `${m.nodes} nodes in ${groups.length} group(s) of equal memory. ${groups.map((g) => `${g.label}: ${before.get(g.label)} MiB before, ${g.mib} MiB after`).join('; ')}.`,
    table: {head: ['nodes', 'before', 'after'], rows: groups.map((g) => [g.label, `${before.get(g.label)} MiB`, `${g.mib} MiB`])},
    spec: unit(420, [
      {name: 'bars', mark: {type: 'bar'}, encoding: {
        y: {field: 'label', type: 'nominal', sort: null, title: null}, yOffset: {field: 'when', sort: ['before', 'after']}, x: {field: 'mib', type: 'quantitative', title: 'MiB (preallocated, charged to the agent)'},
        color: {field: 'when', type: 'nominal', title: null, sort: ['before', 'after'], scale: {domain: ['before', 'after'], range: ['#999999', '#0072B2']}}}},
      {mark: {type: 'text', align: 'left', dx: 4, fontSize: 11}, encoding: {y: {field: 'label', type: 'nominal', sort: null}, yOffset: {field: 'when', sort: ['before', 'after']}, x: {field: 'mib', type: 'quantitative'}, text: {field: 'text'}}},
    ], rows, {height: {step: 40}}),
  }]
}

export function charts(extras: HtmlExtras): Chart[] {
  const c = extras.charts
  return [...pressureCharts(c.pressure), ...trendChart(c.trends), ...dropChart(c.drops), ...healthChart(c.health), ...memoryChart(extras.memory)]
}

// Vega-Lite reports spec adjustments on the console; the report's stdout must stay the report
const QUIET = {level: () => QUIET, error: () => QUIET, warn: () => QUIET, info: () => QUIET, debug: () => QUIET}

const escAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

/** Vega's SVG with a <title> (its accessible name) and a <desc> (its description) for screen readers. */
export async function renderCharts(list: Chart[]): Promise<RenderedChart[]> {
  if (list.length === 0) return []
  const [vl, vega] = await Promise.all([import('vega-lite'), import('vega')])
  const out: RenderedChart[] = []
  for (const c of list) {
    const view = new vega.View(vega.parse(vl.compile(c.spec as never, {logger: QUIET}).spec), {renderer: 'none', logLevel: vega.None})
    const svg = await view.toSVG()
    view.finalize()
    const open = svg.indexOf('>') + 1
    const labelled = svg.slice(0, open - 1) + ` role="img" aria-labelledby="${c.id}-t" aria-describedby="${c.id}-d">` +
      `<title id="${c.id}-t">${escAttr(c.title)}</title><desc id="${c.id}-d">${escAttr(c.summary)}</desc>` + svg.slice(open)
    const {spec: _spec, ...rest} = c
    out.push({...rest, svg: labelled})
  }
  return out
}
