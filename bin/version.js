// `ciltune --version`, `-v` and `version`, answered without loading oclif: loading @oclif/core and its config
// (plugins, manifest, hooks) is most of the CLI's cold start, and prints nothing more for these.
// The line is built exactly as oclif's Config builds config.userAgent (@oclif/core lib/config/config.js), and a
// test compares it byte for byte with oclif's own answer (test/cli/version-fast-path.test.ts).
import {readFileSync} from 'node:fs'
import {arch} from 'node:os'
import {createRequire} from 'node:module'
import {pathToFileURL} from 'node:url'

/**
 * The version line when `argv` only asks for the version and nothing would make oclif print more
 * (its DEBUG output); otherwise undefined, and the caller runs oclif.
 */
export async function fastVersion(argv, env = process.env) {
  if (argv.length !== 1 || env.DEBUG || env.CILTUNE_DEBUG) return undefined
  const pjson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  const flags = ['--version', ...(pjson.oclif?.additionalVersionFlags ?? [])]
  if (!flags.includes(argv[0]) && argv[0] !== 'version') return undefined
  // oclif's getPlatform(): "wsl" inside Windows Subsystem for Linux, from the same package oclif asks
  let wsl = false
  if (process.platform === 'linux') {
    const fromOclif = createRequire(import.meta.resolve('@oclif/core'))
    wsl = (await import(pathToFileURL(fromOclif.resolve('wsl-utils')).href)).isWsl
  }
  const cpu = arch() === 'ia32' ? 'x86' : arch()
  return `${pjson.name}/${pjson.version || '0.0.0'} ${wsl ? 'wsl' : process.platform}-${cpu} node-${process.version}\n`
}
