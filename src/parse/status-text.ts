import type {AgentStatus, BpfMapRow, ControllerRow, SourceRef} from '../snapshot/schema.js'
import {encryptionDetails} from './status-encryption.js'
import {detach, internLine, lineViews, src as mkSrc} from './text.js'
import type {HealthyBlocks} from './status-bytes.js'
import {bpfMapRow, bpfMapsHeader, isBpfMapsTableHeader, resolveBpfMapIds} from './status-bpf-maps.js'
import {ClusterHealthParser, clusterHealthHeader} from './status-cluster-health.js'
import {controllerFailures, controllerHeader, controllerRow, isControllerTableHeader} from './status-controllers.js'
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

/**
 * `healthy`: node blocks the byte reader (status-bytes.ts) took out of the text, each now empty lines;
 * they are counted where they stood, as healthy nodes, and the table comes back as the snapshot keeps
 * it (unhealthy rows and rowsRead, src/snapshot/compact.ts).
 */
export function parseStatusText(text: string, file: string, healthy?: HealthyBlocks): AgentStatus {
  const out: AgentStatus = {format: 'text', verbose: false, earlyExit: false, unrecognized: []}
  try {
    const reader = new StatusTextReader(out, file)
    const lines = lineViews(typeof text === 'string' ? text : String(text))
    const prefix = ciPrefix(lines)
    let h = 0
    const hl = healthy?.lines ?? []
    for (let i = 0; i < lines.length; i++) {
      if (h < hl.length && hl[h] === i + 1) reader.health.healthy(healthy!.names[h++])
      reader.line(prefix ? lines[i].replace(prefix, '') : lines[i], i + 1)
    }
    reader.finish()
  } catch (err) {
    // never throw: a parser bug must not cost the on-call engineer the rest of the report
    out.unrecognized.push({line: 0, text: `parser error: ${err instanceof Error ? err.message : String(err)}`})
  }
  // the lines were views into the text: what is kept is copied (then shared), the text dropped
  detach(out, file)
  shareTableLines(out)
  return out
}

/** [A-Za-z]: the first character LABEL_LINE allows. */
function isLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)
}

/** A top-level "Label: value" line; false when the value cannot be read. */
type LabelHandler = (r: StatusTextReader, value: string, s: SourceRef, raw: string) => boolean

/** Labels whose value is kept as text as printed; an empty value cannot be read. */
function textLabel(set: (out: AgentStatus, value: string, s: SourceRef) => void): LabelHandler {
  return (r, value, s) => {
    if (!value) return false
    set(r.out, value, s)
    return true
  }
}

function stateLabel(key: 'kvstore' | 'kubernetes' | 'healthDaemon'): LabelHandler {
  return (r, value, s) => {
    const sm = stateAndMessage(value)
    if (sm) r.out[key] = {...sm, src: s}
    return Boolean(sm)
  }
}

function bigTcpLabel(family: 'ipv4' | 'ipv6'): LabelHandler {
  return textLabel((out, value, s) => {
    out.bigTcp ??= {}
    out.bigTcp[family] = {enabled: /^enabled\b/i.test(value), src: s}
  })
}

function routingLabel(host: boolean): LabelHandler {
  return (r, value, s) => {
    const rt = routing(value, host, s)
    if (rt) r.out.routing = rt
    return Boolean(rt)
  }
}

/** A label that only opens a section whose lines follow. */
function sectionLabel(section: Section): LabelHandler {
  return (r) => {
    r.section = section
    return true
  }
}

