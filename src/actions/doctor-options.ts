import type {LiveOptions, PrometheusOptions} from '../collect/types.js'
import type {Severity} from '../rules/types.js'

export type OutputFormat = 'table' | 'json' | 'yaml' | 'markdown'

export interface DoctorOptions {
  from?: string // file, directory, sysdump zip, or snapshot.json
  live?: LiveOptions // set when evidence comes from a cluster
  prometheus?: PrometheusOptions
  output: OutputFormat
  failOn: Severity | 'none'
  color: boolean
  saveSnapshot?: string
  discoverPrometheus?: boolean // offer an in-cluster Prometheus on stderr (lists Services; opt-in)
}

/** Where commands write; injected so tests and `demo` run the same action as the CLI. */
export interface Io {
  stdout(text: string): void
  stderr(text: string): void
  isTTY: boolean
}

export const processIo: Io = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  isTTY: Boolean(process.stderr.isTTY),
}
