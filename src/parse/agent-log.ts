import type {AgentLog, LogEntry} from '../snapshot/schema.js'
import {detachJoined, headLines, lineViews, src} from './text.js'

/*
 * cilium-agent logs (FORMAT-NOTES §12): logrus/logfmt `level=warning msg="…" subsys=…` (≤1.17,
 * optionally after a kubectl --timestamps stamp), slog `time=… level=info msg=… module=…` (1.18+),
 * and JSON lines from either logger. Only lines that matter are kept (warnings and above and the
 * recognized kinds), so a day of logs stays small in the snapshot; every line is still counted.
 */

export const MAX_ENTRIES = 2000
// a log line longer than this is read only up to it (a megabyte of one word is not a log message)
export const MAX_LINE = 64 * 1024

const STAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?)\s+/
// journalctl: "Sep 15 07:50:43 host cilium-operator[5814]: " before the line (agents run outside Kubernetes, dev VMs)
const JOURNAL = /^([A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d) \S+ [\w.-]+\[\d+\]: /
const PREFIX = /^(?:\[pod\/[^\]\s]+\]|[a-z0-9][a-z0-9.-]*[ \t]+[a-z0-9][a-z0-9-]*)[ \t]+(?=(?:\d{4}-\d\d-\d\dT\S+\s+)?(?:time=|level=|\{"))/
const KLOG = /^([IWEF])\d{4} \d\d:\d\d:\d\d\.\d+\s+\d+\s+\S+\] (.*)$/
const KLOG_LEVEL: Record<string, string> = {I: 'info', W: 'warning', E: 'error', F: 'fatal'}
// Envoy's own log (cilium-envoy pods, and the standalone proxy of old releases): "[date time][tid][level][logger] [file:line] msg"
const ENVOY = /^\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+)\]\[\d+\]\[(trace|debug|info|warning|error|critical)\]\[[\w-]+\] (?:\[[^\]]*\] |[\w./-]+:\d+\] )?(.*)$/
const RANK: Record<string, number> = {trace: 0, debug: 1, info: 2, warning: 3, error: 4, fatal: 5, panic: 6}

// the start of a logfmt/slog line up to its level: [kubectl stamp] [time=…] level=…
const QUICK = /^\s*(?:\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?\s+)?(time=\S+\s+)?level=("?)([A-Za-z]+)\2(?=\s|$)/
// any line that could be a recognized kind; lines without these words skip the detailed checks
const INTERESTING = /netkit|full|LB bpf map|bpf-lb-map-max|argument list too long|no space left|Falling back|could not be enabled/i

type Kind = LogEntry['kind']

interface Line {level: string, msg: string, time?: string, subsys?: string, style: 'logfmt' | 'slog' | 'other'}

export function parseAgentLog(text: string, file: string, previous = false): AgentLog {
  const reader = new AgentLogReader(file, previous)
  for (const line of lineViews(text)) reader.line(line)
  return reader.result()
}

/**
 * A log read one line at a time, in order, so a log of any size costs the entries kept and nothing more:
 * every line is counted, and the newest MAX_ENTRIES lines worth keeping are kept (the end of a log explains
 * the incident); older ones dropped mark the log truncated.
 */
export class AgentLogReader {
  private readonly out: AgentLog
  private readonly ring: LogEntry[] = []
  private next = 0 // where the ring's oldest entry is, once full
  private lineNo = 0
  private logfmt = 0
  private slog = 0

  constructor(private readonly file: string, previous = false) {
    this.out = {file, previous, format: 'unknown', lines: 0, levels: {}, debugLines: 0, entries: [], truncated: false}
  }

  /** The next line (without its newline), cleaned like splitLines does; numbered from 1. */
  line(line: string): void {
    this.lineNo++
    if (line.trim() === '') return
    const out = this.out
    let raw = line
    if (raw.length > MAX_LINE) {
      raw = raw.slice(0, MAX_LINE)
      out.cutLines = (out.cutLines ?? 0) + 1
    }
    out.lines++
    // fast path for the bulk of a log (info/debug logfmt or slog lines): level only, no field parse
    const quick = QUICK.exec(raw)
    const quickLevel = quick ? normalizeLevel(quick[3]) : undefined
    if (quickLevel && (RANK[quickLevel] ?? 99) < RANK.warning && !INTERESTING.test(raw)) {
      this.count(quickLevel, quick![1] ? 'slog' : 'logfmt')
      return
    }
    const parsed = parseLine(raw)
    if (parsed) this.count(parsed.level, parsed.style)
    const kind = classify(raw, parsed?.level)
    if (kind === undefined) return
    const entry: LogEntry = {level: parsed?.level ?? 'unknown', msg: parsed?.msg ?? raw.trim(), kind, src: src(this.file, this.lineNo, raw)}
    if (parsed?.time) entry.time = parsed.time
    if (parsed?.subsys) entry.subsys = parsed.subsys
    this.keep(entry)
  }

  result(): AgentLog {
    const out = this.out
    out.entries = [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)]
    out.format = this.logfmt > 0 && this.slog > 0 ? 'mixed' : this.slog > 0 ? 'slog' : this.logfmt > 0 ? 'logfmt' : 'unknown'
    // entries quote lines that are views into the text (or into a streamed chunk): kept as copies of their own
    return detachJoined(out, this.file)
  }

  private count(level: string, style: Line['style']): void {
    this.out.levels[level] = (this.out.levels[level] ?? 0) + 1
    if (level === 'debug') this.out.debugLines++
    if (style === 'slog') this.slog++
    else if (style === 'logfmt') this.logfmt++
  }

  private keep(entry: LogEntry): void {
    if (this.ring.length < MAX_ENTRIES) return void this.ring.push(entry)
    this.ring[this.next] = entry
    this.next = (this.next + 1) % MAX_ENTRIES
    this.out.truncated = true
  }
}

