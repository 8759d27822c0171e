import {Command} from '@oclif/core/command'
import * as Errors from '@oclif/core/errors'
import * as Flags from '@oclif/core/flags'
import {errorMessage} from '../util/errors.js'
import {resolveColor} from './color.js'
import {parseErrorLine} from './parse-errors.js'

/** An error line under --anonymize: its addresses and the hosts of its URLs (no snapshot exists yet to know more names). */
async function anonymizeLine(line: string): Promise<string> {
  const [{Anonymizer}, {hostOf}] = await Promise.all([import('../util/anonymize.js'), import('../util/anonymize-known.js')])
  const hosts = [...line.matchAll(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'`,;)]+/gi)].flatMap((m) => hostOf(m[0].replace(/[:.]+$/, '')))
  return new Anonymizer({host: hosts, texts: [line]}).text(line)
}

/**
 * Every ciltune command: any failure becomes one line on stderr naming what went wrong, and exit code 2.
 * A stack trace at 3 a.m. helps nobody.
 */
export abstract class BaseCommand extends Command {
  static baseFlags = {
    color: Flags.boolean({description: 'colour output (default: on a terminal, unless NO_COLOR is set; FORCE_COLOR forces it)', allowNo: true, helpGroup: 'GLOBAL'}),
  }

  /** The colour decision for this run, from --color/--no-color, FORCE_COLOR, NO_COLOR and the terminal. */
  protected color(flag: boolean | undefined): boolean {
    return resolveColor(flag)
  }

  protected async catch(error: Error & {exitCode?: number, oclif?: {exit?: number}}): Promise<void> {
    if (error instanceof Errors.ExitError) throw error
    const exit = error.oclif?.exit
    const isParse = 'parse' in error && error instanceof Errors.CLIError
    const flagNames = Object.keys({...this.ctor.flags, ...this.ctor.baseFlags})
    const line = isParse ? parseErrorLine(error, this.id ?? '', flagNames) : errorMessage(error)
    process.stderr.write(`ciltune: ${this.argv.includes('--anonymize') ? await anonymizeLine(line) : line}\n`)
    process.exitCode = exit === undefined || exit === 0 ? 2 : exit
  }
}
