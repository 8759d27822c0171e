import {basename} from 'node:path'
import {MAX_ENTRIES, MAX_LINE, parseAgentLog} from '../parse/agent-log.js'
import {parseCiliumHealth} from '../parse/cilium-health.js'
import {parseCliStatus} from '../parse/cli-status.js'
import {parseClusterMeshStatus} from '../parse/clustermesh-status.js'
import {countField, parseCiliumResources} from '../parse/cilium-resources.js'
import {parseBgpPeers} from '../parse/bgp-peers.js'
import {parseCiliumNodes} from '../parse/cilium-nodes.js'
import {parseLocalRedirectPolicies} from '../parse/cilium-lrp.js'
import {parseNodeConfigs} from '../parse/cilium-node-configs.js'
import {docProblem} from '../parse/k8s-object.js'
import {parseConfigMap} from '../parse/configmap.js'
import {parseControllerRows} from '../parse/controller-rows.js'
import {parseEncryptStatus} from '../parse/encrypt-status.js'
import {mergeEncryptStatus, parseEncryptStatusJson} from '../parse/encrypt-status-json.js'
import {parseNodeList} from '../parse/node-list.js'
import {parseEndpointList} from '../parse/endpoint-list.js'
import {parseCiliumTables} from '../parse/kubectl-cilium-tables.js'
import {parseKubectlNodesTable} from '../parse/kubectl-nodes-table.js'
import {parseOperatorRow} from '../parse/kubectl-workloads.js'
import {parseDescribePods} from '../parse/pod-describe.js'
import {decodeHelmRelease, parseHelmValues} from '../parse/helm-values.js'
import {parseMapList} from '../parse/map-list.js'
import {parseMetrics} from '../parse/metrics.js'
import {checkMapList, checkMetrics, checkStatusBpfMaps} from '../parse/value-range.js'
import {parseNodes} from '../parse/nodes.js'
import {parseOperator} from '../parse/operator.js'
import {parseKubectlPodsTable} from '../parse/kubectl-pods-table.js'
import {parsePods} from '../parse/pods.js'
import {parseServiceList} from '../parse/service-list.js'
import {parseStatusJson} from '../parse/status-json.js'
import {statusFromBytes} from '../parse/status-bytes.js'
import {GarbagePacer} from '../util/gc.js'
import {parseStatusText} from '../parse/status-text.js'
import {logCutAtEnd, salvageDocument, statusCut, statusHeadCut} from '../parse/truncation.js'
import type {Agent, AgentStatus, CollectionError, Snapshot, Truncation} from '../snapshot/schema.js'
import {compactHealth, ServiceCompactor} from '../snapshot/compact.js'
import {CollectionError as CollectionErrorSchema, emptyAgent, emptySnapshot} from '../snapshot/schema.js'
import {errorMessage} from '../util/errors.js'
import {AGENT_KINDS, classify} from './classify.js'
import type {Collected, EvidenceFile, EvidenceKind} from './evidence.js'
import {notRecognized} from './evidence.js'

/** A status that printed nothing we understood is not evidence of health. */
const STATUS_META = new Set(['format', 'verbose', 'earlyExit', 'unrecognized'])

/** No section parsed at all (a fragment with only "Cluster health:" still counts as evidence). */
function statusIsEmpty(s: AgentStatus): boolean {
  for (const [k, v] of Object.entries(s)) if (!STATUS_META.has(k) && v !== undefined) return false
  return true
}

/** Prefer the richer of two status captures of one agent (a sysdump holds plain and --verbose). */
function richer(a: AgentStatus | undefined, b: AgentStatus): AgentStatus {
  if (!a) return b
  if (statusIsEmpty(a)) return b
  if (b.verbose && !a.verbose) return b
  return a
}

/** Pasted controller rows fill the controllers part of a status, never replace a status that has one. */
function mergeControllers(a: AgentStatus | undefined, c: AgentStatus): AgentStatus {
  if (!a) return c
  return a.controllers ? a : {...a, controllers: c.controllers}
}

