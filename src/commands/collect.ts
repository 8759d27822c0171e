import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {collectAction} from '../actions/collect.js'
import {processIo} from '../actions/doctor-options.js'
import {BaseCommand} from '../cli/base.js'
import {clusterFlags} from '../cli/flags.js'
import {liveOptions} from '../cli/options.js'

export default class Collect extends BaseCommand {
  static summary = 'Save what doctor reads from a cluster as a directory, for doctor --from later or elsewhere'
  static description = 'Read-only, like doctor: a folder per agent pod (status.txt, service-list.txt, map-list.txt, metrics-list.txt, cilium-agent.log), the cluster files (cilium-config.yaml, nodes.yaml, pods.yaml, operator.yaml, helm-values.yaml) and collection-errors.json. Exit 0 when complete, 1 when some evidence could not be read.'
  static examples = [
    '<%= config.bin %> collect ./capture',
    '<%= config.bin %> collect ./capture --context prod --node worker-7 -n cilium-system',
    '<%= config.bin %> doctor --from ./capture',
  ]

  static args = {
    dir: Args.directory({description: 'directory to write (created; must be absent or empty)', required: true}),
  }

  static flags = {
    'redact': Flags.boolean({description: 'replace keys, certificates and tokens by <redacted> (--no-redact writes them as read, with a warning)', default: true, allowNo: true}),
    'anonymize': Flags.boolean({description: 'replace node, pod and namespace names, IPs and CIDRs by consistent pseudonyms in every file and directory name', default: false}),
    ...clusterFlags,
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Collect)
    process.exitCode = await collectAction({live: liveOptions(flags, processIo), output: args.dir, redact: flags.redact, anonymize: flags.anonymize}, processIo)
  }
}
