import type {AgentStatus, BpfMapRow, ControllerRow, SourceRef} from '../snapshot/schema.js'
import {bpfMapId, resolveBpfMapIds} from './status-bpf-maps.js'
import {kprEnabled} from './status-kpr.js'
import {ipamPools, safeFloat, versionFromMessage} from './status-values.js'

/*
 * `cilium-dbg status [--verbose] -o json`: json.MarshalIndent of the go-swagger StatusResponse
 * (keys per STATUS-JSON-SCHEMA.md). It carries everything the verbose text shows except
 * "Cluster health" and "Modules Health", which the CLI fetches from other APIs and prints only as text.
 * Values are normalized to the text parser's vocabulary so rules need not care which form was read.
 */

type Json = Record<string, unknown>
const obj = (v: unknown): Json | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? v as Json : undefined)
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : [])
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)
const bool = (v: unknown): boolean => v === true
function int(v: unknown): number | undefined {
  if (typeof v !== 'number' || !Number.isFinite(v)) return undefined
  const n = Math.trunc(v)
  return Number.isSafeInteger(n) ? n : Math.sign(n) * Number.MAX_SAFE_INTEGER
}

/**
 * Finds the pretty-printed line of a key, so evidence can point at it. Searches stay inside the
 * region of the enclosing top-level key; anything not found gets line 0 and a compact rendering.
 */
class Locator {
  private readonly starts: number[] = [0]
  constructor(private readonly text: string, private readonly file: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1)
  }

  /** [start, end) offsets of a top-level key's member ("  \"key\": …" at 2-space indent). */
  region(key: string): [number, number] | undefined {
    const m = new RegExp(`(^|\\n) {0,2}"${escapeRe(key)}"\\s*:`).exec(this.text)
    if (!m) return undefined
    const start = m.index + m[1].length
    const next = /\n {0,2}"[^"]+"\s*:/g
    next.lastIndex = start + 1
    const n = next.exec(this.text)
    return [start, n ? n.index + 1 : this.text.length]
  }

  /** Offset of `needle` within [from, to), or -1. */
  find(needle: string, from: number, to: number): number {
    const i = this.text.indexOf(needle, from)
    return i >= 0 && i < to ? i : -1
  }

  src(offset: number, fallback: string): SourceRef {
    if (offset < 0) return {file: this.file, line: 0, text: fallback.slice(0, 200)}
    let lo = 0
    let hi = this.starts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (this.starts[mid] <= offset) lo = mid
      else hi = mid - 1
    }
    const end = this.text.indexOf('\n', this.starts[lo])
    return {file: this.file, line: lo + 1, text: this.text.slice(this.starts[lo], end < 0 ? undefined : end).trim()}
  }
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

function compact(key: string, v: unknown): string {
  let s: string
  try {
    s = JSON.stringify(v) ?? ''
  } catch {
    s = ''
  }
  return `"${key}": ${s}`
}

export function parseStatusJson(text: string, file: string): AgentStatus {
  const out: AgentStatus = {format: 'json', verbose: false, earlyExit: false, unrecognized: []}
  let doc: unknown
  try {
    doc = JSON.parse(typeof text === 'string' ? text : String(text))
  } catch (err) {
    out.unrecognized.push({
      line: 0,
      text: `not valid JSON (${err instanceof Error ? err.message : String(err)}); expected the output of cilium-dbg status -o json`,
    })
    return out
  }
  const root = obj(doc)
  if (!root) {
    out.unrecognized.push({line: 0, text: `expected a JSON object (cilium-dbg status -o json), got ${Array.isArray(doc) ? 'an array' : typeof doc}`})
    return out
  }
  try {
    fill(out, root, new Locator(text, file))
  } catch (err) {
    out.unrecognized.push({line: 0, text: `parser error: ${err instanceof Error ? err.message : String(err)}`})
  }
  return out
}

/** Where a section's facts come from: the document, and the line of a key in it. */
interface Ctx {
  out: AgentStatus
  root: Json
  loc: Locator
  at: At
}

