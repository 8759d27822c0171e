import * as Flags from '@oclif/core/flags'
import {processIo} from '../actions/doctor-options.js'
import {runSizing} from '../actions/sizing.js'
import {BaseCommand} from '../cli/base.js'

export default class Sizing extends BaseCommand {
  static summary = "Compute Cilium's dynamic BPF map sizes and their kernel memory for a node"
  static description = 'The agent formula exactly: MemTotal × ratio shared among CT, NAT, neighbor and sock rev-NAT maps, min/max clamps, distributed-LRU rounding, explicit overrides and the NAT cap.'
  static examples = [
    '<%= config.bin %> sizing --memory 16Gi --ratio 0.01',
    '<%= config.bin %> sizing --memory 5035968Ki --cpus 7 --ratio 0.01 --distributed-lru',
    '<%= config.bin %> sizing --memory 64Gi --ratio 0.0025 --ct-tcp-max 1048576 --output json',
  ]

  static flags = {
    memory: Flags.string({description: 'node MemTotal (status.capacity.memory), e.g. 16Gi', required: true}),
    cpus: Flags.integer({description: 'possible CPUs of the node (for distributed LRU rounding)', min: 1}),
    ratio: Flags.string({description: 'bpf.mapDynamicSizeRatio (omit for dynamic sizing off)'}),
    'distributed-lru': Flags.boolean({description: 'bpf.distributedLRU.enabled=true', default: false}),
    'ct-tcp-max': Flags.integer({description: 'explicit bpf.ctTcpMax'}),
    'ct-any-max': Flags.integer({description: 'explicit bpf.ctAnyMax'}),
    'nat-max': Flags.integer({description: 'explicit bpf.natMax'}),
    'neigh-max': Flags.integer({description: 'explicit bpf.neighMax'}),
    'sock-rev-max': Flags.integer({description: 'explicit bpf-sock-rev-map-max (extraConfig)'}),
    ipv6: Flags.boolean({description: 'count the IPv6 maps too (dual stack)', default: false}),
    output: Flags.string({char: 'o', options: ['table', 'json'], default: 'table'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Sizing)
    process.exitCode = runSizing({
      memory: flags.memory,
      cpus: flags.cpus,
      ratio: flags.ratio,
      distributedLru: flags['distributed-lru'],
      overrides: {
        'ct-tcp': flags['ct-tcp-max'], 'ct-any': flags['ct-any-max'], nat: flags['nat-max'],
        neigh: flags['neigh-max'], 'sock-revnat': flags['sock-rev-max'],
      },
      ipv6: flags.ipv6,
      output: flags.output as 'table',
    }, processIo)
  }
}