/** cilium-health output fills the cluster-health part of an agent's status, never replaces a status that has one. */
function mergeHealth(a: AgentStatus | undefined, h: AgentStatus): AgentStatus {
  if (!a) return h
  if (!a.clusterHealth || (a.clusterHealth.rowsRead ?? a.clusterHealth.nodes.length) === 0) return {...a, clusterHealth: h.clusterHealth}
  return a
}

function agentNameFor(file: EvidenceFile): string {
  return file.agent ?? basename(file.path).replace(/\.[^.]+$/, '')
}

function mergeCollectionErrors(text: string, file: string, c: {agentErrors: Record<string, CollectionError[]>, clusterErrors: CollectionError[]}): void {
  const doc = JSON.parse(text) as {agents?: Record<string, unknown[]>, cluster?: unknown[]}
  for (const [agent, errors] of Object.entries(doc.agents ?? {})) {
    for (const e of errors) {
      const parsed = CollectionErrorSchema.safeParse(e)
      if (!parsed.success) throw new Error(`${file}: agent ${agent}: expected {command, kind, message}`)
      ;(c.agentErrors[agent] ??= []).push(parsed.data)
    }
  }
  for (const e of doc.cluster ?? []) {
    const parsed = CollectionErrorSchema.safeParse(e)
    if (parsed.success) c.clusterErrors.push(parsed.data)
  }
}

/**
 * The one place raw evidence becomes the snapshot: live collection, `--from DIR` and sysdumps
 * all come through here, which is why their findings agree. Files are parsed as they are added
 * and their text dropped, so a streaming reader (sysdump) holds one raw file at a time.
 */
export class SnapshotBuilder {
  private readonly snap: Snapshot
  private readonly agents = new Map<string, Agent>()
  private readonly agentNodes: Record<string, string> = {}
  private readonly agentErrors: Record<string, CollectionError[]> = {}
  private readonly clusterErrors: CollectionError[] = []
  private readonly services = new ServiceCompactor()
  private readonly pacer = new GarbagePacer()

  constructor(origin: Collected['origin']) {
    this.snap = emptySnapshot(origin.kind, origin.path)
    if (origin.context) this.snap.origin.context = origin.context
  }

  setOrigin(origin: Collected['origin']): void {
    this.snap.origin = {kind: origin.kind, ...(origin.path ? {path: origin.path} : {}), ...(origin.context ? {context: origin.context} : {})}
  }

  agent(name: string, node?: string): Agent {
    let a = this.agents.get(name)
    if (!a) this.agents.set(name, a = emptyAgent(name))
    if (node) this.agentNodes[name] = node
    return a
  }

  agentError(name: string, error: CollectionError): void {
    this.agent(name)
    ;(this.agentErrors[name] ??= []).push(error)
  }

  clusterError(error: CollectionError): void {
    this.clusterErrors.push(error)
  }

  skip(path: string, reason: string): void {
    this.snap.skipped.push({path, reason})
  }

  add(file: EvidenceFile): void {
    const kind: EvidenceKind | undefined = file.kind ?? classify(file.text)
    if (!kind) {
      this.skip(file.path, notRecognized(file.text))
      return
    }
    try {
      if (AGENT_KINDS.has(kind)) ingestAgentFile(this.agent(agentNameFor(file)), kind, file, this.services)
      else ingestClusterFile(this.snap, kind, file, {agentErrors: this.agentErrors, clusterErrors: this.clusterErrors})
    } catch (error) {
      this.clusterErrors.push({command: file.path, kind: 'unparsable', message: `${file.path}: ${errorMessage(error)}`})
    }
    // received outputs only: `text` and `log` may be getters that read the file again
    this.pacer.note(file.bytes?.length ?? 0)
  }

  finish(): Snapshot {
    const snap = this.snap
    for (const name of Object.keys(this.agentErrors)) this.agent(name)
    for (const pod of snap.cluster.pods ?? []) {
      const a = this.agents.get(pod.name)
      if (a) a.pod = pod
    }
    for (const a of this.agents.values()) {
      a.node ??= this.agentNodes[a.name] ?? a.pod?.node
      a.errors.push(...(this.agentErrors[a.name] ?? []))
      if (a.status && statusIsEmpty(a.status)) {
        a.errors.push({command: 'status', kind: 'unparsable', message: `status output of ${a.name} has no recognizable status line`})
        delete a.status
      }
    }
    snap.cluster.errors = this.clusterErrors
    snap.agents = [...this.agents.values()].sort((x, y) => x.name.localeCompare(y.name))
    return snap
  }
}

