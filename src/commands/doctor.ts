import {Flags} from '@oclif/core'
import {processIo} from '../actions/doctor-options.js'
import {runDoctor} from '../actions/doctor.js'
import {BaseCommand} from '../cli/base.js'
import {clusterFlags, fromFlag, prometheusFlags} from '../cli/flags.js'
import {liveOptions, prometheusOptions, wantsLive} from '../cli/options.js'

export default class Doctor extends BaseCommand {
  static summary = 'Find what is wrong with Cilium: evidence, reason and the Helm value that fixes it'
  static description = 'Reads a live cluster (read-only), saved outputs, a sysdump, or Prometheus; runs every rule; prints findings with evidence lines.'
  static examples = [
    '<%= config.bin %> doctor',
    '<%= config.bin %> doctor --from fixtures/synthetic-lb4-pressure',
    '<%= config.bin %> doctor --from cilium-sysdump-20250101-120000.zip --output json',
    '<%= config.bin %> doctor --prometheus-url http://127.0.0.1:9090',
  ]

  static flags = {
    ...fromFlag,
    ...clusterFlags,
    ...prometheusFlags,
    output: Flags.string({char: 'o', description: 'report format', options: ['table', 'json', 'yaml', 'markdown'], default: 'table'}),
    'fail-on': Flags.string({description: 'exit 1 when a finding is at or above this severity', options: ['critical', 'high', 'medium', 'info', 'none'], default: 'high'}),
    color: Flags.boolean({description: 'colour the table (default: when stdout is a TTY and NO_COLOR is unset)', allowNo: true}),
    'save-snapshot': Flags.string({description: 'write the collected evidence as snapshot JSON (read back with --from)'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Doctor)
    const color = flags.color ?? (Boolean(process.stdout.isTTY) && !process.env.NO_COLOR)
    process.exitCode = await runDoctor({
      from: flags.from,
      live: wantsLive(flags) ? liveOptions(flags, processIo) : undefined,
      prometheus: prometheusOptions(flags),
      output: flags.output as 'table',
      failOn: flags['fail-on'] as 'high',
      color,
      saveSnapshot: flags['save-snapshot'],
      discoverPrometheus: flags['discover-prometheus'],
    }, processIo)
  }
}
