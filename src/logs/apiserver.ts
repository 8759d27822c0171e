import type {LogEntry, Snapshot} from '../snapshot/schema.js'
import {logEntries} from './entries.js'

/*
 * Log lines that show an agent failing to reach the API server, with the address it dialled:
 * "Unable to contact k8s api-server" (ipAddr="https://H:P", cilium#1973), k8sError "failed to list …: Get
 * \"https://H:P/…\": dial tcp …" (the 1.18 slog reference log), and lease renewals that time out.
 * Connection failures only: a 403 or a missing CRD is not about reachability.
 */

export interface ApiServerFailure {agent: string, address?: string, entry: LogEntry}

const UNREACHABLE = /dial tcp [^"\\]*: (i\/o timeout|connect: connection refused|connect: no route to host|connect: operation not permitted|connect: network is unreachable)|Client\.Timeout exceeded|context deadline exceeded|TLS handshake timeout/
const CONTACT = /^Unable to contact k8s api-server/
const K8S_MSG = /^(k8sError|Unable to contact k8s api-server|Unable to initialize Kubernetes subsystem|Failed to update lock|error retrieving resource lock|Error retrieving lease lock)/

/** The scheme://host:port the failing request went to, from ipAddr= or the quoted URL. */
function addressOf(line: string): string | undefined {
  return /ipAddr="?(https?:\/\/[^"\s]+)/.exec(line)?.[1] ?? /(https?:\/\/[^/"\\\s]+)\//.exec(line)?.[1]
}

/**
 * Failures that are more than a blip: at least `MIN_FAILURES` lines, or one the agent died of (fatal). One
 * timeout while the API server restarts is normal and client-go retries it.
 */
export const MIN_FAILURES = 3

export function persistentApiServerFailures(snapshot: Snapshot): ApiServerFailure[] {
  const all = apiServerFailures(snapshot)
  return all.length >= MIN_FAILURES || all.some((f) => f.entry.level === 'fatal') ? all : []
}

export function apiServerFailures(snapshot: Snapshot): ApiServerFailure[] {
  return logEntries(snapshot)
    .filter(({entry}) => K8S_MSG.test(entry.msg) && (CONTACT.test(entry.msg) || UNREACHABLE.test(entry.src.text)))
    .map(({agent, entry}) => ({agent, address: addressOf(entry.src.text), entry}))
}
