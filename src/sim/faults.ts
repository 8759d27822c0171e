import type {StreamFault, Throttle} from './hostile.js'

/*
 * Faults the simulator injects for one agent pod: its exec, log and proxy requests
 * never answer (timeout: the exec stream opens and stays silent; stall: not even the
 * upgrade is answered), are refused (403), fail (500) or lose the connection (drop).
 */

// forbidden-exec: RBAC without pods/exec; logs and the pod proxy still answer
// endless / trickle: exec stdout, log and proxy bodies that never end (hostile.ts)
export type FaultKind = 'timeout' | 'stall' | 'forbidden' | 'forbidden-exec' | 'error500' | 'drop' | StreamFault

export interface SimFaults {
  /** pod name → fault on every exec/log/proxy request for that pod */
  agents?: Record<string, FaultKind>
  /** resources whose get/list answers 403, e.g. ['secrets'] for RBAC without Helm access */
  forbidResources?: string[]
  /** resources whose list pages always carry the same continue token, as a broken API server or proxy would */
  repeatContinue?: string[]
  /** 429 Too Many Requests with Retry-After (hostile.ts) */
  throttle?: Throttle
  /** GETs whose path contains `pathIncludes` answer 200 with a body that never ends (hostile.ts) */
  streams?: Array<{pathIncludes: string, kind: StreamFault}>
}

export function statusBody(code: number, reason: string, message: string): string {
  return JSON.stringify({kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code})
}

export function faultResponse(kind: 'forbidden' | 'error500', what: string): {code: number, body: string} {
  return kind === 'forbidden'
    ? {code: 403, body: statusBody(403, 'Forbidden', `${what} is forbidden: User "system:serviceaccount:default:ciltune" cannot get resource`)}
    : {code: 500, body: statusBody(500, 'InternalError', `an error on the server ("${what}") has prevented the request from succeeding`)}
}
