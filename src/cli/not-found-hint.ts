import type {Hook} from '@oclif/core/hooks'
import {nearestCommand} from './parse-errors.js'

/**
 * plugin-not-found asks "Did you mean …?" only on a terminal (it prompts); in CI and pipes it names no
 * command at all. This hook prints the suggestion there; on a terminal the plugin's prompt does it.
 */
const hook: Hook.CommandNotFound = async function (opts) {
  if (process.stdin.isTTY) return
  const ids = opts.config.commands.filter((c) => !c.hidden).map((c) => c.id)
  const near = nearestCommand(opts.id, ids)
  if (near) process.stderr.write(`ciltune: unknown command "${opts.id.replace(/:/g, ' ')}"; did you mean "${near}"?\n`)
}

export default hook
