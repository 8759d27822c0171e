import * as Args from '@oclif/core/args'
import {BaseCommand} from '../cli/base.js'
import {fishCompletion} from '../cli/fish-completion.js'

export default class Completion extends BaseCommand {
  static summary = 'Print a shell completion script: fish here; bash and zsh through `ciltune autocomplete`'
  static examples = [
    '<%= config.bin %> completion fish > ~/.config/fish/completions/<%= config.bin %>.fish',
    '<%= config.bin %> autocomplete bash',
    '<%= config.bin %> autocomplete zsh',
  ]

  static args = {shell: Args.string({description: 'shell', options: ['bash', 'zsh', 'fish'], required: true})}

  async run(): Promise<void> {
    const {args} = await this.parse(Completion)
    if (args.shell !== 'fish') {
      // plugin-autocomplete owns bash and zsh (it caches the command list it completes from).
      await this.config.runCommand('autocomplete', [args.shell])
      return
    }
    process.stdout.write(fishCompletion(this.config.bin, this.config.commands))
  }
}
