import type {RenderOptions} from './formats.js'
import type {Report} from './model.js'

/*
 * The report as Prometheus exposition text (format 0.0.4), for a textfile collector, a Pushgateway or a scrape.
 * Labels carry only names (rule, message id, severity, agent, node, map): never a message or evidence text,
 * which may quote configuration.
 */

type Labels = Record<string, string>
interface Family {name: string, help: string, series: Array<{labels: Labels, value: number}>}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')
}

function seriesLine(name: string, labels: Labels, value: number): string {
  const l = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')
  const num = Number.isFinite(value) ? String(value) : Number.isNaN(value) ? 'NaN' : value > 0 ? '+Inf' : '-Inf'
  return `${name}${l ? `{${l}}` : ''} ${num}`
}

function familyText(f: Family): string {
  const help = f.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')
  return [`# HELP ${f.name} ${help}`, `# TYPE ${f.name} gauge`, ...f.series.map((s) => seriesLine(f.name, s.labels, s.value))].join('\n')
}

/** One series per finding and affected agent; the same label set twice (two findings alike) counts. */
function findingSeries(report: Report): Family['series'] {
  const nodeOf = new Map(report.agents.map((a) => [a.name, a.node ?? '']))
  const counts = new Map<string, {labels: Labels, value: number}>()
  for (const f of report.findings) {
    const agents = f.agents.length > 0 ? f.agents : ['']
    for (const agent of agents) {
      const labels = {rule: f.id, message_id: f.messageId, severity: f.severity, code: f.code, agent, node: nodeOf.get(agent) ?? ''}
      const key = JSON.stringify(labels)
      const prev = counts.get(key)
      if (prev) prev.value += 1
      else counts.set(key, {labels, value: 1})
    }
  }
  return [...counts.values()]
}

function mapFamilies(report: Report, opts: RenderOptions): Family[] {
  const nodeOf = new Map(report.agents.map((a) => [a.name, a.node ?? '']))
  const maps = opts.facts?.maps ?? []
  const labels = (m: {agent: string, map: string}) => ({agent: m.agent, node: nodeOf.get(m.agent) ?? '', map_name: m.map})
  return [
    {name: 'ciltune_bpf_map_pressure_ratio', help: 'Fill of a BPF map as ciltune read it (entries / configured size; 1 = full), from cilium_bpf_map_pressure or map list cached entries.',
      series: maps.map((m) => ({labels: labels(m), value: m.pressure}))},
    {name: 'ciltune_bpf_map_size_entries', help: 'Configured size of a BPF map in entries (agent status, else cilium-config).',
      series: maps.filter((m) => m.size !== undefined).map((m) => ({labels: labels(m), value: m.size!}))},
  ]
}

function runFamilies(report: Report, opts: RenderOptions): Family[] {
  const out: Family[] = []
  if (opts.facts) {
    out.push({name: 'ciltune_last_run_timestamp_seconds', help: 'When this doctor run started (Unix time).', series: [{labels: {}, value: Math.floor(opts.facts.startedAt / 1000)}]})
    out.push({name: 'ciltune_last_run_duration_seconds', help: 'How long this doctor run took, collection included.', series: [{labels: {}, value: Number(opts.facts.durationSeconds.toFixed(3))}]})
  }
  return out
}

export function renderPrometheus(report: Report, opts: RenderOptions): string {
  const cov = report.coverage
  const sevs = ['critical', 'high', 'medium', 'info'] as const
  const families: Family[] = [
    {name: 'ciltune_info', help: 'ciltune version and the Cilium version it read.', series: [{labels: {version: report.tool.version, cilium_version: report.ciliumVersion ?? '', source: report.source.kind}, value: 1}]},
    {name: 'ciltune_finding', help: 'A finding (1 per rule, message id and affected agent; empty agent = cluster-wide).', series: findingSeries(report)},
    {name: 'ciltune_findings', help: 'Findings by severity, suppressed ones excluded.', series: sevs.map((s) => ({labels: {severity: s}, value: report.summary[s]}))},
    ...mapFamilies(report, opts),
    {name: 'ciltune_rules', help: 'Rules by outcome of this run.', series: (['fired', 'passed', 'notEvaluated', 'notApplicable'] as const).map((k) => ({labels: {outcome: k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}, value: cov.rules[k]}))},
    {name: 'ciltune_rule_not_evaluated', help: 'A rule that could not run for lack of evidence (see doctor --wide for why).', series: cov.notEvaluated.map((n) => ({labels: {rule: n.id}, value: 1}))},
    {name: 'ciltune_agents', help: 'Cilium agents found.', series: [{labels: {}, value: cov.agents.total}]},
    {name: 'ciltune_agents_read', help: 'Cilium agents read, by kind of evidence.', series: (['withStatus', 'withServices', 'withMaps', 'withMetrics', 'withLogs'] as const).map((k) => ({labels: {evidence: k.slice(4).toLowerCase()}, value: cov.agents[k]}))},
    {name: 'ciltune_agents_incomplete', help: 'Cilium agents with at least one command that failed.', series: [{labels: {}, value: cov.agents.incomplete}]},
    {name: 'ciltune_source_errors', help: 'Sources that failed (API requests, Prometheus queries).', series: [{labels: {}, value: report.errors.length}]},
    {name: 'ciltune_exit_code', help: 'The exit code of this run (0 clean, 1 findings at or above --fail-on, 3 incomplete).', series: [{labels: {}, value: report.summary.exitCode}]},
    ...runFamilies(report, opts),
  ]
  return families.map(familyText).join('\n') + '\n'
}
