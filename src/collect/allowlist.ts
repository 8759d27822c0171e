/*
 * The only commands ciltune ever runs inside an agent: read-only `cilium-dbg` queries, and their
 * `cilium …` spelling for agents older than 1.15 (before the binary was renamed). Anything else
 * is refused before a request is made, so read-only holds by construction.
 */

export const AGENT_CONTAINER = 'cilium-agent'

export interface AgentCommand {
  args: string[] // after the binary
  kind: 'status-text' | 'service-list' | 'map-list' | 'metrics'
  file: string // name in a `collect --output` directory
}

export const AGENT_COMMANDS: readonly AgentCommand[] = [
  {args: ['status', '--verbose'], kind: 'status-text', file: 'status.txt'},
  {args: ['service', 'list'], kind: 'service-list', file: 'service-list.txt'},
  {args: ['map', 'list'], kind: 'map-list', file: 'map-list.txt'},
  {args: ['metrics', 'list'], kind: 'metrics', file: 'metrics-list.txt'},
]

export const BINARIES = ['cilium-dbg', 'cilium'] as const

export const ALLOWED_COMMANDS: ReadonlySet<string> = new Set(
  BINARIES.flatMap((b) => AGENT_COMMANDS.map((c) => [b, ...c.args].join(' '))),
)

export function isAllowed(argv: readonly string[]): boolean {
  return ALLOWED_COMMANDS.has(argv.join(' '))
}