/** The snapshot of a collection; `into` is a builder that already received part of it (streamed agent outputs). */
export function buildSnapshot(c: Collected, into?: SnapshotBuilder): Snapshot {
  const b = into ?? new SnapshotBuilder(c.origin)
  if (into) into.setOrigin(c.origin)
  for (const s of c.skipped) b.skip(s.path, s.reason)
  for (const name of c.agents) b.agent(name, c.agentNodes[name])
  for (const [name, errors] of Object.entries(c.agentErrors)) for (const e of errors) b.agentError(name, e)
  for (const e of c.clusterErrors) b.clusterError(e)
  for (const file of c.files) b.add(file)
  return b.finish()
}

/**
 * A status text, its healthy node blocks cut out at the byte level when it came as bytes; `whole` when it was
 * parsed from its whole text, which is then looked at for a cut. A received output's cut is known to its
 * collector (the exec cap). A saved file (`saved` bytes) may have been cut where no collector saw it: when
 * the cut-out text reads as cut, the whole text is parsed instead, and the cut found and marked as for any file.
 */
function statusTextOf(file: EvidenceFile): {status: AgentStatus, whole: boolean} {
  if (!file.bytes) return {status: parseStatusText(file.text, file.path), whole: true}
  const {text, healthy} = statusFromBytes(file.bytes)
  const status = parseStatusText(text, file.path, healthy)
  if (!file.saved || (statusCut(text, status) ?? statusHeadCut(text, status)) === undefined) return {status, whole: false}
  return {status: parseStatusText(file.text, file.path), whole: true}
}

/** Statuses keep unhealthy cluster-health rows only, service lists a summary (src/snapshot/compact.ts). */
function ingestAgentFile(a: Agent, kind: EvidenceKind, file: EvidenceFile, services: ServiceCompactor): void {
  const status = (s: AgentStatus) => {
    compactHealth(s)
    return s
  }
  switch (kind) {
    case 'status-text':
    case 'status-json': {
      const read = kind === 'status-text' ? statusTextOf(file) : {status: parseStatusJson(file.text, file.path), whole: false}
      let parsed = read.status
      // a status cut in the middle is read again up to the cut, so a half-printed row is not taken for a fact
      const cut = read.whole ? statusCut(file.text, parsed) ?? statusHeadCut(file.text, parsed) : undefined
      if (cut?.truncation) {
        parsed = {...parseStatusText(cut.text, file.path), truncation: cut.truncation}
        a.errors.push(cutError(file.path, cut.truncation, 'the rows and sections after it were not read'))
      }
      const checked = checkStatusBpfMaps(parsed, file.path)
      a.errors.push(...checked.errors)
      a.status = richer(a.status, status(checked.status))
      break
    }
    case 'cilium-health': a.status = mergeHealth(a.status, status(parseCiliumHealth(file.text, file.path))); break
    case 'controller-rows': a.status = mergeControllers(a.status, status(parseControllerRows(file.text, file.path))); break
    case 'endpoint-list': a.endpoints = parseEndpointList(file.text, file.path); break
    case 'encrypt-status': a.encrypt = mergeEncryptStatus(a.encrypt, (file.text.trimStart().startsWith('{') ? parseEncryptStatusJson : parseEncryptStatus)(file.text, file.path)); break
    case 'bgp-peers': {
      const {peers, unrecognized} = parseBgpPeers(file.text, file.path)
      a.bgpPeers = [...(a.bgpPeers ?? []), ...peers]
      if (unrecognized.length > 0) a.errors.push({command: file.path, kind: 'unparsable', message: `${file.path}: ${unrecognized.length} row(s) not read as BGP peers (first at line ${unrecognized[0]}); expected Local AS, Peer AS, Peer Address, Session, Uptime columns`})
      break
    }
    case 'node-list': a.knownNodes = parseNodeList(file.text, file.path); break
    case 'service-list': a.services = services.read(file, parseServiceList); break
    case 'map-list': {
      const checked = checkMapList(parseMapList(file.text, file.path), file.path)
      a.errors.push(...checked.errors)
      a.maps = checked.maps
      break
    }
    case 'metrics': {
      const {metrics: m, errors} = checkMetrics(parseMetrics(file.text, file.path), file.path)
      a.errors.push(...errors)
      if (a.metrics) a.metrics.samples.push(...m.samples)
      else a.metrics = m
      break
    }
    case 'agent-log': {
      // a log streamed line by line arrives parsed (its text was never held whole)
      const cut = file.log ? undefined : logCutAtEnd(file.text)
      const log = file.log ?? parseAgentLog(cut ? cut.text : file.text, file.path, file.previous ?? /previous/.test(file.path))
      if (cut?.truncation) a.errors.push(cutError(file.path, cut.truncation, `its last line was not read: ${cut.truncation.text}`))
      a.logs.push(log)
      if (log.cutLines) a.errors.push({command: file.path, kind: 'truncated', message: `${file.path}: ${log.cutLines} log line(s) longer than ${MAX_LINE / 1024} KiB were read only up to ${MAX_LINE / 1024} KiB`})
      // every line is counted by level; only the entries kept as evidence are bounded (the newest win)
      if (log.truncated) a.errors.push({command: file.path, kind: 'truncated', message: `${file.path}: more than ${MAX_ENTRIES} notable lines; the newest ${MAX_ENTRIES} kept as evidence, older ones only counted`})
      break
    }
    default: break
  }
}

