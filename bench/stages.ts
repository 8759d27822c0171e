/*
 * Where `doctor --from` spends its time, stage by stage, in one process:
 *   node --import tsx bench/stages.ts [AGENTS=300] [SCENARIO=synthetic-lb4-pressure]
 * CPU time is printed next to the wall clock: on a busy machine it is the steadier figure.
 * Profile with `node --cpu-prof --import tsx bench/stages.ts` (self time per function).
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {buildSnapshot} from '../src/ingest/build.js'
import {collectFromPath} from '../src/ingest/from-path.js'
import {loadRules, runRule} from '../src/rules/engine.js'
import {clusterVersion, withMetricIndex} from '../src/rules/helpers.js'
import {multiplyScenario} from './capture.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const agents = Number(process.argv[2] ?? 300)
const scenario = process.argv[3] ?? 'synthetic-lb4-pressure'

interface Mark {wall: number, cpu: number}
const mark = (): Mark => {
  const c = process.cpuUsage()
  return {wall: performance.now(), cpu: (c.user + c.system) / 1000}
}
const since = (m: Mark): Mark => {
  const n = mark()
  return {wall: n.wall - m.wall, cpu: n.cpu - m.cpu}
}
const show = (label: string, t: Mark) =>
  console.log(`${label.padEnd(16)} wall ${t.wall.toFixed(0).padStart(6)} ms  cpu ${t.cpu.toFixed(0).padStart(6)} ms  ${(t.cpu / agents).toFixed(2).padStart(6)} ms cpu/agent`)

const dir = mkdtempSync(join(tmpdir(), 'ciltune-stages-'))
try {
  multiplyScenario(join(ROOT, 'fixtures', scenario), join(dir, 'capture'), agents)
  const rules = await loadRules()
  let m = mark()
  const collected = collectFromPath(join(dir, 'capture'))
  show('collectFromPath', since(m))
  m = mark()
  const snap = buildSnapshot(collected)
  show('buildSnapshot', since(m))
  m = mark()
  const version = clusterVersion(snap)
  const perRule: Array<[string, number]> = []
  let findings = 0
  withMetricIndex(snap, () => {
    for (const r of rules) {
      const t = mark()
      findings += runRule(r, snap, version).findings.length
      perRule.push([r.meta.id, since(t).cpu])
    }
  })
  show('runRules', since(m))
  for (const [id, cpu] of perRule.sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`  ${id.padEnd(30)} cpu ${cpu.toFixed(1)} ms`)
  console.log(`${agents} agents (${scenario}), ${snap.agents.length} in the snapshot, ${findings} findings; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`)
} finally {
  rmSync(dir, {recursive: true, force: true})
}
