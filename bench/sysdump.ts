import {existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync} from 'node:fs'
import os, {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {buildWorld} from '../src/sim/objects.js'
import {loadScenario} from '../src/sim/scenario.js'
import {SimShape} from '../src/sim/shape.js'
import {sysdumpEntries, writeZip} from '../test/helpers/sysdump-builder.js'
import {multiplyScenario} from './capture.js'
import {runCli} from './measure.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

/**
 * Every agent's status and service list as an agent of an N-node cluster prints them (the simulator's shapes: a
 * block per node with two nodes unreachable, 2000 Services with 3 backends, per-agent variation), not the
 * scenario's 3-node outputs.
 */
function realShaped(scenario: string, capture: string, nodes: number): void {
  const world = buildWorld(loadScenario(scenario), nodes)
  const shape = new SimShape(world.agents, {services: 2000, backendsPerService: 3, unreachableNodes: 2, variation: true})
  const agents = readdirSync(capture).filter((d) => statSync(join(capture, d)).isDirectory()).sort()
  agents.forEach((a, i) => {
    const status = shape.status(i % world.agents.length, true)
    const services = shape.serviceList(i % world.agents.length)
    if (status !== undefined && existsSync(join(capture, a, 'status.txt'))) writeFileSync(join(capture, a, 'status.txt'), status)
    if (services !== undefined && existsSync(join(capture, a, 'service-list.txt'))) writeFileSync(join(capture, a, 'service-list.txt'), services)
  })
}

/** A real-shaped 200-node sysdump in the newer layout (nested bugtool tarballs), each agent with a ~1 MB log. */
export async function benchSysdump(nodes = 200): Promise<Record<string, string | number>> {
  const dir = mkdtempSync(join(tmpdir(), 'ciltune-bench-sysdump-'))
  try {
    multiplyScenario(join(ROOT, 'fixtures', 'synthetic-lb4-pressure'), join(dir, 'capture'), nodes)
    realShaped(join(ROOT, 'fixtures', 'synthetic-lb4-pressure'), join(dir, 'capture'), nodes)
    const entries = await sysdumpEntries(join(dir, 'capture'))
    // Realistic agent logs are large and mostly info lines; pad them so the archive is hundreds of MB unpacked.
    const filler = 'time=2026-01-01T00:00:00.000000000Z level=info msg="Policy regenerated" module=agent.controlplane.endpoint-manager endpointID=1234 identity=5678\n'.repeat(8000)
    for (const e of entries) if (e.name.includes('/logs-')) e.content = Buffer.concat([Buffer.from(filler), e.content])
    const unpacked = entries.reduce((n, e) => n + e.content.length, 0)
    const zip = join(dir, 'cilium-sysdump-20260101-120000.zip')
    await writeZip(entries, zip)
    const r = await runCli(['doctor', '--from', zip, '--output', 'json', '--fail-on', 'none'])
    if (r.code !== 0) throw new Error(`doctor exited ${r.code}: ${r.stderr.trim()}`)
    const report = JSON.parse(r.stdout) as {agents: unknown[], findings: unknown[]}
    return {
      archive: `${(statSync(zip).size / 1e6).toFixed(1)} MB zipped, ${(unpacked / 1e6).toFixed(0)} MB unpacked, ${nodes} nodes`,
      'doctor --from wall': `${(r.ms / 1000).toFixed(2)} s (target ≤ 10 s)`,
      'doctor --from CPU (user + system)': `${(r.cpuMs / 1000).toFixed(2)} s (load ${os.loadavg()[0].toFixed(1)} on ${os.availableParallelism()} cores)`,
      'doctor --from peak RSS': `${r.maxRssMb.toFixed(0)} MB (target ≤ 250 MB)`,
      result: `${report.agents.length} agents, ${report.findings.length} findings`,
    }
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}
