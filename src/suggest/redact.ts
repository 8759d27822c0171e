/*
 * Current values can carry keys, certificates and tokens (clustermesh, Hubble TLS, IPsec, etcd).
 * Nothing ciltune prints or writes may contain them: diff, --set and comments go through here.
 */
import {isMap} from './paths.js'

export const REDACTED = '<redacted>'

const SECRET_SEGMENT = /^(ca|cert|crt|key|keys|token|password|passwd|secret|secrets|psk|privateKey)$|(Key|Keys|Cert|Crt|Token|Password|Secret|Psk|Bundle)$/
const SECRET_TREE = /(^|\.)(tls|ipsec|etcd|clustermesh|auth|authentication|wireguard)(\.|$)/i
const PEM = /-----BEGIN [A-Z ]+-----[\s\S]*?(-----END [A-Z ]+-----|$)/g
const LONG_BASE64 = /\b[A-Za-z0-9+/]{40,}={0,2}/g

/** Whether a dotted Helm path names secret material. */
export function isSecretPath(path: string): boolean {
  const segs = path.split('.')
  const last = segs[segs.length - 1]
  if (SECRET_SEGMENT.test(last)) return true
  // Under TLS/IPsec/clustermesh trees, any leaf holding inline data is treated as secret.
  return SECRET_TREE.test(path) && /(data|value|content|inline)$/i.test(last)
}

export function looksSecret(value: unknown): boolean {
  if (typeof value !== 'string') return false
  PEM.lastIndex = 0
  LONG_BASE64.lastIndex = 0
  return PEM.test(value) || LONG_BASE64.test(value)
}

/** Deep copy with every secret leaf (by path or by content) replaced. */
export function redactValues(v: unknown, path = ''): unknown {
  if (Array.isArray(v)) return v.map((x, i) => redactValues(x, path ? `${path}.${i}` : String(i)))
  if (isMap(v)) {
    const out: Record<string, unknown> = {}
    for (const [k, x] of Object.entries(v)) {
      const p = path ? `${path}.${k}` : k
      out[k] = (isSecretPath(p) && x !== null && x !== '' && !isMap(x) && !Array.isArray(x)) ? REDACTED : redactValues(x, p)
    }
    return out
  }
  return looksSecret(v) ? REDACTED : v
}

/** Free text (evidence lines, reasons) with PEM blocks and long base64 runs removed. */
export function redactText(s: string): string {
  return s.replace(PEM, REDACTED).replace(LONG_BASE64, REDACTED)
}

export function redactScalar(path: string, value: unknown): unknown {
  return isSecretPath(path) || looksSecret(value) ? REDACTED : value
}
