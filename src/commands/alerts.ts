import * as Flags from '@oclif/core/flags'
import {processIo} from '../actions/doctor-options.js'
import {runAlerts, type AlertsOutput} from '../actions/alerts.js'
import {BaseCommand} from '../cli/base.js'
import {clusterFlags, fromFlag, prometheusFlags} from '../cli/flags.js'
import {liveOptions, prometheusOptions, wantsLive} from '../cli/options.js'

export default class Alerts extends BaseCommand {
  static summary = "Write Prometheus alert rules for Cilium sized to this cluster's evidence"
  static description = 'Reads the same evidence as doctor (a cluster, --from, or Prometheus) and writes a PrometheusRule (or with -o rules a plain rule file): BPF map time-to-full and pressure with the real map sizes, drops by reason, agents and operator not ready, unreachable nodes, identity and IPAM room, API-server errors and client QPS, and IPsec or WireGuard errors when encryption is on. Every alert has a runbook_url to its `ciltune explain` page and says where its threshold came from.'
  static examples = [
    {description: 'A PrometheusRule for the current cluster', command: '<%= config.bin %> alerts > ciltune-alerts.yaml && kubectl apply -f ciltune-alerts.yaml'},
    {description: 'A plain rule file from a saved capture', command: '<%= config.bin %> alerts --from ./capture -o rules > cilium.rules.yaml'},
    {description: 'Also write promtool unit tests that prove each alert', command: '<%= config.bin %> alerts --from ./capture --unit-tests ./alert-tests && promtool test rules ./alert-tests/ciltune-rules.test.yaml'},
  ]

  static flags = {
    ...fromFlag,
    ...clusterFlags,
    ...prometheusFlags,
    output: Flags.string({char: 'o', description: 'prometheusrule (monitoring.coreos.com/v1, default) or rules (a plain Prometheus rule file)', options: ['prometheusrule', 'rules'], default: 'prometheusrule'}),
    'unit-tests': Flags.string({description: 'directory to write the plain rule file and its promtool unit tests (ciltune-rules.yaml, ciltune-rules.test.yaml)'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Alerts)
    process.exitCode = await runAlerts({
      from: flags.from,
      live: wantsLive(flags) ? liveOptions(flags, processIo) : undefined,
      prometheus: prometheusOptions(flags),
      output: flags.output as AlertsOutput,
      unitTests: flags['unit-tests'],
    }, processIo)
  }
}
