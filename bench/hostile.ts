/*
 * Large and hostile input (issue 18): a 5000-node NodeList as `kubectl get nodes -o yaml|json` prints it,
 * and a 500 MB agent log. `npm run bench -- hostile` runs only these.
 */
import {closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {parse, stringify} from 'yaml'
import {runCli} from './measure.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

/** The fixture's nodes, repeated under new names to `n`, each with the image list kubectl prints (~2.8 KB a node). */
function nodeList(n: number): {kind: string, items: unknown[]} {
  const list = parse(readFileSync(join(ROOT, 'fixtures', 'synthetic-scale-hygiene', 'nodes.yaml'), 'utf8')) as {kind: string, items: Array<Record<string, any>>}
  const images = Array.from({length: 12}, (_, i) => ({names: [`registry.example.test/team/image-${i}@sha256:${'0'.repeat(56)}${String(i).padStart(8, '0')}`, `registry.example.test/team/image-${i}:v1.${i}.0`], sizeBytes: 10_000_000 + i}))
  const items = Array.from({length: n}, (_, i) => {
    const node = structuredClone(list.items[i % list.items.length])
    node.metadata.name = `bench-node-${i}`
    node.metadata.labels['kubernetes.io/hostname'] = `bench-node-${i}`
    node.status.images = images
    return node
  })
  return {...list, items}
}

async function doctorOn(label: string, path: string): Promise<Record<string, string>> {
  const r = await runCli(['doctor', '--from', path, '--output', 'json', '--fail-on', 'none'])
  const result = r.code === 0 ? `${(JSON.parse(r.stdout) as {findings: unknown[]}).findings.length} findings` : `exit ${r.code}: ${r.stderr.trim().slice(0, 120)}`
  return {[label]: `${(statSync(path).size / 1e6).toFixed(1)} MB: ${(r.ms / 1000).toFixed(2)} s wall, ${(r.cpuMs / 1000).toFixed(2)} s CPU, ${r.maxRssMb.toFixed(0)} MB peak RSS (${result})`}
}

export async function benchHostile(): Promise<Record<string, string>> {
  const dir = mkdtempSync(join(tmpdir(), 'ciltune-bench-hostile-'))
  try {
    const list = nodeList(5000)
    // block sequences at the key's column, as kubectl (go-yaml) writes them
    writeFileSync(join(dir, 'nodes.yaml'), stringify(list, {lineWidth: 0, aliasDuplicateObjects: false, indentSeq: false}))
    writeFileSync(join(dir, 'nodes.json'), JSON.stringify(list, null, 4))
    const out = {
      ...await doctorOn('5000-node NodeList, YAML (target ≤ 5 s, ≤ 400 MB)', join(dir, 'nodes.yaml')),
      ...await doctorOn('5000-node NodeList, JSON (target ≤ 5 s, ≤ 400 MB)', join(dir, 'nodes.json')),
    }
    rmSync(join(dir, 'nodes.yaml'))
    rmSync(join(dir, 'nodes.json'))
    // 500 MB of info lines with an error at the end: read line by line, the newest entries kept
    const log = join(dir, 'cilium-agent.log')
    const fd = openSync(log, 'w')
    const block = 'time=2026-03-12T08:31:17.003923187Z level=info msg="Processing queued endpoint deletion requests" module=agent.controlplane\n'.repeat(8000)
    for (let written = 0; written < 500e6; written += block.length) writeSync(fd, block)
    writeSync(fd, 'time=2026-03-12T09:00:00.000000000Z level=error msg="Unable to update element for LB bpf map: You can resize it with the flag \\"--bpf-lb-map-max\\". The resizing might break existing connections to services" module=agent.controlplane.loadbalancer-reconciler\n')
    closeSync(fd)
    return {...out, ...await doctorOn('500 MB agent log', log)}
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}
