import type {Snapshot} from '../../snapshot/schema.js'
import type {Evidence} from '../types.js'
import {ev} from './core.js'
import {configText, helmEvidence, helmString, helmValue} from './cluster.js'

/*
 * How the agents are told to reach the API server: k8s.apiServerURLs / k8s-api-server-urls (1.18+, a
 * space-separated list the client rotates through), k8sServiceHost (one address, an env var of the pods) or
 * k8sServiceHostRef (1.18+, the same from a ConfigMap). None of them: the kubernetes Service ClusterIP,
 * which needs kube-proxy (or Cilium itself) to be served.
 */

export interface ApiServerEndpoints {
  urls: string[]
  urlsEvidence?: Evidence
  host?: string
  hostEvidence?: Evidence
  hostRef: boolean
}

export function apiServerEndpoints(s: Snapshot): ApiServerEndpoints {
  const cfg = configText(s, 'k8s-api-server-urls')
  const helmUrls = helmValue(s, 'k8s.apiServerURLs')
  const text = cfg?.value ?? (typeof helmUrls === 'string' ? helmUrls : undefined)
  const urls = (text ?? '').split(/[\s,]+/).filter(Boolean)
  const host = helmString(s, 'k8sServiceHost')
  return {
    urls,
    urlsEvidence: cfg ? ev(cfg.src) : text !== undefined ? helmEvidence(s, 'k8s.apiServerURLs') : undefined,
    host: host === '' ? undefined : host,
    hostEvidence: host ? helmEvidence(s, 'k8sServiceHost') : undefined,
    hostRef: Boolean(helmString(s, 'k8sServiceHostRef.name')),
  }
}

/** Whether kube-proxy replacement is configured on (cilium-config or Helm). */
export function kprConfigured(s: Snapshot): boolean {
  const v = configText(s, 'kube-proxy-replacement')?.value ?? helmString(s, 'kubeProxyReplacement')
  return v !== undefined && /^(true|strict)$/i.test(v)
}
