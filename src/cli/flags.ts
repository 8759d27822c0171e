import * as Flags from '@oclif/core/flags'

/** Flags that select where evidence comes from; shared by doctor, suggest and collect. */
export const clusterFlags = {
  kubeconfig: Flags.string({description: 'kubeconfig file (default: $KUBECONFIG, ~/.kube/config, in-cluster)'}),
  context: Flags.string({description: 'kubeconfig context'}),
  namespace: Flags.string({char: 'n', aliases: ['cilium-namespace'], description: "Cilium's namespace (default: where the cilium DaemonSet runs; alias --cilium-namespace)"}),
  concurrency: Flags.integer({description: 'agents queried at once', default: 10, min: 1}),
  timeout: Flags.integer({description: 'seconds allowed for each request (an exec in an agent, a GET), start to last byte', default: 30, min: 1}),
  deadline: Flags.integer({description: 'seconds for the whole collection; what is not read by then is reported as not evaluated', default: 300, min: 1}),
  node: Flags.string({description: 'only the agent on this node (repeatable)', multiple: true}),
  selector: Flags.string({description: 'extra label selector for agent pods'}),
  quiet: Flags.boolean({description: 'no progress on stderr', default: false}),
}

export const prometheusFlags = {
  'prometheus-url': Flags.string({description: 'Prometheus base URL; its metrics join the evidence (alone it is enough)'}),
  'prometheus-bearer-token-file': Flags.string({description: 'file holding a bearer token for Prometheus'}),
  'prometheus-username': Flags.string({description: 'basic-auth user for Prometheus'}),
  'prometheus-password': Flags.string({description: 'basic-auth password for Prometheus (or $CILTUNE_PROMETHEUS_PASSWORD)', env: 'CILTUNE_PROMETHEUS_PASSWORD'}),
  'prometheus-ca-file': Flags.string({description: 'CA bundle for a TLS Prometheus'}),
  'insecure-skip-tls-verify': Flags.boolean({description: 'do not verify the Prometheus TLS certificate', default: false}),
  'prometheus-range': Flags.integer({description: 'minutes of history for trends and "full in about N h" forecasts', default: 60, min: 5}),
  'discover-prometheus': Flags.boolean({description: 'look for an in-cluster Prometheus (lists Services cluster-wide) and say how to use it', default: false}),
}

export const fromFlag = {
  from: Flags.string({description: 'read saved evidence instead of a cluster: a file, a directory, a sysdump zip, or a snapshot.json'}),
}

/** How doctor and demo report: one format table (src/report/formats.ts), suppressions, baseline. */
export const reportFlags = {
  output: Flags.string({char: 'o', description: 'format on stdout: table, json, yaml, markdown, sarif, junit, html, prometheus; or a file to write, its extension naming the format (report.sarif, report.xml, report.json, report.html, report.prom)', default: 'table'}),
  wide: Flags.boolean({description: 'table: every finding in full (message, evidence lines, each Helm change and its reason, coverage)', default: false}),
  'fail-on': Flags.string({description: 'exit 1 when a (new, unsuppressed) finding is at or above this severity', options: ['critical', 'high', 'medium', 'info', 'none'], default: 'high'}),
  config: Flags.string({description: 'suppressions and severity overrides (default: ./.ciltune.yaml when present)'}),
  baseline: Flags.string({description: 'a report saved with -o json: show only findings new since then, list the resolved ones, exit on new ones only'}),
  'save-snapshot': Flags.string({description: 'write the collected evidence as snapshot JSON (read back with --from)'}),
  anonymize: Flags.boolean({description: 'replace node, pod, namespace and cluster names, IPs and CIDRs by consistent pseudonyms in the report and --save-snapshot (for a public issue)', default: false}),
}

/** Where a scheduled doctor hands its metrics (the prometheus format, whatever -o prints). */
export const metricsHandoffFlags = {
  pushgateway: Flags.string({description: 'PUT the findings as metrics to this Pushgateway (base URL; job "ciltune" unless the URL names /metrics/job/…)'}),
  textfile: Flags.string({description: "write the findings as metrics to this *.prom file atomically (node-exporter's textfile collector directory)"}),
}