const LABEL_HANDLERS: Partial<Record<string, LabelHandler>> = {
  'KVStore': stateLabel('kvstore'),
  'Kubernetes': stateLabel('kubernetes'),
  'Cilium health daemon': stateLabel('healthDaemon'),
  'Cilium': (r, value, s) => {
    const sm = stateAndMessage(value)
    if (!sm) return false
    r.out.cilium = {...sm, src: s}
    const v = versionFromMessage(sm.message)
    if (v) r.out.cilium.version = v
    return true
  },
  'KubeProxyReplacement': (r, value, s) => {
    const k = kprHeader(value, s)
    if (k) r.out.kubeProxyReplacement = k
    return Boolean(k)
  },
  'Stale status': textLabel((out, value, s) => {
    out.staleStatus = {text: value, src: s}
  }),
  'NodeMonitor': (r, value, s) => {
    if (!value) return false
    r.out.nodeMonitor = {text: value, src: s}
    const lost = lostEvents(value)
    if (lost !== undefined) r.out.nodeMonitor.lost = lost
    r.section = 'nodemonitor'
    return true
  },
  'IPAM': (r, value, s) => {
    const pools = ipamPools(value)
    if (pools.length > 0) r.out.ipam = {pools, src: s}
    return pools.length > 0
  },
  'Allocated addresses': sectionLabel('allocated'),
  'ClusterMesh': (r, value, s) => {
    const c = clusterMeshCounts(value)
    if (c) r.out.clusterMesh = {...c, src: s}
    r.section = 'clustermesh'
    return Boolean(c)
  },
  'IPv4 BIG TCP': bigTcpLabel('ipv4'),
  'IPv6 BIG TCP': bigTcpLabel('ipv6'),
  'BandwidthManager': textLabel((out, value, s) => {
    out.bandwidthManager = {enabled: !/^disabled\b/i.test(value), text: value, src: s}
  }),
  'Host Routing': routingLabel(true),
  'Routing': routingLabel(false),
  'Attach Mode': textLabel((out, value, s) => {
    out.attachMode = {value, src: s}
  }),
  'Device Mode': textLabel((out, value, s) => {
    out.deviceMode = {...deviceMode(value), src: s}
  }),
  'Masquerading': textLabel((out, value, s) => {
    out.masquerading = {mode: masqueradingMode(value), text: value, src: s}
  }),
  'Controller Status': (r, value, s) => {
    r.section = 'controllers'
    const h = controllerHeader(value)
    if (!h) return false
    r.out.controllers = {...h, src: s, rows: []}
    r.controllerRows = []
    r.lastController = undefined
    return true
  },
  'Proxy Status': (r, value, s) => {
    if (!value) return false
    r.out.proxy = {text: value, src: s}
    r.section = 'proxy'
    return true
  },
  'Hubble': (r, value, s) => {
    const h = hubble(value)
    if (h) r.out.hubble = {...h, src: s}
    return Boolean(h)
  },
  'KubeProxyReplacement Details': (r) => {
    r.section = 'kpr-details'
    r.kprDetailsSeen = true
    return true
  },
  'BPF Maps': (r, value, s) => {
    r.section = 'bpf-maps'
    const h = bpfMapsHeader(value)
    if (!h) return false
    r.out.bpfMaps = {...h, src: s, maps: []}
    r.bpfRows = []
    return true
  },
  'Encryption': (r, value, s) => {
    const sm = stateAndMessage(value)
    if (sm) r.out.encryption = {mode: sm.state, text: value, ...encryptionDetails(sm.state, sm.message), src: s}
    return Boolean(sm)
  },
  'Cluster health': (r, value, s) => {
    r.section = 'cluster-health'
    if (!value) return false
    r.out.clusterHealth = {...clusterHealthHeader(value), src: s, nodes: []}
    return true
  },
  'Modules Health': (r, value, s, raw) => {
    r.section = 'modules'
    const sum = modulesSummary(value)
    r.out.modulesHealth = {...(sum ?? {}), src: s, modules: []}
    // 1.18–1.19 verbose: the tree root shares this line, at the block's value column
    if (!sum && value) r.modules.root(value, raw.indexOf(value, 'Modules Health'.length + 1))
    return true
  },
}

/**
 * An indented (or margin-less table) line inside a section; false = unknown. Its SourceRef is made (r.src)
 * only for what is kept: the controller table and the modules tree are most of a status, and read by no rule
 * when healthy.
 */
type SectionHandler = (r: StatusTextReader, raw: string, no: number) => boolean

