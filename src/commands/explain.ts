import * as Args from '@oclif/core/args'
import {BaseCommand} from '../cli/base.js'
import {explainRule} from '../actions/rules.js'

export default class Explain extends BaseCommand {
  static summary = "Print one rule's documentation: what it checks, why it matters, the fix, prerequisites, sources"
  static args = {id: Args.string({description: 'rule id (see `ciltune rules`)', required: true})}

  async run(): Promise<void> {
    const {args} = await this.parse(Explain)
    process.stdout.write(await explainRule(args.id))
  }
}
