import {randomBytes} from 'node:crypto'
import {AddressPseudonyms} from './anonymize-ip.js'

/*
 * `--anonymize`: a report that can be posted to a public issue. Node, pod, namespace, cluster,
 * context and host names, and every IPv4/IPv6 address and CIDR, are replaced by pseudonyms that
 * are the same for the same input within one run (node lbx-cp-01 is node-1 in every line, every
 * format and every file), so the report still reads. Addresses keep their structure (prefix-
 * preserving, see anonymize-ip.ts). One pass over each string, so a pseudonym is never replaced again.
 */

export type NameKind = 'node' | 'pod' | 'namespace' | 'cluster' | 'context' | 'host'

export interface KnownNames {
  node?: Iterable<string>
  pod?: Iterable<string>
  namespace?: Iterable<string>
  cluster?: Iterable<string>
  context?: Iterable<string>
  host?: Iterable<string>
  /** Local paths the evidence was read from (--from): they name users and clusters, and become `capture` */
  paths?: Iterable<string>
  /** Every text the run may print: addresses and `pod=`/`node=` fields found in it are known before any output. */
  texts?: Iterable<string>
}

// the same in every cluster: they name no one, and keeping them keeps commands readable
const WELL_KNOWN = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease', 'cilium', 'cilium-system', 'kubernetes', 'localhost'])
// Cilium's own workloads: their pods keep the component, so "cilium-operator-pod-3" still says what it is
const COMPONENTS = ['cilium-operator', 'cilium-envoy', 'cilium-node-init', 'hubble-relay', 'hubble-ui', 'clustermesh-apiserver', 'cilium']
const PREFIX: Record<NameKind, string> = {node: 'node', pod: 'pod', namespace: 'namespace', cluster: 'cluster', context: 'context', host: 'host'}