/** A capture cut before its end, said once: where it stops and what was not read. */
function cutError(file: string, cut: Truncation, notRead = 'what followed was not read'): CollectionError {
  return {command: file, kind: 'truncated', message: `${file}: cut at line ${cut.line}: ${cut.reason}; read up to there, ${notRead}`}
}

/** A YAML/JSON capture read as far as it is valid; a cut one is marked, its error recorded. */
function salvaged(file: EvidenceFile, text: string, errors: CollectionError[], printedSorted = false): {text: string, truncation?: Truncation} {
  const out = salvageDocument(text, {printedSorted})
  if (out.truncation) errors.push(cutError(file.path, out.truncation, 'keys after it are unknown, not absent'))
  return out
}

/** The text when it is a readable YAML/JSON document; otherwise an error naming the first bad line. */
function readable(text: string): string {
  const normalized = text.includes('\r') && !text.includes('\n') ? text.replace(/\r/g, '\n') : text
  const problem = docProblem(normalized)
  if (problem) throw new Error(problem)
  return normalized
}

/**
 * What a lenient parser read, unless it read nothing from a broken document (a cut capture, an alias
 * bomb): then an error naming the first bad line, so the nodes or pods are "not readable", never "none".
 * The document is parsed a second time only in that case.
 */
function orBroken<T>(parsed: T[], text: string): T[] {
  if (parsed.length === 0 && text.trim() !== '') readable(text)
  return parsed
}

/** Tables and descriptions pasted from kubectl, recognized by content. */
function ingestPastedTable(cl: Snapshot['cluster'], kind: EvidenceKind, file: EvidenceFile): void {
  switch (kind) {
    case 'pods-table': {
      cl.pods = [...(cl.pods ?? []), ...parseKubectlPodsTable(file.text, file.path)]
      // `kubectl get all` also lists the operator Deployment
      const op = parseOperatorRow(file.text, file.path)
      if (op) cl.operator ??= op
      break
    }
    case 'nodes-table': cl.nodes = [...(cl.nodes ?? []), ...parseKubectlNodesTable(file.text, file.path)]; break
    case 'pod-describe': {
      for (const d of parseDescribePods(file.text, file.path)) {
        cl.pods = [...(cl.pods ?? []), d.pod]
        cl.podEvents = [...(cl.podEvents ?? []), ...d.events]
      }
      break
    }
    case 'cilium-tables': {
      const t = parseCiliumTables(file.text, file.path)
      if (t.endpoints) {
        cl.ciliumEndpoints = [...(cl.ciliumEndpoints ?? []), ...t.endpoints]
        cl.counts = {...cl.counts, ciliumEndpoints: cl.ciliumEndpoints.length, src: cl.counts?.src ?? t.endpoints[0].src}
      }
      if (t.ciliumNodes) cl.counts = {...cl.counts, ciliumNodes: t.ciliumNodes.count, src: cl.counts?.src ?? t.ciliumNodes.src}
      break
    }
    default: break
  }
}