function fill(out: AgentStatus, root: Json, loc: Locator): void {
  /** SourceRef of a top-level key, or of `sub` inside it. */
  const at = (key: string, sub?: string): SourceRef => {
    const r = loc.region(key)
    if (!r) return loc.src(-1, compact(key, sub ? obj(root[key])?.[sub] : root[key]))
    if (!sub) return loc.src(r[0], '')
    // a direct child first ("mode" of KPR, not nodePort.mode), then any descendant
    const direct = loc.find(`\n    "${sub}"`, r[0], r[1])
    const i = direct >= 0 ? direct + 1 : loc.find(`"${sub}"`, r[0], r[1])
    return i >= 0 ? loc.src(i, '') : loc.src(r[0], '')
  }
  const ctx: Ctx = {out, root, loc, at}
  states(ctx)
  kpr(out, obj(root['kube-proxy-replacement']), at)
  staleAndMonitor(ctx)
  ipamAndMesh(ctx)
  bigTcpAndBandwidth(ctx)
  routingModes(ctx)
  masquerading(ctx)
  controllers(out, root, loc)
  proxyStatus(ctx)
  hubble(out, root, at)
  bpfMaps(out, root, loc)
  encryption(ctx)
  // what the verbose text would show (all controllers, BPF maps, KPR details) is always in the JSON
  out.verbose = Boolean(out.bpfMaps || (out.controllers && out.controllers.total > 0) || out.kprDetails)
}

function states({out, root, at}: Ctx): void {
  for (const key of ['kvstore', 'kubernetes'] as const) {
    const s = obj(root[key])
    if (s && str(s.state)) out[key] = {state: str(s.state)!, message: str(s.msg) ?? '', src: at(key)}
  }
  const cilium = obj(root.cilium)
  if (cilium && str(cilium.state)) {
    const message = str(cilium.msg) ?? ''
    out.cilium = {state: str(cilium.state)!, message, src: at('cilium')}
    const v = versionFromMessage(message)
    if (v) out.cilium.version = v
  }
  const health = obj(obj(root.cluster)?.ciliumHealth)
  if (health && str(health.state)) {
    out.healthDaemon = {state: str(health.state)!, message: str(health.msg) ?? '', src: at('cluster', 'ciliumHealth')}
  }
}

function staleAndMonitor({out, root, at}: Ctx): void {
  const stale = obj(root.stale)
  if (stale && Object.keys(stale).length > 0) {
    out.staleStatus = {text: Object.entries(stale).map(([k, v]) => `"${k}" since ${String(v)}`).join(', '), src: at('stale')}
  }
  const nm = obj(root.nodeMonitor)
  if (!nm) return
  const cpus = int(nm.cpus) ?? 0
  out.nodeMonitor = {
    text: `Listening for events on ${cpus} CPUs with ${int(nm.npages) ?? 0}x${int(nm.pagesize) ?? 0} of shared memory`,
    src: at('nodeMonitor'),
  }
  const lost = int(nm.lost)
  if (lost !== undefined) out.nodeMonitor.lost = lost
}

function ipamAndMesh({out, root, at}: Ctx): void {
  const ipam = obj(root.ipam)
  const pools = ipamPools(str(ipam?.status) ?? '')
  if (pools.length > 0) out.ipam = {pools, src: at('ipam', 'status')}
  const mesh = obj(root['cluster-mesh'])
  if (mesh) {
    const clusters = arr(mesh.clusters).map(obj).filter((c): c is Json => Boolean(c))
    out.clusterMesh = {ready: clusters.filter((c) => bool(c.ready)).length, total: clusters.length, src: at('cluster-mesh')}
  }
}

function bigTcpAndBandwidth({out, root, at}: Ctx): void {
  for (const [key, fam] of [['ipv4-big-tcp', 'ipv4'], ['ipv6-big-tcp', 'ipv6']] as const) {
    const b = obj(root[key])
    if (!b) continue
    out.bigTcp ??= {}
    out.bigTcp[fam] = {enabled: bool(b.enabled), src: at(key)}
  }
  const bw = obj(root['bandwidth-manager'])
  if (!bw) return
  const enabled = bool(bw.enabled)
  const cc = str(bw.congestionControl)
  const devs = arr(bw.devices).map(str).filter(Boolean)
  const text = enabled ? `EDT with BPF${cc ? ` [${cc.toUpperCase()}]` : ''} [${devs.join(', ')}]` : 'Disabled'
  out.bandwidthManager = {enabled, text, src: at('bandwidth-manager')}
}

