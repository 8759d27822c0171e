/*
 * The one place that decides what is secret. Helm values can carry keys, certificates and tokens
 * (clustermesh, Hubble TLS, IPsec, etcd, extraEnv credentials, extraArgs flags); nothing ciltune
 * prints or writes may contain them: collect directories, saved snapshots, every report format,
 * suggest overlays, --set and diffs go through here. Keys are judged by name, values by shape.
 */

export const REDACTED = '<redacted>'

const SECRET_SEGMENT = /^(ca|cert|crt|key|keys|token|password|passwd|secret|secrets|psk|privateKey|credentials?)$|(Key|Keys|Cert|Crt|Token|Password|Secret|Psk|Bundle|Credentials?|KeyData|CertificateData)$/
const SECRET_TREE = /(^|\.)(tls|ipsec|etcd|clustermesh|auth|authentication|wireguard)(\.|$)/i
// an env var or flag whose name says it holds a credential (AWS_SECRET_ACCESS_KEY, --api-token)
const SECRET_NAME = /(secret|token|password|passwd|credential|api[-_]?key|access[-_]?key|private[-_]?key|client[-_]?key|auth)/i
const PEM = /-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(-----END [A-Z0-9 ]+-----|$)/g
const LONG_BASE64 = /(?<![\w+/])[A-Za-z0-9+/]{40,}={0,2}/g
const JWT = /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g
// `--api-token=abc`, `password: abc`, `"token":"abc"`, `client-key-data: …`: keep the name, drop the value
// the name must end in the secret word: `policy-secrets-namespace` is a setting, `api-token` a credential.
// Tried only where a name can start (not after a name character): the leftmost match is the same, and the
// search no longer restarts inside every word (a 1000-node capture's gigabyte took 7.4 s of `collect`).
const NAMED = /(?<![\w.-])((?:--?)?["']?[\w.-]*(?:secret|token|password|passwd|credentials?|api[-_]?key|access[-_]?key|private[-_]?key|key-data|certificate-data)["']?\s*[:=]\s*["']?)(?![{[\\])([^\s"',}\]]+)/gi

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** Whether a dotted Helm path names secret material. */
export function isSecretPath(path: string): boolean {
  const segs = path.split('.')
  const last = segs[segs.length - 1]
  if (SECRET_SEGMENT.test(last)) return true
  // Under TLS/IPsec/clustermesh trees, any leaf holding inline data is treated as secret.
  return SECRET_TREE.test(path) && /(data|value|content|inline)$/i.test(last)
}

function fresh(re: RegExp): RegExp {
  re.lastIndex = 0
  return re
}

/**
 * A hex run (image digest, commit id) is long but not a secret, nor is a path (`state/templates/<hex>/bpf_lxc.o`):
 * a secret has a long segment between slashes that is not hex.
 */
function base64Secret(run: string): boolean {
  return run.split('/').some((seg) => seg.length >= 32 && !/^[0-9a-f]+$/i.test(seg))
}

export function looksSecret(value: unknown): boolean {
  if (typeof value !== 'string') return false
  if (fresh(PEM).test(value) || fresh(JWT).test(value) || fresh(BEARER).test(value) || fresh(NAMED).test(value)) return true
  return (value.match(fresh(LONG_BASE64)) ?? []).some(base64Secret)
}

/** `{name: AWS_SECRET_ACCESS_KEY, value: …}` (extraEnv, env) holds a secret by its name. */
function secretEnvEntry(v: Record<string, unknown>): boolean {
  return typeof v.name === 'string' && SECRET_NAME.test(v.name) && 'value' in v
}

/** Deep copy with every secret leaf (by path, by env name or by content) replaced. */
export function redactValues(v: unknown, path = ''): unknown {
  if (Array.isArray(v)) return v.map((x, i) => redactValues(x, path ? `${path}.${i}` : String(i)))
  if (isRecord(v)) {
    const out: Record<string, unknown> = {}
    const env = secretEnvEntry(v)
    for (const [k, x] of Object.entries(v)) {
      const p = path ? `${path}.${k}` : k
      const leaf = x !== null && x !== '' && !isRecord(x) && !Array.isArray(x)
      out[k] = leaf && (isSecretPath(p) || (env && k === 'value')) ? REDACTED : redactValues(x, p)
    }
    return out
  }
  return typeof v === 'string' ? redactText(v) : v
}

// a word NAMED cannot match without (passw: password and passwd)
const NAMED_WORD = /secret|token|passw|credential|api[-_]?key|access[-_]?key|private[-_]?key|key-data|certificate-data/i

/**
 * Free text (evidence lines, reasons, whole files) with secret-shaped runs replaced. Each pattern runs only on
 * text holding what any match of it must hold (its fixed words, or 40 characters): a report is thousands of
 * short lines with no secret, and five searches of each were a tenth of reading a 1000-agent capture.
 */
export function redactText(s: string): string {
  let t = s
  if (t.includes('-----BEGIN ')) t = t.replace(fresh(PEM), REDACTED)
  if (t.includes('eyJ')) t = t.replace(fresh(JWT), REDACTED)
  if (t.includes('Bearer') || t.includes('Basic')) t = t.replace(fresh(BEARER), (_m, kind: string) => `${kind} ${REDACTED}`)
  if (NAMED_WORD.test(t)) t = t.replace(fresh(NAMED), (_m, name: string) => `${name}${REDACTED}`)
  if (t.length >= 40) t = t.replace(fresh(LONG_BASE64), (run) => (base64Secret(run) ? REDACTED : run))
  return t
}

export function redactScalar(path: string, value: unknown): unknown {
  return isSecretPath(path) || looksSecret(value) ? REDACTED : value
}

/** A snapshot as saved: Helm values redacted key by key (the rest by shape, when serialized through redactText). */
export function redactSnapshot<T extends {cluster: {helm?: {values: Record<string, unknown>, chartDefaults?: Record<string, unknown>}}}>(s: T): T {
  const helm = s.cluster.helm
  if (!helm) return s
  return {
    ...s,
    cluster: {
      ...s.cluster,
      helm: {...helm, values: redactValues(helm.values), ...(helm.chartDefaults ? {chartDefaults: redactValues(helm.chartDefaults)} : {})},
    },
  }
}

/**
 * `v` with every string run through redactText (structure kept: JSON stays JSON). An object or array is copied only
 * when a string inside it changed: a 5000-agent report without a secret is not held twice (58 MB of heap).
 * Nothing is changed in place.
 */
export function redactStrings<T>(v: T): T {
  if (typeof v === 'string') return redactText(v) as T
  if (Array.isArray(v)) {
    let out: unknown[] | undefined
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i]
      const y = redactStrings(x)
      if (y !== x) (out ??= [...(v as unknown[])])[i] = y
    }
    return (out ?? v) as T
  }
  if (isRecord(v)) {
    let out: Record<string, unknown> | undefined
    for (const [k, x] of Object.entries(v)) {
      const y = redactStrings(x)
      if (y !== x) (out ??= {...v})[k] = y
    }
    return (out ?? v) as T
  }
  return v
}