/** What ciltune recognizes in a line; undefined = not worth keeping. */
function classify(raw: string, level: string | undefined): Kind | undefined {
  // ≤1.17 wording, and 1.18+ "netkit connector not available: netkit device probe failed, requires kernel 6.7.0+ …" (not the
  // warning of datapath-mode auto, which carries the same error and falls back to veth)
  if (/netkit devices need kernel 6\.7\.0 or newer|netkit connector not available: netkit device probe failed/i.test(raw)) return 'netkit-kernel'
  if (isMapFull(raw)) return 'map-full'
  if (level === 'fatal' || level === 'panic') return 'fatal'
  if (level === 'error') return 'error'
  if (level === 'warning') return 'warning'
  // fallbacks are logged at info: the feature asked for is not in effect
  if (/Falling back to|could not be enabled/i.test(raw)) return 'other'
  return undefined
}

/** Every wording of "a BPF map is full" across versions (FORMAT-NOTES §12). */
export function isMapFull(line: string): boolean {
  if (/map is full/i.test(line)) return true
  if (/Unable to update element for LB bpf map/i.test(line)) return true
  // the flag alone also appears in the agent's startup dump of its options, which is not an error
  if (/--bpf-lb-map-max/.test(line) && /resize|full|unable to update/i.test(line)) return true
  if (/argument list too long/i.test(line) && /\b(map|bpf)\b/i.test(line) && /update|insert/i.test(line)) return true
  if (/no space left on device/i.test(line) && /\b(bpf|map)\b/i.test(line) && /update|insert|element/i.test(line)) return true
  return false
}

function parseLine(raw: string): Line | undefined {
  let line = raw.trim()
  let stamp: string | undefined
  const j = JOURNAL.exec(line)
  if (j) {
    stamp = j[1]
    line = line.slice(j[0].length)
  }
  const st = STAMP.exec(line)
  if (st) {
    stamp = st[1]
    line = line.slice(st[0].length)
  }
  // "<pod> <container> " (stern, kubectl logs -l … --prefix without brackets) or "[pod/<pod>/<container>] " before the line
  const prefix = PREFIX.exec(line)
  if (prefix) {
    line = line.slice(prefix[0].length)
    const st2 = STAMP.exec(line)
    if (st2) {
      stamp = st2[1]
      line = line.slice(st2[0].length)
    }
  }
  if (line.startsWith('{')) return parseJsonLine(line, stamp)
  if (/^(time=\S+\s+)?level=/.test(line)) {
    const f = logfmtFields(line)
    const level = normalizeLevel(f.level)
    if (!level) return undefined
    // 1.18 slog puts time= first and names the component module=; logrus has no time= from cilium
    const style = line.startsWith('time=') ? 'slog' : 'logfmt'
    return {level, msg: f.msg ?? '', time: f.time ?? stamp, subsys: f.module ?? f.subsys, style}
  }
  const k = KLOG.exec(line)
  if (k) return {level: KLOG_LEVEL[k[1]], msg: k[2], time: stamp, style: 'other'}
  const e = ENVOY.exec(line)
  if (e) return {level: normalizeLevel(e[2]) ?? 'info', msg: e[3], time: stamp ?? e[1], style: 'other'}
  // a Go panic, and cobra's final "Error: …" when the agent (or an init container) exits on failure
  if (/^panic: /.test(line)) return {level: 'panic', msg: line, time: stamp, style: 'other'}
  // client-go's own stderr copy of a klog line the operator also logs through its logger (subsys=klog)
  if (j && /^(error retrieving resource lock|Failed to update lock|failed to renew lease)/.test(line)) return {level: 'error', msg: line, time: stamp, style: 'other'}
  if (/^Error: /.test(line)) return {level: 'error', msg: line.slice(7), time: stamp, style: 'other'}
  return undefined
}