function routingModes({out, root, at}: Ctx): void {
  const rt = obj(root.routing)
  const hostRouting = obj(root['host-routing'])
  if (rt) {
    const host = str(rt['intra-host-routing-mode'])
    if (host === 'BPF' || host === 'Legacy') {
      out.routing = {host, src: at('routing')}
      const net = str(rt['inter-host-routing-mode'])
      if (net === 'Native' || net === 'Tunnel') out.routing.network = net
      const proto = str(rt['tunnel-protocol'])
      if (proto && net === 'Tunnel') out.routing.tunnelProtocol = proto
    } else out.unrecognized.push({line: at('routing').line, text: compact('routing', rt)})
  } else if (hostRouting) {
    const mode = str(hostRouting.mode)
    if (mode === 'BPF' || mode === 'Legacy') out.routing = {host: mode, src: at('host-routing')}
  }
  // the words the text printer uses for these enums
  const attach = str(root['attach-mode'])
  if (attach) out.attachMode = {value: attach === 'tcx' ? 'TCX' : 'Legacy TC', src: at('attach-mode')}
  const dp = str(root['datapath-mode'])
  if (dp) {
    out.deviceMode = {value: ['veth', 'netkit', 'netkit-l2'].includes(dp) ? dp : '?', src: at('datapath-mode')}
    const configured = str(root['configured-datapath-mode'])
    if (configured) out.deviceMode.configured = configured
  }
}

function masquerading({out, root, at}: Ctx): void {
  const masq = obj(root.masquerading)
  if (!masq) return
  // same decision tree as the text printer (pkg/client FormatStatusResponse)
  const protos = obj(masq.enabledProtocols)
  const m = str(masq.mode)
  let mode: string
  let text: string
  if (!protos) mode = text = bool(masq.enabled) ? 'Enabled' : 'Disabled'
  else if (!bool(protos.ipv4) && !bool(protos.ipv6)) mode = text = 'Disabled'
  else {
    mode = m === 'iptables' ? 'IPTables' : m === 'BPF' ? (bool(masq['ip-masq-agent']) ? 'BPF (ip-masq-agent)' : 'BPF') : (m ?? '')
    const cidr = mode.startsWith('BPF') ? str(masq['snat-exclusion-cidr-v4']) ?? str(masq['snat-exclusion-cidr']) ?? '' : ''
    text = `${mode}${cidr ? `   ${cidr}` : ''} [IPv4: ${bool(protos.ipv4) ? 'Enabled' : 'Disabled'}, IPv6: ${bool(protos.ipv6) ? 'Enabled' : 'Disabled'}]`
  }
  out.masquerading = {mode, text, src: at('masquerading')}
}

function proxyStatus({out, root, at}: Ctx): void {
  const proxy = obj(root.proxy)
  if (!proxy) return
  const envoy = str(proxy['envoy-deployment-mode'])
  out.proxy = {
    text: `OK, ip ${str(proxy.ip) ?? ''}, ${int(proxy['total-redirects']) ?? 0} redirects active on ports ${str(proxy['port-range']) ?? ''}${envoy ? `, Envoy: ${envoy}` : ''}`,
    src: at('proxy'),
  }
}

function encryption({out, root, at}: Ctx): void {
  const enc = obj(root.encryption)
  if (!enc || !str(enc.mode)) return
  const msg = str(enc.msg)
  out.encryption = {mode: str(enc.mode)!, text: msg ? `${str(enc.mode)}   ${msg}` : str(enc.mode)!, src: at('encryption')}
  // models.WireguardStatus: interfaces[{name, listen-port, peer-count}], node-encryption (1.14+)
  const wg = obj(enc.wireguard)
  if (msg && /^wireguard$/i.test(str(enc.mode) ?? '')) out.encryption.error = msg
  if (!wg) return
  const ifaces = Array.isArray(wg.interfaces) ? wg.interfaces.map(obj).filter((i) => i !== undefined) : []
  out.encryption.interfaces = ifaces.map((i) => ({name: str(i.name) ?? '', port: int(i['listen-port']) ?? 0, peers: int(i['peer-count']) ?? 0}))
  if (str(wg['node-encryption'])) out.encryption.nodeEncryption = str(wg['node-encryption'])
}

type At = (key: string, sub?: string) => SourceRef

