import * as Flags from '@oclif/core/flags'
import {processIo} from '../actions/doctor-options.js'
import {runSuggest} from '../actions/suggest.js'
import {BaseCommand} from '../cli/base.js'
import {clusterFlags, fromFlag, prometheusFlags} from '../cli/flags.js'
import {liveOptions, prometheusOptions, wantsLive} from '../cli/options.js'
import {parseOutput} from '../cli/output.js'

export default class Suggest extends BaseCommand {
  static summary = 'Helm values that fix what doctor found, with the numbers, prerequisites and rollout impact'
  static description = 'Runs the doctor rules on the evidence, sizes maps node by node with the agent formula, checks prerequisites, and prints a commented values overlay holding only the keys to change.'
  static examples = [
    '<%= config.bin %> suggest',
    '<%= config.bin %> suggest --from ./capture -o cilium-fix.yaml',
    '<%= config.bin %> suggest -n cilium-system -o json',
    '<%= config.bin %> suggest --from sysdump.zip --merge values.yaml --diff',
    '<%= config.bin %> suggest --set --validate --chart cilium-1.18.12.tgz',
  ]

  static flags = {
    ...fromFlag,
    ...clusterFlags,
    ...prometheusFlags,
    output: Flags.string({char: 'o', description: 'yaml (default) or json on stdout; or a file to write, .yaml/.yml/.json (refuses to overwrite without --force)', default: 'yaml'}),
    force: Flags.boolean({description: 'overwrite the -o file if it exists', default: false}),
    merge: Flags.string({description: 'update this values file in place, keeping comments, order and other keys'}),
    values: Flags.string({description: 'current values file, when the Helm release is not readable'}),
    diff: Flags.boolean({description: 'print a unified diff current → suggested values', default: false}),
    set: Flags.boolean({description: 'print `helm upgrade --reuse-values --set …` flags', default: false}),
    validate: Flags.boolean({description: "check the merged values against the chart's values.schema.json", default: false}),
    chart: Flags.string({description: 'Cilium chart directory or .tgz (schema and chart defaults)'}),
    schema: Flags.string({description: 'values.schema.json to validate against'}),
    improvements: Flags.boolean({description: 'also propose improvements (netkit, BIG TCP, kube-proxy replacement, eBPF host routing …), each only when its prerequisites hold', default: false}),
    'node-config': Flags.string({description: 'write per-node CiliumNodeConfig overrides (when one value does not fit every node) to this file'}),
    anonymize: Flags.boolean({description: 'replace node, pod and namespace names, IPs and CIDRs by consistent pseudonyms (for a public issue)', default: false}),
    'target-pressure': Flags.string({description: 'size maps so observed pressure falls under this fraction', default: '0.5'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Suggest)
    const out = parseOutput(flags.output, ['yaml', 'json'] as const, (p) => (/\.ya?ml$/i.test(p) ? 'yaml' : /\.json$/i.test(p) ? 'json' : undefined))
    process.exitCode = await runSuggest({
      from: flags.from,
      live: wantsLive(flags) ? liveOptions(flags, processIo) : undefined,
      prometheus: prometheusOptions(flags),
      output: out.file,
      format: out.format,
      force: flags.force,
      merge: flags.merge,
      values: flags.values,
      diff: flags.diff,
      set: flags.set,
      validate: flags.validate,
      chart: flags.chart,
      schema: flags.schema,
      targetPressure: Number(flags['target-pressure']),
      improvements: flags.improvements,
      anonymize: flags.anonymize,
      nodeConfig: flags['node-config'],
    }, processIo)
  }
}
