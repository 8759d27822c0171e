import {Command, Errors, Flags} from '@oclif/core'
import {errorMessage} from '../util/errors.js'
import {resolveColor} from './color.js'
import {parseErrorLine} from './parse-errors.js'

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
    process.stderr.write(`ciltune: ${isParse ? parseErrorLine(error, this.id ?? '', flagNames) : errorMessage(error)}\n`)
    process.exitCode = exit === undefined || exit === 0 ? 2 : exit
  }
}
