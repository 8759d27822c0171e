import {expect} from 'chai'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {PROJECT_DIR} from '../helpers/reference.js'
import {runProcess} from '../helpers/spawn.js'

// bin/run.js answers the version itself, without loading oclif (bin/version.js): what it prints must be
// exactly what oclif prints for the same arguments, and oclif must still answer everything else.

const ENV: NodeJS.ProcessEnv = {...process.env, DEBUG: '', CILTUNE_DEBUG: ''}
// reports on stderr, at exit, whether @oclif/core was loaded into the process
const PROBE = 'data:text/javascript,import {createRequire} from "node:module"; const r = createRequire("/"); process.on("exit", () => process.stderr.write("oclif loaded: " + Object.keys(r.cache).some((k) => k.includes("@oclif/core"))))'

function bin(file: string, args: string[], env: NodeJS.ProcessEnv = ENV) {
  return runProcess(process.execPath, ['--import', PROBE, join(PROJECT_DIR, 'bin', file), ...args], {cwd: PROJECT_DIR, env})
}

/** The same arguments through oclif's own execute(), as bin/run.js did before the fast path. */
function oclif(file: string, args: string[]) {
  const dir = pathToFileURL(join(PROJECT_DIR, 'bin', file)).href
  const script = `import {execute} from '@oclif/core'; await execute({dir: ${JSON.stringify(dir)}, args: ${JSON.stringify(args)}})`
  return runProcess(process.execPath, ['--input-type=module', '-e', script], {cwd: PROJECT_DIR, env: ENV})
}

describe('--version fast path (bin/version.js)', function () {
  this.timeout(60_000)

  for (const file of ['run.js', 'kubectl-ciltune.js']) {
    for (const args of [['--version'], ['-v'], ['version']]) {
      it(`${file} ${args.join(' ')}: byte for byte what oclif prints, without loading oclif`, async () => {
        const [fast, slow] = await Promise.all([bin(file, args), oclif(file, args)])
        expect(slow.code).to.equal(0)
        expect(slow.stdout).to.match(/^ciltune\/\d+\.\d+\.\d+ \S+-\S+ node-v\d+\.\d+\.\d+\n$/)
        expect(fast.stdout).to.equal(slow.stdout)
        expect(fast.code).to.equal(0)
        expect(fast.stderr).to.equal('oclif loaded: false')
      })
    }
  }

  it('anything more than the version goes to oclif: help for the command, other commands, DEBUG output', async () => {
    const help = await bin('run.js', ['version', '--help'], {...ENV, NO_COLOR: '1'})
    expect(help.stdout).to.match(/USAGE\n\s+\$ ciltune version/)
    expect(help.stderr).to.equal('oclif loaded: true')
    const rules = await bin('run.js', ['rules'])
    expect(rules.code).to.equal(0)
    expect(rules.stderr).to.equal('oclif loaded: true')
    const debug = await bin('run.js', ['--version'], {...ENV, DEBUG: 'ciltune*'})
    expect(debug.stdout).to.match(/^ciltune\/\d+\.\d+\.\d+ /)
    expect(debug.stderr).to.match(/oclif loaded: true$/)
  })
})