function parseJsonLine(line: string, stamp: string | undefined): Line | undefined {
  let obj: unknown
  try {
    obj = JSON.parse(line)
  } catch {
    return undefined
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return undefined
  const o = obj as Record<string, unknown>
  const level = normalizeLevel(typeof o.level === 'string' ? o.level : undefined)
  if (!level) return undefined
  const s = (v: unknown) => (typeof v === 'string' ? v : undefined)
  return {
    level,
    msg: s(o.msg) ?? s(o.message) ?? '',
    time: s(o.time) ?? s(o.ts) ?? stamp,
    subsys: s(o.module) ?? s(o.subsys),
    style: 'module' in o ? 'slog' : 'logfmt',
  }
}

export function normalizeLevel(level: string | undefined): string | undefined {
  if (!level) return undefined
  const l = level.toLowerCase()
  if (l === 'warn') return 'warning'
  if (l === 'err') return 'error'
  if (l === 'crit' || l === 'critical') return 'fatal'
  // slog prints levels above ERROR as "ERROR+N"; Cilium's logging.Fatal/Panic use ERROR+8 and above
  const above = /^error\+(\d+)$/.exec(l)
  if (above) return Number(above[1]) >= 10 ? 'fatal' : Number(above[1]) >= 8 ? 'panic' : 'error'
  return /^[a-z]+$/.test(l) ? l : undefined
}

/** [A-Za-z_], by character code: a regex per character made this the costliest part of reading a log. */
function keyStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95
}

/** [\w.-]: letters, digits, "_", "." and "-". */
function keyChar(c: number): boolean {
  return keyStart(c) || (c >= 48 && c <= 57) || c === 46 || c === 45
}

/** What the regex \s matches: ECMAScript white space and line terminators. */
function isSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13)
  if (c < 160) return false
  return c === 160 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f ||
    c === 0x205f || c === 0x3000 || c === 0xfeff
}

/**
 * key=value pairs; values are bare words or Go-quoted strings with \" and \\ escapes.
 * One left-to-right scan (linear in the line): a regex with a key pattern before "=" rescans a long word
 * from every start position, which took seconds on an 80 kB word.
 */
export function logfmtFields(line: string): Record<string, string> {
  const fields: Record<string, string> = {}
  let i = 0
  const n = line.length
  while (i < n) {
    if (!keyStart(line.charCodeAt(i)) || (i > 0 && keyChar(line.charCodeAt(i - 1)))) {
      i++
      continue
    }
    let j = i + 1
    while (j < n && keyChar(line.charCodeAt(j))) j++
    if (line.charCodeAt(j) !== 61) { // "="
      i = j // the word was not a key: skip it whole, never rescan it
      continue
    }
    const key = line.slice(i, j)
    const [value, end] = line.charCodeAt(j + 1) === 34 ? quoted(line, j + 1) : bare(line, j + 1)
    if (!(key in fields)) fields[key] = value
    i = end
  }
  return fields
}

function bare(line: string, start: number): [string, number] {
  let end = start
  while (end < line.length && !isSpace(line.charCodeAt(end))) end++
  return [line.slice(start, end), end]
}

/**
 * A Go-quoted value from the opening quote; an unterminated one runs to the end of the line. Runs between
 * escapes are sliced, not appended character by character: a kept message would otherwise be a chain of
 * one cons string per character (20 MB of them over 1000 agents' logs). A kept message is flattened and
 * copied by detach() in AgentLogReader.result().
 */
function quoted(line: string, open: number): [string, number] {
  const parts: string[] = []
  let from = open + 1
  let k = from
  while (k < line.length && line[k] !== '"') {
    if (line[k] === '\\' && k + 1 < line.length) {
      const c = line[k + 1]
      parts.push(line.slice(from, k), c === 'n' ? '\n' : c === 't' ? '\t' : c)
      k += 2
      from = k
    } else {
      k++
    }
  }
  parts.push(line.slice(from, k))
  return [parts.length === 1 ? parts[0] : parts.join(''), Math.min(k + 1, line.length)]
}

export function levelAtLeast(level: string, min: string): boolean {
  return (RANK[level] ?? -1) >= (RANK[min] ?? 99)
}

export function looksLikeAgentLog(text: string): boolean {
  const lines = headLines(text.slice(0, 8192)).slice(0, 20)
  if (lines.length === 0) return false
  // half the lines (at least one) read as log lines: stop as soon as that is decided either way
  const need = Math.max(1, Math.ceil(lines.length / 2))
  let hits = 0
  for (let i = 0; i < lines.length && hits + lines.length - i >= need; i++) {
    const p = parseLine(lines[i])
    if (p !== undefined && (p.msg !== '' || /\bmsg=/.test(lines[i])) && ++hits >= need) return true
  }
  return false
}