const SECTION_HANDLERS: Record<Section, SectionHandler> = {
  'none': () => false,
  'nodemonitor': (r, raw) => {
    const lost = lostEvents(raw)
    if (lost === undefined || !r.out.nodeMonitor) return false
    r.out.nodeMonitor.lost = (r.out.nodeMonitor.lost ?? 0) + lost
    return true
  },
  'allocated': (_r, raw) => /^\s+\S+\s+\(.*\)?$/.test(raw),
  'clustermesh': (r, raw, no) => {
    const row = /^\s+([\w.-]+):\s+(not-ready|ready),\s+\d+ nodes/.exec(raw)
    if (row && r.out.clusterMesh) (r.out.clusterMesh.clusters ??= []).push({name: row[1], ready: row[2] === 'ready', src: r.src(no, raw)})
    const last = r.out.clusterMesh?.clusters?.at(-1)
    if (last && !last.ready && /^\s+└\s+\S/.test(raw)) (last.detail ??= []).push(r.src(no, raw))
    return /^\s/.test(raw)
  },
  'controllers': (r, raw, no) => r.controllerLine(raw, no),
  // --all-redirects table: "  Protocol   Redirect   Proxy Port" and "  http   ingress:…   12345"
  'proxy': (r, raw) => {
    if (!/^\s+Protocol\s+Redirect\s+Proxy Port$/.test(raw)) return /^\s+\S+\s+\S+\s+\d+$/.test(raw)
    r.out.verbose = true
    return true
  },
  'kpr-details': (r, raw, no) => r.kprDetails.line(raw, no, (line, t) => mkSrc(r.file, line, t)),
  'bpf-maps': (r, raw, no) => {
    if (isBpfMapsTableHeader(raw)) return true
    const row = r.bpfRows ? bpfMapRow(raw, r.src(no, raw)) : undefined
    if (row) r.bpfRows!.push(row)
    return Boolean(row)
  },
  'cluster-health': (r, raw, no) => Boolean(r.out.clusterHealth) && r.health.line(raw, r.src(no, raw)),
  'modules': (r, raw, no) => r.modules.line(raw, no, r.file),
}

/**
 * The table lines a status keeps (BPF map sizes, KPR details, stopped or degraded modules) are the same
 * text on most agents of a cluster: one shared copy of each instead of one per agent.
 */
function shareTableLines(out: AgentStatus): void {
  const rows = [...(out.bpfMaps?.maps ?? []), ...(out.kprDetails ?? []), ...(out.modulesHealth?.modules ?? [])]
  for (const r of rows) r.src.text = internLine(r.src.text)
}

/** Reading state of one status output: the current section and the tables still open. */
class StatusTextReader {
  section: Section = 'none'
  labelSeen = false
  controllerRows: ControllerRow[] | undefined
  lastController: ControllerRow | undefined
  /** What a healthy row, read and dropped, stands as: the row a continuation line of its message goes to. */
  readonly unkeptRow: ControllerRow = {name: '', lastSuccess: '', lastError: '', failureCount: 0, message: '', src: {file: '', line: 0, text: ''}}
  bpfRows: BpfMapRow[] | undefined
  kprDetailsSeen = false
  readonly kprDetails: KprDetailsParser
  readonly health = new ClusterHealthParser()
  readonly modules = new ModulesTreeParser()

  constructor(readonly out: AgentStatus, readonly file: string) {
    this.kprDetails = new KprDetailsParser(out.unrecognized)
  }

  line(raw: string, no: number): void {
    // splitLines trims line ends (and a CI prefix is only removed before a letter), so blank means empty
    if (raw === '') return
    if (this.section === 'cluster-health' && this.health.pathLine(raw)) return
    // a label ends at the first colon (LABEL_LINE's name cannot hold one): look it up before running the regex.
    // Labels start with a letter at the margin: the indented rows of tables and trees are not searched for a colon
    const colon = isLetter(raw.charCodeAt(0)) ? raw.indexOf(':') : -1
    const lm = colon > 0 && LABELS.has(raw.slice(0, colon)) ? LABEL_LINE.exec(raw) : null
    if (lm) {
      const label = lm[1]
      if (VERBOSE_LABELS.has(label)) this.out.verbose = true
      this.section = 'none'
      this.labelSeen = true
      // recognized labels ciltune keeps no field for (Kubernetes APIs, Host firewall, …) read as known
      const handler = LABEL_HANDLERS[label]
      if (handler && !handler(this, (lm[2] ?? '').trim(), this.src(no, raw), raw)) this.unrecognized(no, raw)
      return
    }
    // a fragment that starts inside a section: guess it from the line's shape
    if (!this.labelSeen && this.section === 'none') this.section = this.guessSection(raw)
    if (!SECTION_HANDLERS[this.section](this, raw, no)) this.unrecognized(no, raw)
  }

