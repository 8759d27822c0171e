// `ciltune --version`, `-v` and `version`, answered without loading oclif: loading @oclif/core and its config
// (plugins, manifest, hooks) is most of the CLI's cold start, and prints nothing more for these.
// The line is built exactly as oclif's Config builds config.userAgent (@oclif/core lib/config/config.js), and a
// test compares it byte for byte with oclif's own answer (test/cli/version-fast-path.test.ts).
import {existsSync, readFileSync} from 'node:fs'
import {arch, release} from 'node:os'
import {createRequire} from 'node:module'
import {pathToFileURL} from 'node:url'

/**
 * False only where is-wsl (3.x) answers false without looking further: no "microsoft" in the kernel release
 * or /proc/version, and none of the WSL paths. Loading and resolving the package is 20–25 ms of a 40 ms start,
 * spent on Linux machines that are not WSL.
 */
function mayBeWsl() {
  if (release().toLowerCase().includes('microsoft')) return true
  try {
    if (readFileSync('/proc/version', 'utf8').toLowerCase().includes('microsoft')) return true
  } catch {
    // unreadable: is-wsl goes on to the paths below
  }
  return existsSync('/proc/sys/fs/binfmt_misc/WSLInterop') || existsSync('/run/WSL')
}

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
  if (process.platform === 'linux' && mayBeWsl()) {
    // wsl-utils' isWsl is is-wsl's answer: that package alone, from where wsl-utils finds it, without the
    // child_process and PowerShell helpers wsl-utils loads beside it
    const fromOclif = createRequire(import.meta.resolve('@oclif/core'))
    const fromWslUtils = createRequire(fromOclif.resolve('wsl-utils'))
    wsl = (await import(pathToFileURL(fromWslUtils.resolve('is-wsl')).href)).default
  }
  const cpu = arch() === 'ia32' ? 'x86' : arch()
  return `${pjson.name}/${pjson.version || '0.0.0'} ${wsl ? 'wsl' : process.platform}-${cpu} node-${process.version}\n`
}
