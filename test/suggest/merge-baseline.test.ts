import {expect} from 'chai'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {parse} from 'yaml'
import type {Io} from '../../src/actions/doctor-options.js'
import {runSuggest, shortComment, type SuggestOptions} from '../../src/actions/suggest.js'

/* Issue 17 item 5: the file being merged is the baseline; --values counts with --from; comments end on a word. */

function capture(): Io & {out: string, err: string} {
  const io = {out: '', err: '', isTTY: false, stdout(t: string) { io.out += t }, stderr(t: string) { io.err += t }}
  return io
}
const base: SuggestOptions = {force: false, diff: false, set: false, validate: false, targetPressure: 0.5}
// its Helm release sets bpf.lbMapMax 256 and lb4 pressure is 144 %: the suggestion from the release alone is 1024
const LB4 = 'fixtures/synthetic-lb4-pressure'

describe('suggest: the merged file is the baseline', function () {
  this.timeout(60_000)
  let dir: string
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'ciltune-merge-')) })
  afterEach(() => rmSync(dir, {recursive: true, force: true}))

  it('--merge never lowers bpf.lbMapMax that the file sets higher (was merged down to 1024)', async () => {
    const file = join(dir, 'values.yaml')
    writeFileSync(file, '# production values\nbpf:\n  lbMapMax: 65536\nkubeProxyReplacement: true\n')
    const io = capture()
    await runSuggest({...base, from: LB4, merge: file}, io)
    const merged = parse(readFileSync(file, 'utf8')) as {bpf: {lbMapMax: number}}
    expect(merged.bpf.lbMapMax).to.equal(65536)
  })

  it('--values is honoured with --from … --diff', async () => {
    const file = join(dir, 'values.yaml')
    writeFileSync(file, 'bpf:\n  lbMapMax: 512\n')
    const io = capture()
    await runSuggest({...base, from: LB4, values: file, diff: true}, io)
    expect(io.out).to.include("--- current values (values-file)")
    expect(io.out).to.match(/^-\s+lbMapMax: 512$/m)
  })

  it('merge comments are cut at a word, never mid-word', async () => {
    const long = 'bpf-map-pressure: lb4_services_v2 at 144 % of 256 entries on cilium-4kc6t; raising bpf.lbMapMax to 1024 keeps it under the target pressure with headroom for growth'
    const c = shortComment(long)
    expect(c.length).to.be.at.most(160)
    expect(c.endsWith('…')).to.equal(true)
    expect(long.startsWith(c.slice(0, -1))).to.equal(true)
    expect(long[c.length - 1]).to.match(/[\s,;:]/)
    const file = join(dir, 'values.yaml')
    writeFileSync(file, 'bpf:\n  preallocateMaps: false\n')
    await runSuggest({...base, from: LB4, merge: file}, capture())
    for (const line of readFileSync(file, 'utf8').split('\n').filter((l) => l.includes('# ciltune suggest:'))) {
      const text = line.split('# ciltune suggest: ')[1]
      expect(text.length <= 160, line).to.equal(true)
      if (text.length >= 155) expect(text.endsWith('…'), line).to.equal(true)
    }
  })
})
