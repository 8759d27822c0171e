import {fastVersion} from './version.js'

/** Runs the CLI from a bin file: the version line without loading oclif, anything else through oclif. */
export async function start(dir) {
  const version = await fastVersion(process.argv.slice(2))
  if (version !== undefined) {
    process.stdout.write(version)
    return
  }
  // loaded only when needed: oclif's config loading is most of a cold start
  const {execute} = await import('@oclif/core/execute')
  await execute({dir})
}
