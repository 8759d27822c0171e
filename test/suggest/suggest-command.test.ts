import {expect} from 'chai'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import Suggest from '../../src/commands/suggest.js'
import {runCommand} from '../sizing/run-command.js'
import {ciliumAgent, cluster, node} from './fixtures.js'

describe('ciltune suggest (command)', function () {
  this.timeout(60_000)
  let dir: string
  let from: string
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ciltune-suggest-cmd-'))
    const healthy = {kpr: true, masq: 'BPF', host: 'BPF' as const, ratio: 0.0025, ctTcp: 150700}
    const s = cluster([ciliumAgent('cilium-a', 'n1', {...healthy, lb4: 65536, pressure: {lb4_services_v2: 1.44}})], [node('n1')],
      {'bpf-lb-map-max': '65536', 'kube-proxy-replacement': 'true', 'enable-bpf-masquerade': 'true', 'bpf-map-dynamic-size-ratio': '0.0025'})
    from = join(dir, 'snapshot.json')
    writeFileSync(from, JSON.stringify(s))
  })
  after(() => rmSync(dir, {recursive: true, force: true}))

  it('--set prints the helm upgrade flags, exit 0', async () => {
    const r = await runCommand(Suggest, ['--from', from, '--set'])
    expect(r.code).to.equal(0)
    expect(r.out).to.equal('helm upgrade cilium cilium/cilium -n kube-system --reuse-values \\\n  --set bpf.lbMapMax=262144\n')
  })

  it('refuses to overwrite --output without --force: one line, exit 2', async () => {
    const out = join(dir, 'exists.yaml')
    writeFileSync(out, 'x: 1\n')
    const r = await runCommand(Suggest, ['--from', from, '--output', out])
    expect(r.code).to.equal(2)
    expect(r.err).to.equal(`ciltune: --output ${out}: file exists; use --force to overwrite or --merge ${out} to update it in place\n`)
  })
})
