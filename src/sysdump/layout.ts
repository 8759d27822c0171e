import type {EvidenceKind} from '../ingest/evidence.js'

/**
 * Where things are in a `cilium sysdump` (knowledge/sysdump-layout.md), by file name.
 * Names are reliable inside a sysdump (the cilium-cli writes them), unlike files users save by hand.
 */
export type Role =
  | {role: 'bugtool-archive', agent: string}
  | {role: 'agent-cmd', agent: string, kind: EvidenceKind, command: string}
  | {role: 'agent-log', agent: string, previous: boolean}
  | {role: 'cluster', kind: EvidenceKind}
  | {role: 'sysdump-log'}

const TS = String.raw`\d{8}-\d{6}`
const BUGTOOL_SEGMENT = new RegExp(String.raw`^(?:cilium-)?bugtool-(.+)-${TS}(?:\.tar\.gz|\.tgz)?$`)
const AGENT_LOG = new RegExp(String.raw`^(?:logs-)?(cilium-[a-z0-9]{5})-cilium-agent-${TS}(-prev|-previous)?\.log$`)

/** The commands doctor reads from each agent's bugtool output: file name → kind and the command it ran. */
const CMD_FILES: Array<[RegExp, EvidenceKind, string]> = [
  [/^cilium(?:-dbg)?-status---verbose\.md$/, 'status-text', 'cilium-dbg status --verbose'],
  [/^cilium(?:-dbg)?-status\.md$/, 'status-text', 'cilium-dbg status'],
  [/^cilium(?:-dbg)?-service-list(?:--o-json)?\.md$/, 'service-list', 'cilium-dbg service list'],
  [/^cilium(?:-dbg)?-map-list(?:---verbose)?\.md$/, 'map-list', 'cilium-dbg map list'],
  [/^cilium(?:-dbg)?-metrics-list\.md$/, 'metrics', 'cilium-dbg metrics list'],
  [/^cilium(?:-dbg)?-encrypt-status\.md$/, 'encrypt-status', 'cilium-dbg encrypt status'],
  [/^cilium-debuginfo-.*\.json$/, 'encrypt-status', 'cilium-dbg debuginfo --output=json'],
]

export const EXPECTED_AGENT_COMMANDS: Array<[EvidenceKind, string]> = [
  ['status-text', 'cilium-dbg status --verbose'],
  ['service-list', 'cilium-dbg service list'],
  ['map-list', 'cilium-dbg map list'],
  ['metrics', 'cilium-dbg metrics list'],
]

const CLUSTER_FILES: Array<[RegExp, EvidenceKind]> = [
  [new RegExp(`^cilium-configmap-${TS}\\.ya?ml$`), 'configmap'],
  [/^cilium-helm-values-.*\.ya?ml$/, 'helm-values'],
  [new RegExp(`^(?:k8s-)?nodes-${TS}\\.(?:ya?ml|json)$`), 'nodes'],
  [new RegExp(`^(?:k8s-)?pods-${TS}\\.(?:ya?ml|json)$`), 'pods'],
  [/^cilium-operator-deployment-.*\.ya?ml$/, 'operator'],
  [new RegExp(`^(?:ciliumendpoints|cep|ciliumendpointslices|ciliumidentities|ciliumnodes|ciliumlocalredirectpolicies|ciliumnodeconfigs)-${TS}\\.ya?ml$`), 'cilium-resources'],
  // logs-<pod>-<container>-<ts>.log of the operator pods (the current container only)
  [new RegExp(`^logs-cilium-operator-[a-z0-9-]+-cilium-operator-${TS}\\.log$`), 'operator-log'],
]

export function bugtoolAgent(segment: string): string | undefined {
  return BUGTOOL_SEGMENT.exec(segment)?.[1]
}

/** The role of a path inside the sysdump (already without its `cilium-sysdump-<ts>/` prefix). */
export function roleOf(path: string): Role | undefined {
  const parts = path.split('/').filter((p) => p !== '')
  const base = parts[parts.length - 1] ?? ''
  for (let i = 0; i < parts.length - 1; i++) {
    const agent = bugtoolAgent(parts[i])
    if (agent) return cmdRole(agent, parts.slice(i + 1))
  }
  if (/\.(tar\.gz|tgz)$/.test(base)) {
    const agent = bugtoolAgent(base)
    if (agent) return {role: 'bugtool-archive', agent}
  }
  if (parts.length > 1) return undefined
  const log = AGENT_LOG.exec(base)
  if (log) return {role: 'agent-log', agent: log[1], previous: Boolean(log[2])}
  if (base === 'cilium-sysdump.log') return {role: 'sysdump-log'}
  for (const [re, kind] of CLUSTER_FILES) if (re.test(base)) return {role: 'cluster', kind}
  return undefined
}

/** A file inside one agent's bugtool output (`cmd/<file>`; the tarball's own top directory may precede it). */
export function cmdRole(agent: string, inner: string[]): Role | undefined {
  const i = inner.lastIndexOf('cmd')
  if (i < 0 || i !== inner.length - 2) return undefined
  for (const [re, kind, command] of CMD_FILES) if (re.test(inner[i + 1])) return {role: 'agent-cmd', agent, kind, command}
  return undefined
}

/** Strip the archive's top directory (`cilium-sysdump-<ts>/`) whatever it is called. */
export function stripTop(names: string[]): (name: string) => string {
  const tops = new Set(names.map((n) => n.split('/')[0]))
  const single = tops.size === 1 && names.every((n) => n.includes('/')) ? [...tops][0] + '/' : ''
  return (name) => (single && name.startsWith(single) ? name.slice(single.length) : name)
}
