import {gunzipSync} from 'node:zlib'
import type {HelmValues} from '../snapshot/schema.js'
import {get, isRecord, readK8sDoc, str} from './k8s-object.js'

/*
 * Helm values for the cilium release: `helm get values cilium -o yaml|json` (user-supplied values,
 * the YAML form headed by `USER-SUPPLIED VALUES:`), a chart's values.yaml, or the release Secret
 * `sh.helm.release.v1.cilium.vN` itself (knowledge/helm-release.md: data.release is
 * base64(gzip(json)), base64-encoded once more by the API in the raw Secret object).
 */

const HEADING = /^(USER-SUPPLIED|COMPUTED) VALUES:\s*$/
const GZIP = [0x1f, 0x8b, 0x08]
const MAX_RELEASE_BYTES = 64 * 1024 * 1024

export function parseHelmValues(text: string, file: string): HelmValues {
  const lines = text.split(/\r?\n/)
  // keep line numbering stable: blank the heading instead of dropping it
  if (lines.length > 0 && HEADING.test(lines[0].trim())) lines[0] = ''
  if (looksLikeHelmRelease(text)) return decodeHelmRelease(text, file)
  const doc = readK8sDoc(lines.join('\n'))
  return {source: file, values: doc && isRecord(doc.value) ? doc.value : {}, ...captureHeading(text)}
}

// the first line `ciltune collect` writes above the values it decoded from the release Secret
const CAPTURE = /^# Helm release of cilium(?:, revision (\d+))?(?:, chart (\S+?))?(?:, deployed (\S+?))?: user-supplied values/

function captureHeading(text: string): Pick<HelmValues, 'revision' | 'chartVersion' | 'deployedAt'> {
  const m = CAPTURE.exec(text.slice(0, 512).trimStart())
  if (!m) return {}
  return {...(m[1] ? {revision: Number(m[1])} : {}), ...(m[2] ? {chartVersion: m[2]} : {}), ...(m[3] ? {deployedAt: m[3]} : {})}
}

/** A release Secret (YAML/JSON object, a List of them, its `data` map, or the bare payload) → values. */
export function decodeHelmRelease(secretOrData: string, file: string): HelmValues {
  const out: HelmValues = {source: file, values: {}}
  const release = findRelease(secretOrData)
  if (!release) return out
  const config = get(release, 'config')
  if (isRecord(config)) out.values = config
  const defaults = get(release, 'chart', 'values')
  if (isRecord(defaults)) out.chartDefaults = defaults
  const version = str(get(release, 'chart', 'metadata', 'version'))
  if (version) out.chartVersion = version
  const deployed = str(get(release, 'info', 'last_deployed'))
  if (deployed) out.deployedAt = deployed
  const revision = get(release, 'version')
  if (typeof revision === 'number' && Number.isSafeInteger(revision)) out.revision = revision
  return out
}

function findRelease(text: string): Record<string, unknown> | undefined {
  const trimmed = text.trim()
  const doc = trimmed.length > 0 ? readK8sDoc(trimmed) : undefined
  const v = doc?.value
  if (typeof v === 'string') return decodePayload(v)
  if (!isRecord(v)) return decodePayload(trimmed)
  if ('chart' in v || 'config' in v) return v // already the decoded release JSON
  if (Array.isArray(v.items)) {
    // `kubectl get secret -l owner=helm,name=cilium -o yaml`: the deployed one with the highest revision
    const candidates = v.items.filter((s) => typeof get(s, 'data', 'release') === 'string')
    const deployed = candidates.filter((s) => get(s, 'metadata', 'labels', 'status') === 'deployed')
    const pool = deployed.length > 0 ? deployed : candidates
    const rev = (s: unknown) => Number(get(s, 'metadata', 'labels', 'version') ?? 0) || 0
    const best: unknown = pool.sort((a, b) => rev(b) - rev(a))[0]
    const payload = str(get(best, 'data', 'release'))
    return payload ? decodePayload(payload) : undefined
  }
  const payload = str(get(v, 'data', 'release')) ?? str(v.release)
  return payload ? decodePayload(payload) : undefined
}

