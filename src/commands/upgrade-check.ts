import * as Flags from '@oclif/core/flags'
import {processIo} from '../actions/doctor-options.js'
import {runUpgradeCheck} from '../actions/upgrade-check.js'
import {BaseCommand} from '../cli/base.js'
import {clusterFlags, fromFlag} from '../cli/flags.js'
import {liveOptions, reportOptions} from '../cli/options.js'

export default class UpgradeCheck extends BaseCommand {
  static summary = 'Will this helm upgrade break the cluster? Values the target chart drops or retypes, the upgrade path, changed defaults, node and Kubernetes requirements'
  static description = 'Compares the values in use (Helm release, --values, or --from) with the target chart (shipped knowledge of the released charts 1.14 to 1.20, or --chart). Refuses a step that skips a minor. Exit 0 clean, 1 findings at or above --fail-on, 2 bad input or a refused step.'
  static examples = [
    {description: 'The release in the current kubeconfig context, to the next minor', command: '<%= config.bin %> upgrade-check --to 1.19'},
    {description: 'A values file alone', command: '<%= config.bin %> upgrade-check --values values.yaml --current 1.17.6 --to 1.18'},
    {description: 'A saved capture, against a chart pulled with helm', command: '<%= config.bin %> upgrade-check --from ./capture --to 1.19.6 --chart cilium-1.19.6.tgz -o json'},
    {description: 'Also write the values migrated for the target chart', command: '<%= config.bin %> upgrade-check --values values.yaml --current 1.17 --to 1.18 --write-values values-1.18.yaml'},
  ]

  static flags = {
    to: Flags.string({description: 'target Cilium version (X.Y or X.Y.Z); one minor above the current one', required: true}),
    current: Flags.string({description: 'current Cilium version, when the evidence does not say it (a values file alone)'}),
    values: Flags.string({description: 'current Helm values from this file (helm get values output works) instead of the release'}),
    chart: Flags.string({description: 'the target chart, a directory or .tgz (helm pull cilium/cilium --version X), instead of the knowledge shipped with ciltune'}),
    'write-values': Flags.string({description: 'write the values migrated for the target chart (removed keys replaced by their successors, comments kept) to this file'}),
    force: Flags.boolean({description: 'overwrite the --write-values file', default: false}),
    ...fromFlag,
    ...clusterFlags,
    output: Flags.string({char: 'o', description: 'format on stdout: table, json, yaml, markdown, sarif, junit; or a file to write, its extension naming the format', default: 'table'}),
    wide: Flags.boolean({description: 'table: every finding in full', default: false}),
    'fail-on': Flags.string({description: 'exit 1 when a finding is at or above this severity', options: ['critical', 'high', 'medium', 'info', 'none'], default: 'high'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(UpgradeCheck)
    // a values file alone is enough; a cluster is read when asked for, or when nothing else gives values
    const cluster = Boolean(flags.kubeconfig || flags.context) || (!flags.from && !flags.values)
    const report = await reportOptions({output: flags.output, wide: flags.wide, 'fail-on': flags['fail-on']}, this.color(flags.color))
    process.exitCode = await runUpgradeCheck({
      to: flags.to,
      current: flags.current,
      values: flags.values,
      chart: flags.chart,
      from: flags.from,
      live: !flags.from && cluster ? liveOptions(flags, processIo) : undefined,
      writeValues: flags['write-values'],
      force: flags.force,
      output: report.output, outputFile: report.outputFile, wide: report.wide, failOn: report.failOn, color: report.color,
    }, processIo)
  }
}
