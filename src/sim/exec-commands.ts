import {renderMetricsList} from './metrics-list.js'
import {agentVersion, type ScenarioAgent} from './scenario.js'

/** What one command run in an agent's cilium-agent container answers, from the scenario's files. */
export interface ExecResult {
  stdout: string | Buffer // a Buffer when the simulator keeps the encoded text (N-node shapes)
  stderr: string
  exitCode: number
  /** the runtime could not start the command (e.g. binary absent): a Failure status without an exit code */
  internalError?: string
}

/** The agent's texts as the simulator shapes them for an N-node cluster; the scenario's files otherwise. */
export interface AgentTexts {
  status(verbose: boolean): Buffer | undefined
  serviceList(): Buffer | undefined
}

const NOT_RUNNING = 'Error: Cannot get status/probe: Get "http://localhost/v1/healthz": dial unix /var/run/cilium/cilium.sock: connect: no such file or directory\n'

function hasCiliumDbg(agent: ScenarioAgent): boolean {
  const v = agentVersion(agent.files)
  if (!v) return true
  const [maj, min] = v.split('.').map(Number)
  return maj > 1 || min >= 15 // cilium-dbg appeared in 1.15
}

export function runAgentCommand(agent: ScenarioAgent, argv: string[], texts?: AgentTexts): ExecResult {
  const [bin, ...rest] = argv
  if (bin === 'cilium-dbg' && !hasCiliumDbg(agent)) {
    return {stdout: '', stderr: '', exitCode: 126, internalError: 'error executing command in container: failed to exec in container: failed to start exec: OCI runtime exec failed: exec failed: unable to start container process: exec: "cilium-dbg": executable file not found in $PATH: unknown'}
  }
  if (bin !== 'cilium-dbg' && bin !== 'cilium') {
    return {stdout: '', stderr: '', exitCode: 126, internalError: `error executing command in container: exec: "${bin}": executable file not found in $PATH: unknown`}
  }
  const f = agent.files
  if (f.status === undefined) return {stdout: '', stderr: NOT_RUNNING, exitCode: 1} // crashing agent: nothing answers on the API socket
  const sub = rest.join(' ')
  let out: string | Buffer | undefined
  if (sub === 'status --verbose' || sub === 'status') out = texts ? texts.status(sub !== 'status') : f.status
  else if (sub === 'service list') out = texts ? texts.serviceList() : f.serviceList
  else if (sub === 'map list') out = f.mapList
  else if (sub === 'encrypt status') out = f.encryptStatus
  else if (sub === 'bgp peers') out = f.bgpPeers
  else if (sub === 'metrics list') out = f.metricsList ?? (f.metricsProm === undefined ? undefined : renderMetricsList(f.metricsProm))
  else return {stdout: '', stderr: `Error: unknown command "${rest[0] ?? ''}" for "${bin}"\n`, exitCode: 1}
  // not captured in the scenario: the command prints nothing, so the live path, like --from, has no evidence for it
  if (out === undefined) return {stdout: '', stderr: '', exitCode: 0}
  return {stdout: out, stderr: '', exitCode: 0}
}
