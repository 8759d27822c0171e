import {createWriteStream, readdirSync, readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {gzipSync} from 'node:zlib'
import {pack} from 'tar-stream'
import yazl from 'yazl'

const TS = '20260101-120000'

/** Scenario file → sysdump file name (knowledge/sysdump-layout.md §2). */
const CLUSTER_NAMES: Record<string, string> = {
  'cilium-config.yaml': `cilium-configmap-${TS}.yaml`,
  'helm-values.yaml': `cilium-helm-values-${TS}.yaml`,
  'nodes.yaml': `k8s-nodes-${TS}.yaml`,
  'pods.yaml': `k8s-pods-${TS}.yaml`,
  'operator.yaml': `cilium-operator-deployment-${TS}.yaml`,
  'ciliumnodes.yaml': `ciliumnodes-${TS}.yaml`,
  'ciliumlocalredirectpolicies.yaml': `ciliumlocalredirectpolicies-${TS}.yaml`,
  'ciliumnodeconfigs.yaml': `ciliumnodeconfigs-${TS}.yaml`,
  // logs-<pod>-<container>-<ts>.log: one operator pod stands for the scenario's operator log
  'cilium-operator.log': `logs-cilium-operator-5f7d8c9b6-q2w3e-cilium-operator-${TS}.log`,
}

/** Agent file → bugtool cmd/ file name (bugtool writeCmdToFile naming). */
const CMD_NAMES: Record<string, string> = {
  'status.txt': 'cilium-dbg-status---verbose.md',
  'service-list.txt': 'cilium-dbg-service-list.md',
  'map-list.txt': 'cilium-dbg-map-list.md',
  'metrics.prom': 'cilium-dbg-metrics-list.md',
}

async function tarGz(files: Array<[string, string | Buffer]>): Promise<Buffer> {
  const p = pack()
  const chunks: Buffer[] = []
  p.on('data', (c: unknown) => chunks.push(c as Buffer))
  const done = new Promise<void>((resolve, reject) => {
    p.on('end', () => resolve())
    p.on('error', reject)
  })
  for (const [name, content] of files) p.entry({name}, content)
  p.finalize()
  await done
  return gzipSync(Buffer.concat(chunks))
}

export interface SysdumpEntry {name: string, content: Buffer}

/**
 * The entries of a newer-layout sysdump (cilium-cli ≥ 0.16) made from a scenario directory: cluster files under
 * their sysdump names, each agent's command outputs inside a nested cilium-bugtool-<pod>-<ts>.tar.gz, agent logs on top.
 */
export async function sysdumpEntries(scenarioDir: string, opts: {nested?: boolean, omit?: string[]} = {}): Promise<SysdumpEntry[]> {
  const top = `cilium-sysdump-${TS}`
  const out: SysdumpEntry[] = []
  for (const e of readdirSync(scenarioDir).sort()) {
    const p = join(scenarioDir, e)
    if (statSync(p).isFile()) {
      if (CLUSTER_NAMES[e]) out.push({name: `${top}/${CLUSTER_NAMES[e]}`, content: readFileSync(p)})
      continue
    }
    const cmd: Array<[string, Buffer]> = []
    for (const f of readdirSync(p).sort()) {
      if (opts.omit?.includes(`${e}/${f}`)) continue
      if (CMD_NAMES[f]) cmd.push([CMD_NAMES[f], readFileSync(join(p, f))])
      if (f === 'cilium-agent.log') out.push({name: `${top}/logs-${e}-cilium-agent-${TS}.log`, content: readFileSync(join(p, f))})
    }
    if (cmd.length === 0) continue
    if (opts.nested === false) {
      for (const [n, c] of cmd) out.push({name: `${top}/cilium-bugtool-${e}-${TS}/cmd/${n}`, content: c})
    } else {
      const tgz = await tarGz(cmd.map(([n, c]) => [`cilium-bugtool-${TS}.000+0000-UTC-1/cmd/${n}`, c]))
      out.push({name: `${top}/cilium-bugtool-${e}-${TS}.tar.gz`, content: tgz})
    }
  }
  out.push({name: `${top}/cilium-sysdump.log`, content: Buffer.from('🔍 Collecting sysdump with cilium-cli version: v0.18.5\n')})
  return out
}

export async function writeZip(entries: SysdumpEntry[], zipPath: string): Promise<void> {
  const zip = new yazl.ZipFile()
  for (const e of entries) zip.addBuffer(e.content, e.name)
  zip.end()
  await new Promise<void>((resolve, reject) => {
    zip.outputStream.pipe(createWriteStream(zipPath)).on('close', resolve).on('error', reject)
  })
}
