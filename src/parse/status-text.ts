import type {AgentStatus, BpfMapRow, ControllerRow, SourceRef} from '../snapshot/schema.js'
import {splitLines, src as mkSrc} from './text.js'
import {bpfMapRow, bpfMapsHeader, isBpfMapsTableHeader, resolveBpfMapIds} from './status-bpf-maps.js'
import {ClusterHealthParser, clusterHealthHeader} from './status-cluster-health.js'
import {controllerHeader, controllerRow, isControllerTableHeader} from './status-controllers.js'
import {KprDetailsParser, kprDevices, kprEnabled, kprHeader} from './status-kpr.js'
import {ModulesTreeParser, modulesSummary} from './status-modules.js'
import {
  clusterMeshCounts, deviceMode, hubble, ipamPools, lostEvents, masqueradingMode, routing,
  stateAndMessage, versionFromMessage,
} from './status-values.js'

/*
 * `cilium status` / `cilium-dbg status` (plain and --verbose), Cilium 1.10 → 1.20-dev.
 * The output is tabwriter text whose value column moves within one output (FORMAT-NOTES §1),
 * so lines are read as "Label:<spaces>value" on the first colon, never by column offsets.
 * Labels are only recognized at the left margin; indented lines belong to the section above.
 */

// Every top-level label any version prints. Known labels without a snapshot field are still
// "recognized" (they are not evidence ciltune uses, but they are not unknown lines either).
const LABELS = new Set([
  'KVStore', 'ContainerRuntime', 'Kubernetes', 'Kubernetes APIs', 'KubeProxyReplacement', 'Host firewall',
  'SRv6', 'CNI Chaining', 'CNI Config file', 'Cilium', 'Stale status', 'NodeMonitor', 'Cilium health daemon',
  'IPAM', 'Allocated addresses', 'ClusterMesh', 'IPv4 BIG TCP', 'IPv6 BIG TCP', 'BandwidthManager',
  'Host Routing', 'Routing', 'Attach Mode', 'Device Mode', 'Masquerading', 'Clock Source for BPF',
  'Controller Status', 'Proxy Status', 'Global Identity Range', 'Hubble', 'KubeProxyReplacement Details',
  'BPF Maps', 'Encryption', 'Cluster health', 'Modules Health',
])
const LABEL_LINE = /^([A-Za-z][A-Za-z0-9 ./()-]*?):(?:\s+(.*))?$/

type Section =
  | 'none' | 'nodemonitor' | 'allocated' | 'clustermesh' | 'controllers' | 'proxy' | 'kpr-details'
  | 'bpf-maps' | 'cluster-health' | 'modules'

// Sections that only --verbose (or --all-*) prints.
const VERBOSE_LABELS = new Set(['Allocated addresses', 'Clock Source for BPF', 'KubeProxyReplacement Details', 'BPF Maps'])

/** CI logs prefix each line with "\t " or "[timestamp] \t "; detected once from the first line. */
function ciPrefix(lines: string[]): RegExp | undefined {
  const first = lines.find((l) => l.trim() !== '')
  if (first === undefined) return undefined
  const re = /^(?:\[[^\]]*\]\s*)?\t ?(?=[A-Z])/
  return re.test(first) ? re : undefined
}

export function parseStatusText(text: string, file: string): AgentStatus {
  const out: AgentStatus = {format: 'text', verbose: false, earlyExit: false, unrecognized: []}
  try {
    parseInto(out, typeof text === 'string' ? text : String(text), file)
  } catch (err) {
    // never throw: a parser bug must not cost the on-call engineer the rest of the report
    out.unrecognized.push({line: 0, text: `parser error: ${err instanceof Error ? err.message : String(err)}`})
  }
  return out
}

