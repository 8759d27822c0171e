/*
 * Text from evidence (log lines, pasted outputs, file and directory names) is written into terminals and
 * tickets. It must not act there: no escape sequence may reach a terminal (OSC 0 retitles the window,
 * OSC 8 makes a link whose text lies, DCS talks to the terminal itself), and no markdown or HTML may come
 * alive in a ticket.
 */

// ESC sequences: CSI (ESC [ … final), OSC / DCS / SOS / PM / APC (ESC ] P X ^ _ … BEL or ST), and two-byte ESC X
// eslint-disable-next-line no-control-regex
const ESC_SEQ = /\x1b(?:\[[0-?]*[ -/]*[@-~]|[\]PX^_][\s\S]*?(?:\x07|\x1b\\|$)|[@-Z\\-_]|)/g
// the 8-bit forms (C1: CSI 0x9b, OSC 0x9d, DCS 0x90 …) and every other control except tab and newline
// eslint-disable-next-line no-control-regex
const C1_SEQ = /\x9b[0-?]*[ -/]*[@-~]|[\x90\x98\x9d\x9e\x9f][\s\S]*?(?:\x07|\x9c|$)/g
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g

export function stripControls(s: string): string {
  if (!/[\x00-\x08\x0b-\x1f\x7f-\x9f]/.test(s)) return s // eslint-disable-line no-control-regex
  return s.replace(ESC_SEQ, '').replace(C1_SEQ, '').replace(CONTROL, '')
}

/** A deep copy with every string made inert; numbers, booleans and structure unchanged. */
export function inert<T>(value: T): T {
  if (typeof value === 'string') return stripControls(value) as T
  if (Array.isArray(value)) return value.map((v: unknown) => inert(v)) as T
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = inert(v)
    return out as T
  }
  return value
}

/** A markdown code span that no backtick inside it can close: the fence is longer than any run inside. */
export function mdCode(s: string): string {
  const text = stripControls(s).replace(/\n/g, ' ')
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length))
  const fence = '`'.repeat(longest + 1)
  const pad = text.startsWith('`') || text.endsWith('`') || text === '' ? ' ' : ''
  return `${fence}${pad}${text}${pad}${fence}`
}

/** Prose in markdown: no HTML tags, no links, no emphasis or code that evidence could open. */
export function mdText(s: string): string {
  return stripControls(s).replace(/[\\`*_[\]<>&|]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : `\\${c}`))
}
