import {expect} from 'chai'
import {readdirSync, readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'
import rule from '../../rules/map-dynamic-sizing.js'
import {MAP_FAMILIES, totalDefaultBytes} from '../../src/cilium/maps.js'
import {runRule} from '../../src/rules/engine.js'
import {computeMapSizes} from '../../src/sizing/formula.js'
import {nodeObservations, observe} from '../../src/suggest/observe.js'
import {agent, at, config, snapshot, status} from '../helpers/snapshot.js'
import {bpfMaps} from '../rules/_builders.js'

/* Issue 10: changing one map family's default size is one line in one file, and rules, sizing and suggest follow it. */

const GiB = 1024 ** 3
const ratio = 0.0025

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f)
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : []
  })
}

describe('one fact in one place: the CT TCP default size', () => {
  const fam = MAP_FAMILIES['ct-tcp']
  const original = fam.defaultSize!
  afterEach(() => {
    fam.defaultSize = original
  })

  it('is written once, in src/cilium/maps.ts (no rule, sizing or suggest file restates it)', () => {
    const restating = [...tsFiles('src'), ...tsFiles('rules')]
      .filter((f) => !f.startsWith(join('src', 'cilium')) && !f.startsWith(join('src', 'sim')) && !f.startsWith(join('src', 'parse')))
      .filter((f) => readFileSync(f, 'utf8').includes(String(original)))
    expect(restating).to.deep.equal([])
    const lines = readFileSync('src/cilium/maps.ts', 'utf8').split('\n').filter((l) => l.includes(`'ct-tcp': {`) && l.includes(`defaultSize: ${original}`))
    expect(lines).to.have.length(1)
  })

  for (const factor of [1, 2]) {
    it(`rules, sizing and suggest follow the table (default × ${factor})`, () => {
      fam.defaultSize = original * factor
      const def = fam.defaultSize
      // sizing: the default when dynamic sizing is off, and the dynamic share of the budget
      expect(computeMapSizes({memoryBytes: 64 * GiB}).sizes['ct-tcp'].entries).to.equal(def)
      const dyn = computeMapSizes({memoryBytes: 64 * GiB, ratio}).sizes['ct-tcp']
      expect(dyn.unclamped).to.equal(Math.floor((def * Math.trunc(64 * GiB * ratio)) / totalDefaultBytes()))

      // rules: what the ratio would give on a 64 GiB node, compared with an explicit size
      const s = snapshot({
        agents: [agent('cilium-a', {node: 'big', status: status({bpfMaps: bpfMaps({'ct-tcp': 262144})})})],
        cluster: {nodes: [{name: 'big', memoryBytes: 64 * GiB, cpus: 8, podCIDRs: [], labels: {}, src: at('name: big', 1, 'nodes.yaml')}],
          config: config({'bpf-map-dynamic-size-ratio': String(ratio), 'bpf-ct-global-tcp-max': '262144'})},
      })
      const f = runRule(rule, s).findings.find((x) => x.messageId === 'explicit-sizes-override')!
      expect(f.message).to.contain(`< ${dyn.entries} that ratio ${ratio} gives on big`)

      // suggest: node memory inverted from the CT size the agent reports
      const size = 400000
      const noMemory = snapshot({agents: [agent('cilium-a', {node: 'n1', status: status({bpfMaps: bpfMaps({'ct-tcp': size})})})]})
      const {nodes} = nodeObservations(noMemory, observe(noMemory), ratio)
      expect(nodes[0].memoryBytes).to.equal(Math.round((size * totalDefaultBytes()) / def / ratio))
    })
  }
})
