import {copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

/**
 * A capture of `agents` agents made from a scenario directory: cluster files once, and the scenario's
 * agent directories repeated round-robin under new pod names, as `ciltune collect` would write it.
 * Every repetition after the first is varied (see varyAgentText) so that 1000 agents are not 1000 copies
 * of three texts: identical lines would flatter interning and hide per-agent allocation.
 */
export function multiplyScenario(scenarioDir: string, outDir: string, agents: number): void {
  mkdirSync(outDir, {recursive: true})
  const entries = readdirSync(scenarioDir)
  const agentDirs = entries.filter((e) => statSync(join(scenarioDir, e)).isDirectory())
  for (const e of entries) if (!agentDirs.includes(e)) copyFileSync(join(scenarioDir, e), join(outDir, e))
  if (agentDirs.length === 0) throw new Error(`${scenarioDir}: no agent directories`)
  const sources = agentDirs.map((d) => readdirSync(join(scenarioDir, d)).map((f) => ({f, text: readFileSync(join(scenarioDir, d, f), 'utf8')})))
  for (let i = 0; i < agents; i++) {
    const to = join(outDir, `cilium-${i.toString(36).padStart(5, '0')}`)
    mkdirSync(to)
    // the first round is the scenario as written, so its findings stay those of the fixture
    const copy = Math.floor(i / agentDirs.length)
    for (const {f, text} of sources[i % agentDirs.length]) writeFileSync(join(to, f), copy === 0 ? text : varyAgentText(f, text, copy))
  }
}

// pod IPs, endpoint ids (controller and module names), "<n>s ago" ages, "xN" repeat counts, counter values
const VARY = /\b10\.244\.(\d{1,3})\.(\d{1,3})\b|\bendpoint-(\d{1,5})\b| \((\d{2,5})\)|\b(\d{1,2})s ago\b|, x(\d{1,6})\)|(_total(?:\{[^}\n]*\})? )(\d{1,15})$/gm

/**
 * What differs between the agents of one cluster, changed by a cheap deterministic function of `copy`:
 * each node has its own pod CIDR (so its endpoint IPs and ids), its own ages, counts and counter values.
 * Service lists are cluster-wide (every agent programs the same services and backends) and stay as they
 * are. Zero stays zero and non-zero stays non-zero, so no rule fires that did not fire on the fixture.
 */
export function varyAgentText(file: string, text: string, copy: number): string {
  const services = file.startsWith('service-list')
  return text.replace(VARY, (all, a?: string, b?: string, ep?: string, paren?: string, age?: string, x?: string, total?: string, value?: string) => {
    if (a !== undefined) return services ? all : `10.244.${(Number(a) + copy) % 256}.${b}`
    if (ep !== undefined) return `endpoint-${Number(ep) + copy * 37}`
    if (paren !== undefined) return ` (${Number(paren) + copy * 37})`
    if (age !== undefined) return `${(Number(age) + copy) % 60}s ago`
    if (x !== undefined) return `, x${Number(x) + copy})`
    if (value !== undefined) return value === '0' ? all : `${total}${Number(value) + copy}`
    return all
  })
}
