/** Options of a live collection, as parsed from the cluster flags (src/cli/flags.ts). */
export interface LiveOptions {
  kubeconfig?: string
  context?: string
  namespace?: string // Cilium's namespace; discovered from the cilium DaemonSet when absent
  concurrency: number
  timeoutMs: number
  /** seconds for the whole collection (--deadline): requests not done by then are cut, what is missing is reported */
  deadlineSeconds?: number
  nodes?: string[] // --node: only agents on these nodes
  selector?: string // --selector: extra label selector for agent pods
  /** Called as agents finish; the command decides whether to draw it (TTY, --quiet). */
  progress?: (done: number, total: number, failed: number) => void
}

export interface PrometheusOptions {
  url: string
  bearerTokenFile?: string
  username?: string
  password?: string
  caFile?: string
  insecureSkipTlsVerify?: boolean
  timeoutMs: number
  rangeSeconds: number // trend window (default one hour)
  atMs?: number // evaluate at this instant instead of now (look at an incident after the fact)
}
