import {expect} from 'chai'
import fc from 'fast-check'
import {isListRow, looksLikeMetrics, parseMetrics} from '../../src/parse/metrics.js'
import {Metrics} from '../../src/snapshot/schema.js'
import {readReference, requireReference} from '../helpers/reference.js'

function parse(text: string, file = 'metrics.txt') {
  const r = parseMetrics(text, file)
  Metrics.parse(r)
  return r
}
const find = (r: Metrics, name: string, labels: Record<string, string> = {}) =>
  r.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))

describe('parseMetrics: real samples', function () {
  before(function () { requireReference(this) })

  it('1.16.4 raw exposition: bpf map pressure per map_name with full precision', function () {
    const r = parse(readReference('metrics_1.16.4_issue36818-bpf-map-pressure.prom'), 'm.prom')
    expect(r.format).to.equal('exposition')
    expect(r.samples).to.have.length(7)
    expect(find(r, 'cilium_bpf_map_pressure', {map_name: 'lb6_services_v2'})[0].value).to.equal(0.006317138671875)
    expect(find(r, 'cilium_bpf_map_pressure', {map_name: 'ct6_global'})[0].value).to.equal(0.012978629687571196)
    expect(find(r, 'cilium_bpf_map_pressure', {map_name: 'lb4_services_v2'})).to.have.length(0)
    expect(find(r, 'cilium_bpf_map_pressure', {map_name: 'lxc'})[0].src).to.deep.equal({file: 'm.prom', line: 9, text: 'cilium_bpf_map_pressure{map_name="lxc"} 0.0002136263065537499'})
    expect(r.unrecognized).to.deep.equal([])
  })

  it('1.12 exposition fragment: drop counters with a spaced reason label; cut-off last line unrecognized', function () {
    const r = parse(readReference('metrics_1.12-dev_issue18692-raw-exposition-drop-count-FRAGMENT.prom'))
    expect(r.format).to.equal('exposition')
    expect(find(r, 'cilium_drop_bytes_total', {direction: 'INGRESS', reason: 'Stale or unroutable IP'})[0].value).to.equal(49574)
    expect(find(r, 'cilium_datapath_conntrack_gc_runs_total', {protocol: 'TCP'})[0].value).to.equal(3)
    expect(r.unrecognized.map((u) => u.line)).to.deep.equal([15])
  })

  it('1.10 metrics list (tabular): 179 samples, labels in any order, spaced values, no-label rows', function () {
    const r = parse(readReference('metrics-list_1.10.0_agent.txt'))
    expect(r.format).to.equal('list-tabular')
    expect(r.samples).to.have.length(179)
    expect(r.unrecognized).to.deep.equal([])
    expect(find(r, 'cilium_bpf_map_ops_total', {map_name: 'lb4_reverse_nat', operation: 'update'})[0].value).to.equal(8)
    expect(find(r, 'cilium_bpf_map_ops_total', {map_name: 'ipcache', operation: 'update'})[0].value).to.equal(1888)
    expect(find(r, 'cilium_triggers_policy_update_total')[0].labels).to.deep.equal({reason: 'one or more identities created or deleted'})
    expect(find(r, 'cilium_unreachable_nodes')[0]).to.include({value: 0})
    expect(find(r, 'cilium_unreachable_nodes')[0].labels).to.deep.equal({})
    expect(find(r, 'cilium_version')[0].labels).to.deep.equal({version: '1.10.0'})
    expect(find(r, 'cilium_endpoint_state', {endpoint_state: 'ready'})[0].value).to.equal(2)
    expect(find(r, 'cilium_process_virtual_memory_max_bytes')[0].value).to.equal(-1)
  })

  it('1.12 tabular fragment: controller failures', function () {
    const r = parse(readReference('metrics-list_1.12-dev_pr19987-tabular-FRAGMENT.txt'))
    expect(r.format).to.equal('list-tabular')
    expect(find(r, 'cilium_controllers_runs_total', {status: 'failure'})[0].value).to.equal(5)
    expect(find(r, 'cilium_controllers_runs_total', {status: 'success'})[0].value).to.equal(25)
    expect(r.samples).to.have.length(9)
    expect(r.unrecognized).to.deep.equal([{line: 10, text: 'cilium_da'}])
  })
})

