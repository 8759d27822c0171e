import {expect} from 'chai'
import Sizing from '../../src/commands/sizing.js'
import {runCommand} from './run-command.js'

const run = (argv: string[]) => runCommand(Sizing, argv)

describe('ciltune sizing (command)', () => {
  it('parses flags and prints the json report', async () => {
    const r = await run(['--memory', '5035968Ki', '--cpus', '7', '--ratio', '0.01', '--distributed-lru', '-o', 'json'])
    expect(r.code).to.equal(0)
    expect((JSON.parse(r.out) as {maps: Array<{entries: number}>}).maps.map((m) => m.entries)).to.deep.equal([180943, 90475, 180943, 180943, 90475])
  })

  it('bad usage: one line on stderr, exit 2', async () => {
    const r = await run(['--memory', '16Gi', '--ratio', '7'])
    expect(r.code).to.equal(2)
    expect(r.err).to.equal('ciltune: --ratio 7: expected a number in (0, 1]\n')
    expect(r.out).to.equal('')
  })
})