function ingestClusterFile(snap: Snapshot, kind: EvidenceKind, file: EvidenceFile,
  errs: {agentErrors: Record<string, CollectionError[]>, clusterErrors: CollectionError[]}): void {
  const cl = snap.cluster
  switch (kind) {
    // a broken file is an error naming its line, never an empty config whose every key looks "absent"
    case 'configmap': {
      const doc = salvaged(file, file.text, errs.clusterErrors)
      cl.config = {...parseConfigMap(readable(doc.text), file.path), ...(doc.truncation ? {truncation: doc.truncation} : {})}
      break
    }
    case 'helm-values': {
      const heading = /^\s*(USER-SUPPLIED|COMPUTED) VALUES:[^\n]*/
      const doc = salvaged(file, file.text.replace(heading, ''), errs.clusterErrors, heading.test(file.text))
      cl.helm = {...parseHelmValues(readable(doc.text), file.path), ...(doc.truncation ? {truncation: doc.truncation} : {})}
      break
    }
    case 'helm-release': cl.helm = decodeHelmRelease(file.text, file.path); break
    case 'nodes': {
      // a cut list gives the items before the cut: a node count is then a lower bound, said in the error
      const doc = salvaged(file, file.text, errs.clusterErrors)
      cl.nodes = [...(cl.nodes ?? []), ...orBroken(parseNodes(doc.text, file.path), doc.text)]
      break
    }
    case 'pods': {
      const doc = salvaged(file, file.text, errs.clusterErrors)
      cl.pods = [...(cl.pods ?? []), ...orBroken(parsePods(doc.text, file.path), doc.text)]
      break
    }
    case 'pods-table':
    case 'nodes-table':
    case 'pod-describe':
    case 'cilium-tables': ingestPastedTable(cl, kind, file); break
    case 'operator': {
      const op = parseOperator(file.text, file.path)
      if (op) cl.operator = op
      else orBroken([], file.text)
      break
    }
    case 'cilium-resources': {
      const rc = parseCiliumResources(file.text)
      if (!rc) orBroken([], file.text)
      const field = rc && countField(rc.kind)
      if (rc && field) cl.counts = {...cl.counts, [field]: rc.count, src: {file: file.path, line: 0, text: `${rc.count} ${rc.kind} objects`}}
      if (rc?.kind === 'CiliumNode') {
        const nodes = parseCiliumNodes(file.text, file.path)
        if (nodes.length > 0) cl.ciliumNodes = [...(cl.ciliumNodes ?? []), ...nodes]
      }
      // a list read, even empty, says which exist: "no policy" is evidence, not a gap
      if (rc?.kind === 'CiliumLocalRedirectPolicy') cl.localRedirectPolicies = [...(cl.localRedirectPolicies ?? []), ...parseLocalRedirectPolicies(file.text, file.path)]
      if (rc?.kind === 'CiliumNodeConfig') cl.nodeConfigs = [...(cl.nodeConfigs ?? []), ...parseNodeConfigs(file.text, file.path)]
      break
    }
    case 'operator-log': {
      const cut = logCutAtEnd(file.text)
      const log = parseAgentLog(cut ? cut.text : file.text, file.path, false)
      if (cut?.truncation) errs.clusterErrors.push(cutError(file.path, cut.truncation, `its last line was not read: ${cut.truncation.text}`))
      cl.operatorLogs = [...(cl.operatorLogs ?? []), log]
      break
    }
    case 'collection-errors': mergeCollectionErrors(file.text, file.path, errs); break
    case 'cli-status': cl.cliStatus = parseCliStatus(file.text, file.path); break
    case 'clustermesh-status': cl.clusterMesh = parseClusterMeshStatus(file.text, file.path); break
    case 'snapshot':
      snap.skipped.push({path: file.path, reason: 'a saved snapshot inside a directory is not merged; pass it alone to --from'})
      break
    default: break
  }
}