function parseInto(out: AgentStatus, text: string, file: string): void {
  const lines = splitLines(text)
  const prefix = ciPrefix(lines)
  const at = (line: number, t: string): SourceRef => mkSrc(file, line, t)
  const unrecognized = (line: number, t: string) => out.unrecognized.push({line, text: t.trim()})

  let section: Section = 'none'
  let labelSeen = false
  let controllerRows: ControllerRow[] | undefined
  let lastController: ControllerRow | undefined
  let bpfRows: BpfMapRow[] | undefined
  const kprDetails = new KprDetailsParser(out.unrecognized)
  let kprDetailsSeen = false
  const health = new ClusterHealthParser()
  const modules = new ModulesTreeParser()

  for (let i = 0; i < lines.length; i++) {
    const no = i + 1
    const raw = prefix ? lines[i].replace(prefix, '') : lines[i]
    // splitLines trims line ends (and a CI prefix is only removed before a letter), so blank means empty
    if (raw === '') continue
    const s = at(no, raw)

    // a label ends at the first colon (LABEL_LINE's name cannot hold one): look it up before running the regex
    const colon = raw.indexOf(':')
    const lm = colon > 0 && LABELS.has(raw.slice(0, colon)) ? LABEL_LINE.exec(raw) : null
    if (lm) {
      const label = lm[1]
      const value = (lm[2] ?? '').trim()
      if (VERBOSE_LABELS.has(label)) out.verbose = true
      section = 'none'
      labelSeen = true
      const ok = topLevel(label, value, raw, s)
      if (!ok) unrecognized(no, raw)
      continue
    }

    // a fragment that starts inside a section: guess it from the line's shape
    if (!labelSeen && section === 'none') section = guessSection(raw)
    if (!sectionLine(raw, no, s)) unrecognized(no, raw)
  }

  // ---- end of input: close open tables ----
  if (controllerRows && out.controllers) out.controllers.rows = controllerRows
  if (bpfRows && out.bpfMaps) {
    resolveBpfMapIds(bpfRows)
    out.bpfMaps.maps = bpfRows
  }
  if (out.clusterHealth) out.clusterHealth.nodes = health.finish()
  if (health.verboseSeen || modules.treeSeen) out.verbose = true
  const leaves = modules.counts.ok + modules.counts.degraded + modules.counts.stopped
  if (!out.modulesHealth && leaves > 0) out.modulesHealth = {src: modules.firstLeaf!, modules: []}
  if (out.modulesHealth) {
    out.modulesHealth.modules = modules.modules
    // no summary line (1.16–1.19 verbose, fragments): the tree's own counts stand in for it
    if (out.modulesHealth.ok === undefined && leaves > 0) Object.assign(out.modulesHealth, modules.counts)
  }
  if (kprDetailsSeen) {
    out.kprDetails = kprDetails.rows
    // fragments can lack the header line but carry the same facts in the details table
    const status = kprDetails.get('Status')
    if (!out.kubeProxyReplacement && status) {
      const devices = kprDetails.get('Devices')
      out.kubeProxyReplacement = {
        mode: status.value, enabled: kprEnabled(status.value), devices: devices ? kprDevices(devices.value) : [], src: status.src,
      }
    }
  }
  if (out.cilium) out.earlyExit = !/^(ok|disabled)$/i.test(out.cilium.state)

  /** A top-level "Label: value" line; false when the value cannot be read. */
  function topLevel(label: string, value: string, raw: string, s: SourceRef): boolean {
    switch (label) {
      case 'KVStore':
      case 'Kubernetes':
      case 'Cilium health daemon': {
        const sm = stateAndMessage(value)
        if (!sm) return false
        const key = label === 'KVStore' ? 'kvstore' : label === 'Kubernetes' ? 'kubernetes' : 'healthDaemon'
        out[key] = {...sm, src: s}
        return true
      }
      case 'Cilium': {
        const sm = stateAndMessage(value)
        if (!sm) return false
        out.cilium = {...sm, src: s}
        const v = versionFromMessage(sm.message)
        if (v) out.cilium.version = v
        return true
      }
      case 'KubeProxyReplacement': {
        const k = kprHeader(value, s)
        if (k) out.kubeProxyReplacement = k
        return Boolean(k)
      }
      case 'Stale status':
        if (!value) return false
        out.staleStatus = {text: value, src: s}
        return true
      case 'NodeMonitor': {
        if (!value) return false
        out.nodeMonitor = {text: value, src: s}
        const lost = lostEvents(value)
        if (lost !== undefined) out.nodeMonitor.lost = lost
        section = 'nodemonitor'
        return true
      }
      case 'IPAM': {
        const pools = ipamPools(value)
        if (pools.length === 0) return false
        out.ipam = {pools, src: s}
        return true
      }
      case 'Allocated addresses':
        section = 'allocated'
        return true
      case 'ClusterMesh': {
        const c = clusterMeshCounts(value)
        if (c) out.clusterMesh = {...c, src: s}
        section = 'clustermesh'
        return Boolean(c)
      }
      case 'IPv4 BIG TCP':
      case 'IPv6 BIG TCP': {
        if (!value) return false
        out.bigTcp ??= {}
        out.bigTcp[label.startsWith('IPv4') ? 'ipv4' : 'ipv6'] = {enabled: /^enabled\b/i.test(value), src: s}
        return true
      }
      case 'BandwidthManager':
        if (!value) return false
        out.bandwidthManager = {enabled: !/^disabled\b/i.test(value), text: value, src: s}
        return true
      case 'Host Routing':
      case 'Routing': {
        const r = routing(value, label === 'Host Routing', s)
        if (r) out.routing = r
        return Boolean(r)
      }
      case 'Attach Mode':
        if (!value) return false
        out.attachMode = {value, src: s}
        return true
      case 'Device Mode':
        if (!value) return false
        out.deviceMode = {...deviceMode(value), src: s}
        return true
      case 'Masquerading':
        if (!value) return false
        out.masquerading = {mode: masqueradingMode(value), text: value, src: s}
        return true
      case 'Controller Status': {
        section = 'controllers'
        const h = controllerHeader(value)
        if (!h) return false
        out.controllers = {...h, src: s, rows: []}
        controllerRows = []
        lastController = undefined
        return true
      }
      case 'Proxy Status':
        if (!value) return false
        out.proxy = {text: value, src: s}
        section = 'proxy'
        return true
      case 'Hubble': {
        const h = hubble(value)
        if (h) out.hubble = {...h, src: s}
        return Boolean(h)
      }
      case 'KubeProxyReplacement Details':
        section = 'kpr-details'
        kprDetailsSeen = true
        return true
      case 'BPF Maps': {
        section = 'bpf-maps'
        const h = bpfMapsHeader(value)
        if (!h) return false
        out.bpfMaps = {...h, src: s, maps: []}
        bpfRows = []
        return true
      }
      case 'Encryption': {
        const sm = stateAndMessage(value)
        if (!sm) return false
        out.encryption = {mode: sm.state, text: value, src: s}
        return true
      }
      case 'Cluster health': {
        section = 'cluster-health'
        if (!value) return false
        out.clusterHealth = {...clusterHealthHeader(value), src: s, nodes: []}
        return true
      }
      case 'Modules Health': {
        section = 'modules'
        const sum = modulesSummary(value)
        out.modulesHealth = {...(sum ?? {}), src: s, modules: []}
        // 1.18–1.19 verbose: the tree root shares this line, at the block's value column
        if (!sum && value) modules.root(value, raw.indexOf(value, label.length + 1))
        return true
      }
      default:
        // recognized labels ciltune keeps no field for (Kubernetes APIs, Host firewall, …)
        return true
    }
  }

  function guessSection(raw: string): Section {
    if (/[├└]──/.test(raw)) return 'modules'
    if (/^\s+(?:-\s+)?[A-Za-z][^:]*:(?:\s|$)/.test(raw) && !/\s(ago|never)\s/.test(raw)) {
      kprDetailsSeen = true
      return 'kpr-details'
    }
    return 'none'
  }

  /** An indented (or margin-less table) line inside the current section; false = unknown. */
  function sectionLine(raw: string, no: number, s: SourceRef): boolean {
    switch (section) {
      case 'nodemonitor': {
        const lost = lostEvents(raw)
        if (lost === undefined || !out.nodeMonitor) return false
        out.nodeMonitor.lost = (out.nodeMonitor.lost ?? 0) + lost
        return true
      }
      case 'allocated':
        return /^\s+\S+\s+\(.*\)?$/.test(raw)
      case 'clustermesh':
        return /^\s/.test(raw)
      case 'controllers': {
        if (isControllerTableHeader(raw)) return true
        if (!controllerRows) return false
        const row = controllerRow(raw, s)
        if (row) {
          // only failing rows are kept (healthy ones are counted in the header and read by no rule);
          // a healthy row is still tracked so its multi-line message is not left unrecognized
          if (row.failureCount > 0) controllerRows.push(row)
          lastController = row
          // plain mode lists failing controllers only; an idle row means --verbose/--all-controllers
          if (row.failureCount === 0) out.verbose = true
          return true
        }
        // error messages can carry newlines; their continuation starts at the margin, whereas an
        // indented non-row is a cut row (truncated capture) and stays unrecognized
        if (lastController && !/^\s/.test(raw)) {
          lastController.message = `${lastController.message}\n${raw.trim()}`
          return true
        }
        return false
      }
      case 'proxy':
        // --all-redirects table: "  Protocol   Redirect   Proxy Port" and "  http   ingress:…   12345"
        if (/^\s+Protocol\s+Redirect\s+Proxy Port$/.test(raw)) {
          out.verbose = true
          return true
        }
        return /^\s+\S+\s+\S+\s+\d+$/.test(raw)
      case 'kpr-details':
        return kprDetails.line(raw, no, at)
      case 'bpf-maps': {
        if (isBpfMapsTableHeader(raw)) return true
        const row = bpfRows ? bpfMapRow(raw, s) : undefined
        if (!row) return false
        bpfRows!.push(row)
        return true
      }
      case 'cluster-health':
        if (!out.clusterHealth) return false
        if (health.line(raw, s)) return true
        return false
      case 'modules':
        return modules.line(raw, s)
      default:
        return false
    }
  }
}
