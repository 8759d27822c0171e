import * as Flags from '@oclif/core/flags'
import {BaseCommand} from '../cli/base.js'
import {listRules} from '../actions/rules.js'

export default class Rules extends BaseCommand {
  static summary = 'List the rules doctor runs (id, severity, title)'
  static flags = {
    output: Flags.string({char: 'o', options: ['table', 'json'], default: 'table', description: 'list format'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Rules)
    process.stdout.write(await listRules(flags.output as 'table' | 'json'))
  }
}