function kpr(out: AgentStatus, k: Json | undefined, at: At): void {
  if (!k || !str(k.mode)) return
  const mode = str(k.mode)!
  const direct = str(k.directRoutingDevice)
  // deviceList (1.15+) carries IPs; the agent pre-fills it with empty strings (FORMAT-NOTES §3)
  const list = arr(k.deviceList).map(obj).filter((d): d is Json => Boolean(d && str(d.name)))
  const devices = list.length > 0
    ? list.map((d) => ({name: str(d.name)!, ips: arr(d.ip).map(str).filter((ip): ip is string => Boolean(ip)), directRouting: str(d.name) === direct}))
    : arr(k.devices).map(str).filter((n): n is string => Boolean(n)).map((name) => ({name, ips: [], directRouting: name === direct}))
  out.kubeProxyReplacement = {mode, enabled: kprEnabled(mode), devices, src: at('kube-proxy-replacement')}

  const f = obj(k.features)
  if (!f) return
  const en = (v: unknown) => (bool(obj(v)?.enabled) ? 'Enabled' : 'Disabled')
  const rows: Array<[string, string, string]> = [['Status', mode, 'mode']]
  if (f.socketLB) rows.push(['Socket LB', en(f.socketLB), 'socketLB'])
  if (f.socketLBTracing) rows.push(['Socket LB Tracing', en(f.socketLBTracing), 'socketLBTracing'])
  if ('bpfSocketLBHostnsOnly' in f || f.socketLB) rows.push(['Socket LB Coverage', bool(f.bpfSocketLBHostnsOnly) ? 'Hostns-only' : 'Full', 'bpfSocketLBHostnsOnly'])
  if (devices.length > 0) {
    rows.push(['Devices', devices.map((d) => [d.name, ...d.ips].join(' ') + (d.directRouting ? ' (Direct Routing)' : '')).join(', '), 'deviceList'])
  }
  const np = obj(f.nodePort)
  if (np && bool(np.enabled)) {
    if (str(np.mode)) rows.push(['Mode', str(np.mode)!, 'nodePort'])
    if (str(np.dsrMode)) rows.push(['DSR Dispatch Mode', str(np.dsrMode)!, 'dsrMode'])
    const alg = str(np.algorithm)
    if (alg) rows.push(['Backend Selection', alg === 'Maglev' ? `Maglev (Table Size: ${int(np.lutSize) ?? 0})` : alg, 'algorithm'])
  }
  if (f.sessionAffinity) rows.push(['Session Affinity', en(f.sessionAffinity), 'sessionAffinity'])
  if (f.gracefulTermination) rows.push(['Graceful Termination', en(f.gracefulTermination), 'gracefulTermination'])
  if (f.nat46X64) rows.push(['NAT46/64 Support', en(f.nat46X64), 'nat46X64'])
  if (np && bool(np.enabled) && str(np.acceleration)) {
    rows.push(['XDP Acceleration', np.acceleration === 'None' ? 'Disabled' : str(np.acceleration)!, 'acceleration'])
  }
  rows.push(['Services.ClusterIP', 'Enabled', 'features'])
  if (np) {
    rows.push(['Services.NodePort', bool(np.enabled) ? `Enabled (Range: ${int(np.portMin) ?? 0}-${int(np.portMax) ?? 0})` : 'Disabled', 'nodePort'])
    rows.push(['Services.LoadBalancer', bool(np.enabled) ? 'Enabled' : 'Disabled', 'nodePort'])
  }
  if (f.externalIPs) rows.push(['Services.externalIPs', en(f.externalIPs), 'externalIPs'])
  if (f.hostPort) rows.push(['Services.HostPort', en(f.hostPort), 'hostPort'])
  const ann = arr(f.annotations).map(str).filter(Boolean)
  if ('annotations' in f) rows.push(['Annotations', ann.length > 0 ? ann.join(', ') : '(n/a)', 'annotations'])
  out.kprDetails = rows.map(([key, value, jsonKey]) => ({key, value, src: at('kube-proxy-replacement', jsonKey)}))
}

/** Go's zero time means "never happened". */
function when(ts: unknown): string {
  const s = str(ts)
  return !s || s.startsWith('0001-01-01') ? 'never' : s
}

