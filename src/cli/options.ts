import type {LiveOptions, PrometheusOptions} from '../collect/types.js'
import type {DoctorOptions, Io} from '../actions/doctor-options.js'

interface ClusterFlagValues {
  kubeconfig?: string
  context?: string
  namespace?: string
  concurrency: number
  timeout: number
  deadline?: number
  node?: string[]
  selector?: string
  quiet: boolean
}

interface PrometheusFlagValues {
  'prometheus-url'?: string
  'prometheus-bearer-token-file'?: string
  'prometheus-username'?: string
  'prometheus-password'?: string
  'prometheus-ca-file'?: string
  'insecure-skip-tls-verify': boolean
  'prometheus-range': number
}

/** Progress only where a person watches (stderr is a TTY) and has not asked for quiet. */
export function progressPrinter(io: Io, quiet: boolean): LiveOptions['progress'] {
  if (quiet || !io.isTTY) return undefined
  return (done, total, failed) => {
    io.stderr(`\r\x1b[Kcollecting: ${done}/${total} agents${failed > 0 ? `, ${failed} failed` : ''}${done === total ? '\n' : ''}`)
  }
}

export function liveOptions(f: ClusterFlagValues, io: Io): LiveOptions {
  return {
    kubeconfig: f.kubeconfig,
    context: f.context,
    namespace: f.namespace,
    concurrency: f.concurrency,
    timeoutMs: f.timeout * 1000,
    deadlineSeconds: f.deadline,
    nodes: f.node,
    selector: f.selector,
    progress: progressPrinter(io, f.quiet),
  }
}

export function prometheusOptions(f: PrometheusFlagValues): PrometheusOptions | undefined {
  if (!f['prometheus-url']) return undefined
  return {
    url: f['prometheus-url'],
    bearerTokenFile: f['prometheus-bearer-token-file'],
    username: f['prometheus-username'],
    password: f['prometheus-password'],
    caFile: f['prometheus-ca-file'],
    insecureSkipTlsVerify: f['insecure-skip-tls-verify'],
    timeoutMs: 30_000,
    rangeSeconds: f['prometheus-range'] * 60,
  }
}

/**
 * Prometheus alone is a source (on-call often has Grafana before kubectl); a cluster is used
 * when no --from is given and either no Prometheus was named or cluster flags were.
 */
export function wantsLive(f: {from?: string, kubeconfig?: string, context?: string, 'prometheus-url'?: string}): boolean {
  if (f.from) return false
  if (!f['prometheus-url']) return true
  return Boolean(f.kubeconfig || f.context)
}

interface ReportFlagValues {
  output: string
  wide: boolean
  'fail-on': string
  config?: string
  baseline?: string
  'save-snapshot'?: string
  anonymize?: boolean
}

/** The report half of doctor's options, shared by doctor and demo. */
export async function reportOptions(f: ReportFlagValues, color: boolean): Promise<Pick<DoctorOptions, 'output' | 'outputFile' | 'wide' | 'failOn' | 'color' | 'config' | 'baseline' | 'saveSnapshot' | 'anonymize'>> {
  const {FORMAT_NAMES, formatForFile} = await import('../report/formats.js')
  const {parseOutput} = await import('./output.js')
  const out = parseOutput(f.output, FORMAT_NAMES, formatForFile)
  return {
    output: out.format, outputFile: out.file, wide: f.wide, failOn: f['fail-on'] as DoctorOptions['failOn'],
    color: out.file ? false : color, config: f.config, baseline: f.baseline, saveSnapshot: f['save-snapshot'], anonymize: f.anonymize,
  }
}