  src(no: number, raw: string): SourceRef {
    return mkSrc(this.file, no, raw)
  }

  unrecognized(line: number, t: string): void {
    this.out.unrecognized.push({line, text: t.trim()})
  }

  guessSection(raw: string): Section {
    if (/[├└]──/.test(raw)) return 'modules'
    if (/^\s+(?:-\s+)?[A-Za-z][^:]*:(?:\s|$)/.test(raw) && !/\s(ago|never)\s/.test(raw)) {
      this.kprDetailsSeen = true
      return 'kpr-details'
    }
    return 'none'
  }

  controllerLine(raw: string, no: number): boolean {
    if (isControllerTableHeader(raw)) return true
    if (!this.controllerRows) return false
    const failures = controllerFailures(raw)
    if (failures !== undefined) {
      // only failing rows are kept (healthy ones are counted in the header and read by no rule);
      // a healthy row is still tracked so its multi-line message is not left unrecognized
      if (failures > 0) {
        const row = controllerRow(raw, this.src(no, raw))!
        this.controllerRows.push(row)
        this.lastController = row
      } else {
        // plain mode lists failing controllers only; an idle row means --verbose/--all-controllers
        this.out.verbose = true
        this.lastController = this.unkeptRow
      }
      return true
    }
    // error messages can carry newlines; their continuation starts at the margin, whereas an
    // indented non-row is a cut row (truncated capture) and stays unrecognized
    if (!this.lastController || /^\s/.test(raw)) return false
    this.lastController.message = `${this.lastController.message}\n${raw.trim()}`
    return true
  }

  /** End of input: close the open tables. */
  finish(): void {
    const out = this.out
    if (this.controllerRows && out.controllers) out.controllers.rows = this.controllerRows
    if (this.bpfRows && out.bpfMaps) {
      resolveBpfMapIds(this.bpfRows)
      out.bpfMaps.maps = this.bpfRows
    }
    if (out.clusterHealth) {
      const nodes = this.health.finish()
      const skipped = this.health.healthySkipped
      // healthy blocks taken out before parsing: the table as compact.ts keeps it, counted with them
      if (skipped > 0) Object.assign(out.clusterHealth, {rowsRead: nodes.length + skipped, nodes: nodes.filter((n) => !n.hostOk || !n.endpointsOk)})
      else out.clusterHealth.nodes = nodes
    }
    if (this.health.verboseSeen || this.modules.treeSeen) out.verbose = true
    this.finishModules()
    if (this.kprDetailsSeen) this.finishKprDetails()
    if (out.cilium) out.earlyExit = !/^(ok|disabled)$/i.test(out.cilium.state)
  }

  private finishModules(): void {
    const {out, modules} = this
    const leaves = modules.counts.ok + modules.counts.degraded + modules.counts.stopped
    if (!out.modulesHealth && leaves > 0) out.modulesHealth = {src: modules.firstLeaf!, modules: []}
    if (!out.modulesHealth) return
    out.modulesHealth.modules = modules.modules
    // no summary line (1.16–1.19 verbose, fragments): the tree's own counts stand in for it
    if (out.modulesHealth.ok === undefined && leaves > 0) Object.assign(out.modulesHealth, modules.counts)
  }

  private finishKprDetails(): void {
    const out = this.out
    out.kprDetails = this.kprDetails.rows
    // fragments can lack the header line but carry the same facts in the details table
    const status = this.kprDetails.get('Status')
    if (out.kubeProxyReplacement || !status) return
    const devices = this.kprDetails.get('Devices')
    out.kubeProxyReplacement = {
      mode: status.value, enabled: kprEnabled(status.value), devices: devices ? kprDevices(devices.value) : [], src: status.src,
    }
  }
}