const V4 = String.raw`(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?:/\d{1,2})?(?!\.?\d)`
const V6 = String.raw`(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|\d{1,3}(?:\.\d{1,3}){3})?(?:/\d{1,3})?(?![\w:])`
const TOKEN = String.raw`[A-Za-z0-9][\w-]*(?:\.[\w-]+)*`
const ANY = new RegExp(`(${V4})|(${V6})|(${TOKEN})`, 'g')
const ONLY_TOKENS = new RegExp(TOKEN, 'g')
const DASHED_V4 = /(?<![\d])(\d{1,3})-(\d{1,3})-(\d{1,3})-(\d{1,3})(?![\d])/g
// fields that carry a name in log lines, metric labels and JSON: k8sPodName=ns/pod, node="x", "nodeName":"x"
const FIELD = /\b(k8sPodName|podName|pod_name|kubernetes_pod_name|pod|k8sNamespace|namespace|k8s_namespace|nodeName|node_name|kubernetes_node|node|hostname)["']?\s*[=:]\s*["']?([A-Za-z0-9][\w.-]*(?:\/[A-Za-z0-9][\w.-]*)?)/g

/**
 * A path where a path starts: `cap` in `cap/x.txt` or a field that is just `cap`, never inside `capture` nor in
 * `…/blob/main/cap/…`. A one-segment path is replaced in prose only as a whole string: `docs` is also a word.
 */
function pathPattern(path: string): RegExp {
  const end = path.includes('/') ? String.raw`(?=/|$|[\s"':,;)\]])` : '(?=/|$)'
  return new RegExp(`(?<![\\w./-])${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}${end}`, 'g')
}

function fieldKind(field: string): NameKind {
  if (/namespace/i.test(field)) return 'namespace'
  if (/node|hostname/i.test(field)) return 'node'
  return 'pod'
}

export class Anonymizer {
  private readonly names = new Map<string, string>()
  private readonly originals = new Set<string>()
  private readonly counters = new Map<string, number>()
  private readonly addresses: AddressPseudonyms
  private readonly paths: Array<[RegExp, string]>

  constructor(known: KnownNames, key?: Buffer) {
    const addrs = new Set<string>()
    const kinds: NameKind[] = ['cluster', 'context', 'host', 'namespace', 'node', 'pod']
    const found: Array<[NameKind, string]> = kinds.flatMap((k) => [...(known[k] ?? [])].map((n): [NameKind, string] => [k, n]))
    for (const t of known.texts ?? []) {
      for (const m of t.matchAll(ANY)) if (m[1] || m[2]) addrs.add(m[1] ?? m[2])
      for (const m of t.matchAll(FIELD)) {
        const [first, second] = m[2].split('/')
        if (second !== undefined && fieldKind(m[1]) === 'pod') found.push(['namespace', first], ['pod', second])
        else if (second === undefined) found.push([fieldKind(m[1]), first])
      }
    }
    for (const [, n] of found) this.originals.add(n)
    for (const [k, n] of found) this.name(k, n)
    // longest first, so /a/b is replaced before /a
    this.paths = [...new Set(known.paths ?? [])].filter((p) => p.length > 1).sort((a, b) => b.length - a.length)
      .map((p): [RegExp, string] => [pathPattern(p.replace(/\/+$/, '')), 'capture'])
    this.addresses = key ? new AddressPseudonyms(key) : Anonymizer.addressesAvoiding(addrs)
  }

  /** A key under which no address seen maps onto another address seen: a pseudonym never reads as a real address. */
  private static addressesAvoiding(addrs: Set<string>): AddressPseudonyms {
    let p = new AddressPseudonyms(randomBytes(32))
    for (let i = 0; i < 32; i++) {
      if (![...addrs].some((a) => {
        const out = p.address(a)
        return out !== undefined && out !== a && addrs.has(out)
      })) break
      p = new AddressPseudonyms(randomBytes(32))
    }
    return p
  }

  private next(prefix: string): string {
    for (;;) {
      const n = (this.counters.get(prefix) ?? 0) + 1
      this.counters.set(prefix, n)
      const candidate = `${prefix}-${n}`
      if (!this.originals.has(candidate)) return candidate
    }
  }

  /** Register a name (first registration wins its kind); returns its pseudonym. */
  private name(kind: NameKind, name: string): string {
    if (name.length < 2 || WELL_KNOWN.has(name) || /^[\d.]+$/.test(name) || /^(true|false|null|none|nil)$/i.test(name)) return name
    const had = this.names.get(name)
    if (had) return had
    const component = kind === 'pod' ? COMPONENTS.find((c) => name.startsWith(`${c}-`)) : undefined
    const pseudonym = this.next(component ? `${component}-pod` : PREFIX[kind])
    this.names.set(name, pseudonym)
    return pseudonym
  }

  private token(t: string): string {
    const whole = this.names.get(t)
    if (whole) return whole
    // host names that spell an address (ip-10-0-1-7.ec2.internal)
    const dashed = t.replace(DASHED_V4, (m, a: string, b: string, c: string, d: string) => this.addresses.address(`${a}.${b}.${c}.${d}`)?.replaceAll('.', '-') ?? m)
    return dashed.split('.').map((seg) => this.names.get(seg) ?? seg).join('.')
  }

  /** One string with every known name and every address replaced. */
  text(s: string): string {
    let t = s
    for (const [p, q] of this.paths) t = t.replace(p, q)
    return t.replace(ANY, (m, v4: string | undefined, v6: string | undefined) => {
      if (v4 || v6) return this.addresses.address(m) ?? m.replace(ONLY_TOKENS, (t) => this.token(t))
      return this.token(m)
    })
  }

  /** Deep copy with every string (and every object key) anonymized; structure kept. */
  deep<T>(v: T): T {
    if (typeof v === 'string') return this.text(v) as T
    if (Array.isArray(v)) return (v as unknown[]).map((x) => this.deep(x)) as T
    if (typeof v === 'object' && v !== null) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [this.text(k), this.deep(x)])) as T
    }
    return v
  }

  /** The pseudonyms given so far, original → pseudonym (for tests and a private lookup table). */
  table(): ReadonlyMap<string, string> {
    return this.names
  }
}

/** Every string inside a value, for KnownNames.texts. */
export function* stringsIn(v: unknown): Generator<string> {
  if (typeof v === 'string') {
    yield v
  } else if (Array.isArray(v)) {
    for (const x of v) yield* stringsIn(x)
  } else if (typeof v === 'object' && v !== null) {
    for (const [k, x] of Object.entries(v)) {
      yield k
      yield* stringsIn(x)
    }
  }
}
