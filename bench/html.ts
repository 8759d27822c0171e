/* -o html at scale: size of the file and the cost of the report beyond -o json (same capture, same machine). */
import {mkdtempSync, rmSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {multiplyScenario} from './capture.js'
import {runCli} from './measure.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

export async function benchHtml(sizes = [1000, 5000]): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const agents of sizes) {
    const dir = mkdtempSync(join(tmpdir(), 'ciltune-bench-html-'))
    try {
      const capture = join(dir, 'capture')
      multiplyScenario(join(ROOT, 'fixtures', 'synthetic-lb4-pressure'), capture, agents)
      const file = join(dir, 'report.html')
      const html = await runCli(['doctor', '--from', capture, '-o', file, '--fail-on', 'none'])
      if (html.code !== 0) throw new Error(`doctor -o html exited ${html.code}: ${html.stderr.trim()}`)
      const json = await runCli(['doctor', '--from', capture, '-o', 'json', '--fail-on', 'none'])
      out[`${agents} agents, report size`] = `${(statSync(file).size / 1024).toFixed(0)} KB (json ${(Buffer.byteLength(json.stdout) / 1024 / 1024).toFixed(1)} MB)`
      out[`${agents} agents, doctor -o html wall / CPU / peak RSS`] = `${(html.ms / 1000).toFixed(2)} s / ${(html.cpuMs / 1000).toFixed(2)} s / ${html.maxRssMb.toFixed(0)} MB`
      out[`${agents} agents, doctor -o json wall / CPU / peak RSS`] = `${(json.ms / 1000).toFixed(2)} s / ${(json.cpuMs / 1000).toFixed(2)} s / ${json.maxRssMb.toFixed(0)} MB`
      out[`${agents} agents, html cost over json (CPU)`] = `${((html.cpuMs - json.cpuMs) / 1000).toFixed(2)} s`
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  }
  return out
}

// `node --import tsx bench/html.ts` runs this case alone
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [k, v] of Object.entries(await benchHtml())) console.log(`${k.padEnd(50)} ${v}`)
}
