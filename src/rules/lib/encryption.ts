import {IPSEC_KEYS_METRIC, XFRM_ERROR_METRIC} from '../../cilium/encryption.js'
import type {Snapshot} from '../../snapshot/schema.js'
import {metricSamples} from './core.js'

/*
 * Which rule owns an agent's IPsec counters. The XFRM error counters and the key count are the same kernel facts
 * whether read from the agent's metrics (ipsec-xfrm-metrics) or from `cilium-dbg encrypt status` (ipsec-errors):
 * the metrics win, because they carry the Prometheus trend that tells old errors from rising ones; encrypt
 * status speaks only for agents whose metrics say nothing about it.
 */

/** Agents for which ipsec-xfrm-metrics reports XFRM errors (a cilium_ipsec_xfrm_error series above 0). */
export function xfrmErrorsFromMetrics(s: Snapshot): Set<string> {
  return new Set(metricSamples(s, XFRM_ERROR_METRIC).filter((x) => x.value > 0 && x.agent).map((x) => x.agent!))
}

/** Agents whose metrics export cilium_ipsec_keys: their key count is ipsec-xfrm-metrics'. */
export function keysFromMetrics(s: Snapshot): Set<string> {
  return new Set(metricSamples(s, IPSEC_KEYS_METRIC).filter((x) => x.agent).map((x) => x.agent!))
}
