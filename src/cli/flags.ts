import {Flags} from '@oclif/core'

/** Flags that select where evidence comes from; shared by doctor, suggest and collect. */
export const clusterFlags = {
  kubeconfig: Flags.string({description: 'kubeconfig file (default: $KUBECONFIG, ~/.kube/config, in-cluster)'}),
  context: Flags.string({description: 'kubeconfig context'}),
  'cilium-namespace': Flags.string({description: "Cilium's namespace (default: where the cilium DaemonSet runs)"}),
  concurrency: Flags.integer({description: 'agents queried at once', default: 10, min: 1}),
  timeout: Flags.integer({description: 'seconds allowed for each exec in an agent', default: 30, min: 1}),
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
