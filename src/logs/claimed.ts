import type {LogEntry} from '../snapshot/schema.js'
import {conditionOf} from './catalog.js'

// Start-up failures the agent logs at level=error before it exits (1.14+ hive); agent-restarts reports them.
// 1.18's logging.Fatal logs at ERROR then exits, so "failed to start: …" is a start failure at any level
const START_FAILURE = /error while opening\/creating BPF maps|Failed to start hive|Start hook failed|^Start failed$|failed to create map|Build config failed|Error while creating daemon|^failed to start: /i

export function isStartFailure(e: LogEntry): boolean {
  return START_FAILURE.test(e.msg) || START_FAILURE.test(e.src.text)
}

export function isFatal(e: LogEntry): boolean {
  return /^(fatal|panic)$/i.test(e.level) || e.kind === 'fatal'
}

/** A line some rule reports: a known condition, a full map, a netkit kernel error, a fatal or a start failure. */
export function isClaimed(e: LogEntry): boolean {
  return e.kind === 'map-full' || e.kind === 'netkit-kernel' || isFatal(e) || isStartFailure(e) ||
    conditionOf(e.msg, e.src.text) !== undefined
}
