import {copyFileSync, mkdirSync, readdirSync, statSync} from 'node:fs'
import {join} from 'node:path'

/**
 * A capture of `agents` agents made from a scenario directory: cluster files once, and the scenario's
 * agent directories repeated round-robin under new pod names, as `ciltune collect` would write it.
 */
export function multiplyScenario(scenarioDir: string, outDir: string, agents: number): void {
  mkdirSync(outDir, {recursive: true})
  const entries = readdirSync(scenarioDir)
  const agentDirs = entries.filter((e) => statSync(join(scenarioDir, e)).isDirectory())
  for (const e of entries) if (!agentDirs.includes(e)) copyFileSync(join(scenarioDir, e), join(outDir, e))
  if (agentDirs.length === 0) throw new Error(`${scenarioDir}: no agent directories`)
  for (let i = 0; i < agents; i++) {
    const from = join(scenarioDir, agentDirs[i % agentDirs.length])
    const to = join(outDir, `cilium-${i.toString(36).padStart(5, '0')}`)
    mkdirSync(to)
    for (const f of readdirSync(from)) copyFileSync(join(from, f), join(to, f))
  }
}
