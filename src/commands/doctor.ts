import {processIo} from '../actions/doctor-options.js'
import {runDoctor} from '../actions/doctor.js'
import {BaseCommand} from '../cli/base.js'
import {clusterFlags, fromFlag, metricsHandoffFlags, prometheusFlags, reportFlags} from '../cli/flags.js'
import {liveOptions, prometheusOptions, reportOptions, wantsLive} from '../cli/options.js'

export default class Doctor extends BaseCommand {
  static summary = 'Find what is wrong with Cilium: evidence, reason and the Helm value that fixes it'
  static description = 'Reads a live cluster (read-only), saved outputs, a sysdump, or Prometheus; runs every rule; prints findings with a code, evidence lines and the fix. Exit 0 clean, 1 findings at or above --fail-on, 2 bad input.'
  static examples = [
    {description: 'The cluster of the current kubeconfig context', command: '<%= config.bin %> doctor'},
    {description: 'Cilium in another namespace, another context', command: '<%= config.bin %> doctor -n cilium-system --context prod'},
    {description: 'A saved capture (ciltune collect) or a cilium-cli sysdump', command: '<%= config.bin %> doctor --from ./capture -o json'},
    {description: 'For a CI code-scanning upload', command: '<%= config.bin %> doctor --from cilium-sysdump-20250101-120000.zip -o report.sarif'},
    {description: 'Only what is new since yesterday\'s report', command: '<%= config.bin %> doctor --baseline yesterday.json'},
    {description: 'Prometheus alone', command: '<%= config.bin %> doctor --prometheus-url http://127.0.0.1:9090'},
    {description: 'From a CronJob: findings as metrics to a Pushgateway', command: '<%= config.bin %> doctor --fail-on none -o json --pushgateway http://pushgateway.monitoring:9091'},
  ]

  static flags = {
    ...fromFlag,
    ...clusterFlags,
    ...prometheusFlags,
    ...reportFlags,
    ...metricsHandoffFlags,
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Doctor)
    process.exitCode = await runDoctor({
      from: flags.from,
      live: wantsLive(flags) ? liveOptions(flags, processIo) : undefined,
      prometheus: prometheusOptions(flags),
      ...await reportOptions(flags, this.color(flags.color)),
      discoverPrometheus: flags['discover-prometheus'],
      pushgateway: flags.pushgateway,
      textfile: flags.textfile,
    }, processIo)
  }
}
