import {writeChunked, type TextOut} from '../util/text-chunks.js'
import type {LiveOptions, PrometheusOptions} from '../collect/types.js'
import type {FormatName} from '../report/formats.js'
import type {Severity} from '../rules/types.js'

export type OutputFormat = FormatName

export interface DoctorOptions {
  from?: string // file, directory, sysdump zip, or snapshot.json
  live?: LiveOptions // set when evidence comes from a cluster
  prometheus?: PrometheusOptions
  output: OutputFormat
  outputFile?: string // write the report here instead of stdout (-o report.sarif)
  wide?: boolean // table: every finding's full detail
  config?: string // .ciltune.yaml (default: ./.ciltune.yaml when present)
  baseline?: string // a saved doctor -o json report: show only what is new
  failOn: Severity | 'none'
  color: boolean
  saveSnapshot?: string
  anonymize?: boolean // node, pod, namespace names and addresses → consistent pseudonyms in the report and the snapshot
  pushgateway?: string // PUT the metrics text here (Pushgateway base URL or full grouping-key URL)
  textfile?: string // write the metrics text here atomically (node-exporter textfile collector, *.prom)
  discoverPrometheus?: boolean // offer an in-cluster Prometheus on stderr (lists Services; opt-in)
}

/** Where commands write; injected so tests and `demo` run the same action as the CLI. */
export interface Io {
  /** resolves once the text is handed to the system (a large report goes out in pieces) */
  stdout(text: string): void | Promise<void>
  /** a document in pieces (a large json report), written without joining them into one string; else stdout gets it joined */
  stdoutPieces?(pieces: Iterable<string>): Promise<void>
  stderr(text: string): void
  isTTY: boolean
  columns?: number // stdout's width when it is a terminal
}

export const processIo: Io = {
  stdout: (t) => writeChunked(process.stdout, t),
  stdoutPieces: (p) => writeChunked(process.stdout, p),
  stderr: (t) => process.stderr.write(t),
  isTTY: Boolean(process.stderr.isTTY),
  get columns() {
    return process.stdout.isTTY ? process.stdout.columns : undefined
  },
}

/** `text` on the io's stdout: pieces stay pieces where the io takes them. */
export function writeStdout(io: Io, text: TextOut): void | Promise<void> {
  if (typeof text === 'string') return io.stdout(text)
  return io.stdoutPieces ? io.stdoutPieces(text) : io.stdout([...text].join(''))
}