/** Peel base64 layers (one from Helm, one from the API when read raw) until gzip or JSON appears. */
function decodePayload(payload: string): Record<string, unknown> | undefined {
  let s = payload.replace(/\s+/g, '')
  for (let round = 0; round < 3; round++) {
    if (!/^[A-Za-z0-9+/=_-]+$/.test(s)) return undefined
    const buf = Buffer.from(s, 'base64')
    try {
      if (GZIP.every((b, i) => buf[i] === b)) return asRecord(gunzipSync(buf, {maxOutputLength: MAX_RELEASE_BYTES}).toString('utf8'))
      if (buf[0] === 0x7b) return asRecord(buf.toString('utf8'))
    } catch {
      return undefined
    }
    s = buf.toString('latin1').replace(/\s+/g, '')
  }
  return undefined
}

function asRecord(json: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(json) as unknown
    return isRecord(v) ? v : undefined
  } catch {
    return undefined
  }
}

// top-level keys that only a Cilium values file has (generic ones like image/debug are left out)
const CILIUM_KEYS = [
  'bpf', 'hubble', 'ipam', 'kubeProxyReplacement', 'k8sServiceHost', 'k8sServicePort', 'routingMode', 'tunnelProtocol',
  'tunnel', 'operator', 'loadBalancer', 'encryption', 'bandwidthManager', 'ipv4NativeRoutingCIDR', 'autoDirectNodeRoutes',
  'clustermesh', 'envoy', 'nodePort', 'socketLB', 'hostFirewall', 'egressGateway', 'l7Proxy', 'cni', 'enableIPv4Masquerade',
  'bpfClockProbe', 'policyEnforcementMode', 'identityAllocationMode', 'k8sClientRateLimit', 'devices', 'upgradeCompatibility',
  'ipv4', 'ipv6', 'prometheus', 'cluster', 'bgpControlPlane', 'gatewayAPI', 'ingressController', 'nodeIPAM', 'MTU',
]
const YAML_KEY = new RegExp(`^(?:${CILIUM_KEYS.join('|')}):(?:\\s|$)`, 'm')

export function looksLikeHelmValues(text: string): boolean {
  const head = text.slice(0, 262144)
  if (HEADING.test(head.split('\n', 1)[0].trim())) return true
  if (looksLikeHelmRelease(text)) return false
  if (/^\s*[{[]/.test(head)) return looksLikeHelmJson(text)
  if (/^(apiVersion|kind|data|items):/m.test(head)) return false
  return YAML_KEY.test(head)
}

/**
 * Helm values in JSON: camelCase top-level keys including a Cilium one. `cilium status -o json`
 * shares names like hubble/ipam/encryption but has kebab-case keys (kube-proxy-replacement, bpf-maps).
 */
function looksLikeHelmJson(text: string): boolean {
  if (!/^\s*\{/.test(text)) return false
  let keys: string[] | undefined
  try {
    const v = JSON.parse(text) as unknown
    keys = isRecord(v) ? Object.keys(v) : []
  } catch {
    // cut-off capture: judge by the keys written at the first indentation level
    const indent = /^\{\s*\n(\s*)"/.exec(text.trimStart())?.[1] ?? ''
    keys = [...text.slice(0, 65536).matchAll(new RegExp(`^${indent}"([^"]+)"\\s*:`, 'gm'))].map((m) => m[1])
  }
  if (keys.includes('apiVersion') || keys.includes('kind') || keys.some((k) => k.includes('-'))) return false
  return keys.some((k) => CILIUM_KEYS.includes(k))
}

/** A Helm release Secret (or a list of them), recognized by Helm's own markers. */
export function looksLikeHelmRelease(text: string): boolean {
  const head = text.slice(0, 1 << 20)
  return /sh\.helm\.release\.v1\./.test(head) || /helm\.sh\/release\.v1/.test(head)
}
