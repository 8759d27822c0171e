import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {DEFAULT_SCENARIO, demoAction} from '../actions/demo.js'
import {processIo} from '../actions/doctor-options.js'
import {BaseCommand} from '../cli/base.js'
import {reportFlags} from '../cli/flags.js'
import {reportOptions} from '../cli/options.js'

export default class Demo extends BaseCommand {
  static summary = 'See ciltune work in one command: the live doctor against a simulated Cilium cluster'
  static description = 'Starts a simulated Kubernetes API server on 127.0.0.1 serving a scenario shipped with ciltune (agents answer exec with real Cilium output), writes a temporary kubeconfig, runs the live doctor against it, and stops it. Exit code is doctor\'s.'
  static examples = [
    '<%= config.bin %> demo',
    '<%= config.bin %> demo synthetic-healthy -o json',
    '<%= config.bin %> demo synthetic-lb4-pressure --nodes 500',
    '<%= config.bin %> demo --nodes 1000 --services 2000',
    '<%= config.bin %> demo --wide --fail-on critical',
  ]

  static args = {
    scenario: Args.string({description: `scenario shipped with ciltune (e.g. synthetic-healthy) or a scenario directory (default ${DEFAULT_SCENARIO})`}),
  }

  static flags = {
    nodes: Flags.integer({description: 'multiply the scenario to this many agents/nodes', min: 1}),
    latency: Flags.integer({description: 'milliseconds added to every simulated API request', min: 0, default: 0}),
    services: Flags.integer({description: 'Services every simulated agent lists (3 backends each; the scenario\'s own first)', min: 1}),
    concurrency: Flags.integer({description: 'agents queried at once', default: 10, min: 1}),
    ...reportFlags,
    quiet: Flags.boolean({description: 'no banner or progress on stderr', default: false}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Demo)
    process.exitCode = await demoAction({
      scenario: args.scenario,
      nodes: flags.nodes,
      latencyMs: flags.latency,
      services: flags.services,
      concurrency: flags.concurrency,
      ...await reportOptions(flags, this.color(flags.color)),
      quiet: flags.quiet,
    }, processIo)
  }
}
