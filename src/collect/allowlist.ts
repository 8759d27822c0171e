/*
 * The only commands ciltune ever runs inside an agent: read-only `cilium-dbg` queries, and their
 * `cilium …` spelling for agents older than 1.15 (before the binary was renamed). Anything else
 * is refused before a request is made, so read-only holds by construction.
 */

export const AGENT_CONTAINER = 'cilium-agent'

export interface AgentCommand {
  args: string[] // after the binary
  kind: 'status-text' | 'service-list' | 'map-list' | 'metrics' | 'encrypt-status' | 'bgp-peers'
  file: string // name in a `collect --output` directory
}

/** A command run only where cilium-config turns its feature on: elsewhere it fails, and costs an exec per agent. */
export interface FeatureCommand extends AgentCommand {
  /** cilium-config keys of which one must be "true" */
  whenAny: readonly string[]
}

export const AGENT_COMMANDS: readonly AgentCommand[] = [
  {args: ['status', '--verbose'], kind: 'status-text', file: 'status.txt'},
  {args: ['service', 'list'], kind: 'service-list', file: 'service-list.txt'},
  {args: ['map', 'list'], kind: 'map-list', file: 'map-list.txt'},
  {args: ['metrics', 'list'], kind: 'metrics', file: 'metrics-list.txt'},
]

export const FEATURE_COMMANDS: readonly FeatureCommand[] = [
  {args: ['encrypt', 'status'], kind: 'encrypt-status', file: 'encrypt-status.txt', whenAny: ['enable-ipsec', 'enable-wireguard']},
  {args: ['bgp', 'peers'], kind: 'bgp-peers', file: 'bgp-peers.txt', whenAny: ['enable-bgp-control-plane']},
]

export const BINARIES = ['cilium-dbg', 'cilium'] as const

export const ALLOWED_COMMANDS: ReadonlySet<string> = new Set(
  BINARIES.flatMap((b) => [...AGENT_COMMANDS, ...FEATURE_COMMANDS].map((c) => [b, ...c.args].join(' '))),
)

export function isAllowed(argv: readonly string[]): boolean {
  // one word per argument: ['cilium-dbg', 'encrypt status'] joins to a listed string but is not that command
  return argv.every((a) => a !== '' && !/\s/.test(a)) && ALLOWED_COMMANDS.has(argv.join(' '))
}

/** The feature commands cilium-config (the ConfigMap's data) asks for; none when it could not be read. */
export function featureCommands(configData: Readonly<Record<string, unknown>> | undefined): FeatureCommand[] {
  return FEATURE_COMMANDS.filter((c) => c.whenAny.some((k) => String(configData?.[k] ?? '').trim() === 'true'))
}
