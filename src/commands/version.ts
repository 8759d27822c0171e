import {BaseCommand} from '../cli/base.js'

export default class Version extends BaseCommand {
  static summary = 'Print the ciltune version, platform and Node version (same as --version)'

  async run(): Promise<void> {
    await this.parse(Version)
    this.log(this.config.userAgent)
  }
}