describe('parseMetrics: synthetic forms', function () {
  it('exposition: escapes in labels, +Inf bucket label, NaN and +Inf values go to unrecognized, timestamps', function () {
    const text = [
      '# HELP cilium_x A metric',
      '# TYPE cilium_x gauge',
      'cilium_x{msg="say \\"hi\\"\\nthere",path="C:\\\\tmp"} 1.5e3 1700000000000',
      'cilium_h_bucket{le="+Inf"} 42',
      'cilium_nan NaN',
      'cilium_inf +Inf',
      'not a sample',
    ].join('\n')
    const r = parse(text)
    expect(r.format).to.equal('exposition')
    expect(r.samples.map((s) => [s.name, s.value])).to.deep.equal([['cilium_x', 1500], ['cilium_h_bucket', 42]])
    expect(r.samples[0].labels).to.deep.equal({msg: 'say "hi"\nthere', path: 'C:\\tmp'})
    expect(r.samples[1].labels.le).to.equal('+Inf')
    expect(r.unrecognized.map((u) => u.line)).to.deep.equal([5, 6, 7])
  })

  it('1.17+ shell list: unquoted sorted labels, %f values, histogram quantiles with SI prefixes, summaries', function () {
    const text = [
      'Metric                                   Labels                                       Value',
      'cilium_bpf_map_pressure                  map_name=lb4_services_v2                     0.934000',
      'cilium_drop_count_total                  direction=INGRESS reason=Stale or unroutable IP   12.000000',
      'cilium_endpoint_regeneration_time_stats_seconds   scope=total                         15ms / 30ms / 1.2s',
      'cilium_k8s_client_api_latency_time_seconds   method=GET path=/api/v1/nodes            250µs / 1.5ms / 2ms',
      'cilium_fqdn_gc_sizes                                                                  1.2k / 3k / 4.5k',
      'cilium_policy_summary_seconds            kind=x                                       p50(1ms) p90(2ms) p99(5ms)',
      'cilium_unreachable_nodes                                                              0.000000',
    ].join('\n')
    const r = parse(text)
    expect(r.format).to.equal('list-shell')
    expect(r.unrecognized).to.deep.equal([])
    expect(find(r, 'cilium_bpf_map_pressure', {map_name: 'lb4_services_v2'})[0].value).to.equal(0.934)
    expect(find(r, 'cilium_drop_count_total')[0].labels).to.deep.equal({direction: 'INGRESS', reason: 'Stale or unroutable IP'})
    const regen = find(r, 'cilium_endpoint_regeneration_time_stats_seconds', {scope: 'total'})
    expect(regen.map((s) => [s.labels.quantile, s.value])).to.deep.equal([['0.5', 0.015], ['0.9', 0.03], ['0.99', 1.2]])
    expect(find(r, 'cilium_k8s_client_api_latency_time_seconds', {quantile: '0.5'})[0].value).to.be.closeTo(0.00025, 1e-12)
    expect(find(r, 'cilium_fqdn_gc_sizes', {quantile: '0.99'})[0].value).to.equal(4500)
    expect(find(r, 'cilium_policy_summary_seconds').map((s) => s.labels.quantile)).to.deep.equal(['0.5', '0.9', '0.99'])
    expect(find(r, 'cilium_unreachable_nodes')[0].value).to.equal(0)
  })

  it('-o json: [{name, labels, value}] with line numbers', function () {
    const json = JSON.stringify([
      {name: 'cilium_bpf_map_pressure', labels: {map_name: 'lb4_services_v2'}, value: 0.5},
      {name: 'cilium_unreachable_nodes', labels: {}, value: 2},
      {name: 'cilium_broken', labels: {}, value: 'x'},
    ], null, 2)
    const r = parse(json)
    expect(r.format).to.equal('json')
    expect(r.samples.map((s) => [s.name, s.value])).to.deep.equal([['cilium_bpf_map_pressure', 0.5], ['cilium_unreachable_nodes', 2]])
    expect(json.split('\n')[r.samples[1].src.line - 1]).to.include('"cilium_unreachable_nodes"')
    expect(r.unrecognized).to.have.length(1)
  })

  it('detector: the three forms yes; service list and logs no', function () {
    expect(looksLikeMetrics('# HELP cilium_x y\n# TYPE cilium_x gauge\ncilium_x 1\n')).to.equal(true)
    expect(looksLikeMetrics('Metric   Labels   Value\n')).to.equal(true)
    expect(looksLikeMetrics('[{"labels":{},"name":"cilium_x","value":1}]')).to.equal(true)
    expect(looksLikeMetrics('ID   Frontend   Service Type   Backend\n')).to.equal(false)
    expect(looksLikeMetrics('level=info msg="x"\n')).to.equal(false)
    expect(looksLikeMetrics('cilium_lb4_backends_v2    14052   2782     true\n')).to.equal(false)
  })
})

describe('metrics list rows: recognized in linear time', () => {
  // the one regex isListRow replaces: right on short lines, cubic on a long run of spaces
  const BACKTRACKING = /^[a-zA-Z_:][a-zA-Z0-9_:]*\s{2,}(?:.*\s{2,})?(?:[+-]?\d+\.\d{6}|\S+ \/ \S+ \/ \S+|p\d+\(.*\))$/
  const char = fc.constantFrom('a', '_', ':', ' ', ' ', ' ', '\r', '\n', '\t', '1', '0', '.', '-', 'p', '(', ')', '/', '=')
  const word = (n: number) => fc.array(char, {maxLength: n}).map((a) => a.join(''))

  it('answers as the regex did on every short line', () => {
    const row = fc.tuple(fc.constantFrom('cilium_x', 'a:b', ':'), word(10), fc.constantFrom(' ', '  ', '   '), word(10), fc.constantFrom('1.000000', '-2.500000', 'p50(1ms)', 'a / b / c', '5')).map((p) => p.join(''))
    fc.assert(fc.property(fc.oneof(word(30), row), (l) => {
      expect(isListRow(l), JSON.stringify(l)).to.equal(BACKTRACKING.test(l))
    }), {numRuns: 20_000, seed: 7})
  })

  it('real rows are rows; a line of spaces around a colon is not', () => {
    expect(isListRow('cilium_bpf_map_pressure   map_name=cilium_lb4_services_v2   0.912000')).to.equal(true)
    expect(isListRow(`:${' '.repeat(10_000)}\r2024-03-13T10:14:08Z level=info msg="x"`)).to.equal(false)
    expect(looksLikeMetrics(`${' '.repeat(4000)}:${' '.repeat(6000)}\rlevel=info msg="x"\r`)).to.equal(false)
  })
})
