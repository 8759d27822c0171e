import {Command, Errors} from '@oclif/core'
import {errorMessage} from '../util/errors.js'

/**
 * Every ciltune command: any failure becomes one line on stderr naming what went wrong, and exit code 2.
 * A stack trace at 3 a.m. helps nobody.
 */
export abstract class BaseCommand extends Command {
  protected async catch(error: Error & {exitCode?: number, oclif?: {exit?: number}}): Promise<void> {
    if (error instanceof Errors.ExitError) throw error
    const exit = error.oclif?.exit
    // oclif's own parse errors (unknown flag, bad option) already carry a readable message.
    process.stderr.write(`ciltune: ${errorMessage(error)}\n`)
    process.exitCode = exit === undefined || exit === 0 ? 2 : exit
  }
}
