import type {LocalRedirectPolicyInfo} from '../snapshot/schema.js'
import {get, objectsOfKind, readK8sDoc, str} from './k8s-object.js'
import {src} from './text.js'

/*
 * CiliumLocalRedirectPolicy objects (`kubectl get ciliumlocalredirectpolicies -A -o yaml|json`): which frontend
 * each redirects, spec.redirectFrontend.serviceMatcher (a Service) or .addressMatcher (an IP, e.g. the node-local
 * metadata server). Field names from pkg/k8s/apis/cilium.io/v2/clrp_types.go and
 * https://docs.cilium.io/en/stable/network/kubernetes/local-redirect-policy/.
 */

function frontendOf(obj: Record<string, unknown>): string {
  const svc = get(obj, 'spec', 'redirectFrontend', 'serviceMatcher')
  if (svc !== undefined) return `service ${str(get(svc, 'namespace')) ?? str(get(obj, 'metadata', 'namespace')) ?? '?'}/${str(get(svc, 'serviceName')) ?? '?'}`
  const ip = str(get(obj, 'spec', 'redirectFrontend', 'addressMatcher', 'ip'))
  return ip ? `address ${ip}` : 'no frontend'
}

/** The policies of a list or a single object; [] when the text holds none (an empty list is "none exist"). */
export function parseLocalRedirectPolicies(text: string, file: string): LocalRedirectPolicyInfo[] {
  const doc = readK8sDoc(text)
  if (!doc) return []
  return objectsOfKind(doc, 'CiliumLocalRedirectPolicy').flatMap(({obj, path}) => {
    const name = str(get(obj, 'metadata', 'name'))
    if (!name) return []
    const line = doc.lineOf([...path, 'metadata', 'name'])
    const namespace = str(get(obj, 'metadata', 'namespace'))
    return [{name, ...(namespace ? {namespace} : {}), frontend: frontendOf(obj), src: src(file, line, doc.lineText(line))}]
  })
}