function controllers(out: AgentStatus, root: Json, loc: Locator): void {
  if (!Array.isArray(root.controllers)) return
  const region = loc.region('controllers') ?? [-1, -1]
  let cursor = region[0]
  const rows: ControllerRow[] = []
  for (const c of arr(root.controllers)) {
    const o = obj(c)
    const name = str(o?.name)
    if (!o || name === undefined) continue
    const st = obj(o.status) ?? {}
    const failures = int(st['consecutive-failure-count']) ?? 0
    let i = -1
    if (cursor >= 0) {
      i = loc.find(`"name": ${JSON.stringify(name)}`, cursor, region[1])
      if (i >= 0) cursor = i + 1
    }
    rows.push({
      name,
      lastSuccess: when(st['last-success-timestamp']),
      lastError: when(st['last-failure-timestamp']),
      failureCount: failures,
      // as printed: a recovered controller still shows its last failure message
      message: str(st['last-failure-msg']) || 'no error',
      src: loc.src(i, compact('controllers', {name})),
    })
  }
  const total = rows.length
  const failing = rows.filter((r) => r.failureCount > 0)
  out.controllers = {
    healthy: total - failing.length,
    total,
    src: loc.src(region[0], compact('controllers', `${total} controllers`)),
    rows: failing, // healthy rows are counted, not kept (as in the text parser)
  }
}

/** Go duration string ("1h2m3.5s", "250ms") in seconds. */
function goDuration(s: string | undefined): number | undefined {
  if (!s) return undefined
  const units: Record<string, number> = {h: 3600, m: 60, s: 1, ms: 1e-3, 'µs': 1e-6, 'us': 1e-6, ns: 1e-9}
  let total = 0
  let matched = false
  for (const m of s.matchAll(/(?<![\d.])([\d.]+)(h|ms|m|s|µs|us|ns)/g)) {
    total += Number(m[1]) * units[m[2]]
    matched = true
  }
  return matched && Number.isFinite(total) ? total : undefined
}

function hubble(out: AgentStatus, root: Json, at: At): void {
  const h = obj(root.hubble)
  if (!h || !str(h.state)) return
  const state = str(h.state)!
  const o = obj(h.observer)
  const hub: NonNullable<AgentStatus['hubble']> = {state, text: state, src: at('hubble')}
  const parts: string[] = [str(h.msg) ? `${state} ${str(h.msg)}` : state]
  if (o) {
    hub.currentFlows = int(o['current-flows'])
    hub.maxFlows = int(o['max-flows'])
    const secs = goDuration(str(o.uptime))
    const seen = int(o['seen-flows'])
    if (secs && seen !== undefined) hub.flowsPerSecond = Math.round((seen / secs) * 100) / 100
    const observer: string[] = []
    if (hub.currentFlows !== undefined && hub.maxFlows) {
      observer.push(`Current/Max Flows: ${hub.currentFlows}/${hub.maxFlows} (${((hub.currentFlows / hub.maxFlows) * 100).toFixed(2)}%)`)
    }
    if (hub.flowsPerSecond !== undefined) observer.push(`Flows/s: ${hub.flowsPerSecond.toFixed(2)}`)
    parts.push(observer.join(', '))
  }
  // hubble.metrics (≤1.18) moved to a top-level hubble-metrics (Jul-2025 main)
  const metrics = obj(root['hubble-metrics']) ?? obj(h.metrics)
  if (metrics && str(metrics.state)) {
    const msg = str(metrics.msg)
    hub.metrics = msg ? `${str(metrics.state)} (${msg})` : str(metrics.state)!
    parts.push(`Metrics: ${hub.metrics}`)
  }
  hub.text = parts.join('   ')
  out.hubble = hub
}

function bpfMaps(out: AgentStatus, root: Json, loc: Locator): void {
  const b = obj(root['bpf-maps'])
  if (!b) return
  const region = loc.region('bpf-maps') ?? [-1, -1]
  const ratio = typeof b['dynamic-size-ratio'] === 'number' ? safeFloat(String(b['dynamic-size-ratio'])) : undefined
  let cursor = region[0]
  const rows: BpfMapRow[] = []
  for (const m of arr(b.maps)) {
    const o = obj(m)
    const name = str(o?.name)
    const size = int(o?.size)
    if (!o || name === undefined || size === undefined) continue
    let i = -1
    if (cursor >= 0) {
      i = loc.find(`"name": ${JSON.stringify(name)}`, cursor, region[1])
      if (i >= 0) cursor = i + 1
    }
    rows.push({name, id: bpfMapId(name), size, src: loc.src(i, compact('bpf-maps', {name, size}))})
  }
  resolveBpfMapIds(rows)
  // the CLI prints "on" only for a ratio in (0, 1]
  out.bpfMaps = {dynamicSizing: ratio !== undefined && ratio > 0 && ratio <= 1, src: loc.src(region[0], compact('bpf-maps', {})), maps: rows}
  if (ratio !== undefined) out.bpfMaps.ratio = ratio
}
