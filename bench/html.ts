/*
 * -o html at scale on real-shaped captures: the simulator (in a process of its own) multiplies the seed
 * incident so every agent prints what an agent of an N-node cluster prints (the N-node health table, two
 * nodes whose health endpoint times out, 300 Services, a version skew, a degraded node, restarts), and
 * `ciltune collect` writes it to disk (its own time and peak RSS are printed too). Then the report's size and its cost beyond -o json on that capture.
 * Prints figures; the browser test asserts the 2 MB bound at 1000 nodes, this prints it at 5000.
 *   node --import tsx bench/html.ts [NODES,...]   (default 1000,5000)
 */
import {mkdtempSync, rmSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {runCli, type CliRun} from './measure.js'
import {startSimProcess} from './scale.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

async function realShapedCapture(nodes: number, dir: string): Promise<{capture: string, collect: CliRun}> {
  const sim = await startSimProcess({
    scenarioDir: join(ROOT, 'fixtures', 'synthetic-lb4-pressure'), nodes,
    shape: {services: 300, backendsPerService: 3, unreachableNodes: 2, variation: true},
  }, dir)
  const capture = join(dir, 'capture')
  try {
    // the default deadline (300 s) is for an on-call run; a 5000-node capture on this 2-core machine takes longer
    const collect = await runCli(['collect', '--kubeconfig', sim.kubeconfig, '--deadline', '3600', capture])
    if (collect.code !== 0) throw new Error(`collect exited ${collect.code}: ${(collect.stderr.trim() || collect.stdout.trim()).split('\n')[0]}`)
    return {capture, collect}
  } finally {
    await sim.stop()
  }
}

export async function benchHtml(sizes = [1000, 5000]): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const agents of sizes) {
    const dir = mkdtempSync(join(tmpdir(), 'ciltune-bench-html-'))
    try {
      const {capture, collect} = await realShapedCapture(agents, dir)
      out[`${agents} nodes, collect to a directory: wall / CPU / peak RSS`] = `${(collect.ms / 1000).toFixed(2)} s / ${(collect.cpuMs / 1000).toFixed(2)} s / ${collect.maxRssMb.toFixed(0)} MB`
      const file = join(dir, 'report.html')
      const html = await runCli(['doctor', '--from', capture, '-o', file, '--fail-on', 'none'])
      if (html.code !== 0) throw new Error(`doctor -o html exited ${html.code}: ${html.stderr.trim()}`)
      const json = await runCli(['doctor', '--from', capture, '-o', 'json', '--fail-on', 'none'])
      const size = statSync(file).size
      out[`${agents} nodes (real-shaped), report size`] = `${(size / 1024).toFixed(0)} KB, ${size < 2 * 1024 * 1024 ? 'under' : 'OVER'} 2 MB (json ${(Buffer.byteLength(json.stdout) / 1024 / 1024).toFixed(1)} MB)`
      out[`${agents} nodes, doctor -o html wall / CPU / peak RSS`] = `${(html.ms / 1000).toFixed(2)} s / ${(html.cpuMs / 1000).toFixed(2)} s / ${html.maxRssMb.toFixed(0)} MB`
      out[`${agents} nodes, doctor -o json wall / CPU / peak RSS`] = `${(json.ms / 1000).toFixed(2)} s / ${(json.cpuMs / 1000).toFixed(2)} s / ${json.maxRssMb.toFixed(0)} MB`
      out[`${agents} nodes, html cost over json (CPU)`] = `${((html.cpuMs - json.cpuMs) / 1000).toFixed(2)} s`
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  }
  return out
}

// `node --import tsx bench/html.ts` runs this case alone
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const sizes = (process.argv[2] ?? '1000,5000').split(',').map(Number)
  for (const [k, v] of Object.entries(await benchHtml(sizes))) console.log(`${k.padEnd(50)} ${v}`)
}
