import fc from 'fast-check'

/*
 * What hostile or damaged input looks like, as byte edits on a real sample: cut-offs, flipped bytes,
 * numbers at the extremes, deep nesting, YAML alias bombs, terminal control sequences, endless lines and
 * other line endings. Each mutation names itself, so a failure says what was done to which file.
 */

export type Mutation =
  | {op: 'truncate', at: number}
  | {op: 'flip', at: number, byte: number}
  | {op: 'number', nth: number, value: string}
  | {op: 'nest', at: number, depth: number, open: '[' | '{'}
  | {op: 'alias-bomb'}
  | {op: 'control', at: number, seq: string}
  | {op: 'long-line', at: number, line: string, times: number}
  | {op: 'line-endings', style: 'crlf' | 'cr' | 'mixed' | 'bom'}

const EXTREMES = ['0', '-1', '-0', '1e308', '-1e308', '1e999', 'NaN', 'Infinity', '-Infinity', '18446744073709551616',
  '99999999999999999999999999', '0.000000000001', '9007199254740993', '0x7fffffff', '']
// what a hostile capture would plant for a terminal: OSC 0 (title), OSC 8 (link), DCS, 8-bit CSI, clear screen, RTL override
const CONTROLS = ['\x1b]0;owned\x07', '\x1b]8;;https://example.invalid/\x1b\\click\x1b]8;;\x1b\\', '\x1bP+q544e\x1b\\', '\x9b31m',
  '\x1b[2J\x1b[H', '\u202e', '\x00', '\x07', '\r', '\x1b', '`](javascript:x)<img src=x onerror=x>`']
// pathological words for the log and table readers: one endless token, endless key=value, endless quoting
const LONG = ['x', 'a=', 'level=error msg="', '"', '\\', '=', ' ', 'level=info ', '\u00e9', '│']
const BYTES = [0x00, 0x0d, 0x1b, 0x22, 0x3a, 0x7f, 0x80, 0x9b, 0xc3, 0xff]

/** Mostly small sizes, sometimes huge ones: the huge cases are the slow ones, and a few of them find what many would. */
const sized = (small: number, huge: number) => fc.oneof({arbitrary: fc.integer({min: small / 10, max: small}), weight: 9}, {arbitrary: fc.integer({min: small, max: huge}), weight: 1})

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  {arbitrary: fc.record({op: fc.constant('truncate' as const), at: fc.nat()}), weight: 3},
  {arbitrary: fc.record({op: fc.constant('flip' as const), at: fc.nat(), byte: fc.oneof(fc.constantFrom(...BYTES), fc.integer({min: 0, max: 255}))}), weight: 3},
  {arbitrary: fc.record({op: fc.constant('number' as const), nth: fc.nat(), value: fc.constantFrom(...EXTREMES)}), weight: 3},
  {arbitrary: fc.record({op: fc.constant('control' as const), at: fc.nat(), seq: fc.constantFrom(...CONTROLS)}), weight: 3},
  {arbitrary: fc.record({op: fc.constant('line-endings' as const), style: fc.constantFrom('crlf' as const, 'cr' as const, 'mixed' as const, 'bom' as const)}), weight: 2},
  {arbitrary: fc.record({op: fc.constant('alias-bomb' as const)}), weight: 1},
  {arbitrary: fc.record({op: fc.constant('nest' as const), at: fc.nat(), depth: sized(1000, 5_000), open: fc.constantFrom('[' as const, '{' as const)}), weight: 1},
  {arbitrary: fc.record({op: fc.constant('long-line' as const), at: fc.nat(), line: fc.constantFrom(...LONG), times: sized(10_000, 200_000)}), weight: 1},
)

/** Nine levels of nine references each: 9^9 strings if expanded (the "billion laughs"). */
const ALIAS_BOMB = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...'bcdefghi'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`)].join('\n') + '\n'

/** The start of the line holding byte `at`, so an inserted line stays a line of its own. */
function lineStart(buf: Buffer, at: number): number {
  return buf.lastIndexOf(10, Math.max(0, at - 1)) + 1
}

function insert(buf: Buffer, at: number, s: string): Buffer {
  return Buffer.concat([buf.subarray(0, at), Buffer.from(s), buf.subarray(at)])
}

export function applyMutation(input: Buffer, m: Mutation): Buffer {
  const at = 'at' in m ? m.at % (input.length + 1) : 0
  switch (m.op) {
    case 'truncate': return input.subarray(0, at)
    case 'flip': {
      if (input.length === 0) return input
      const out = Buffer.from(input)
      out[at % input.length] = m.byte
      return out
    }
    case 'number': {
      const text = input.toString('utf8')
      const numbers = [...text.matchAll(/-?\d+(?:\.\d+)?/g)]
      if (numbers.length === 0) return input
      const hit = numbers[m.nth % numbers.length]
      return Buffer.from(text.slice(0, hit.index) + m.value + text.slice(hit.index + hit[0].length))
    }
    case 'nest': {
      const deep = m.open === '[' ? `${'['.repeat(m.depth)}${']'.repeat(m.depth)}` : `${'{"k":'.repeat(m.depth)}1${'}'.repeat(m.depth)}`
      // inside the document when the sample is a JSON object, as a value on a line of its own otherwise
      const text = input.toString('utf8')
      if (/^\s*\{/.test(text)) return Buffer.from(text.replace(/^(\s*\{)/, `$1"deep": ${deep},`))
      const ls = lineStart(input, at)
      return insert(input, ls, `deep: ${deep}\n`)
    }
    case 'alias-bomb': return Buffer.concat([Buffer.from(ALIAS_BOMB), input])
    case 'control': return insert(input, at, m.seq)
    case 'long-line': return insert(input, lineStart(input, at), `${m.line.repeat(m.times)}\n`)
    case 'line-endings': {
      const text = input.toString('utf8')
      if (m.style === 'bom') return Buffer.from(`\ufeff${text}`)
      if (m.style === 'crlf') return Buffer.from(text.replace(/\n/g, '\r\n'))
      if (m.style === 'cr') return Buffer.from(text.replace(/\n/g, '\r'))
      let i = 0
      return Buffer.from(text.replace(/\n/g, () => (i++ % 2 ? '\r\n' : '\n')))
    }
  }
}

export function describeMutation(m: Mutation): string {
  const {op, ...rest} = m
  const shown = Object.entries(rest).map(([k, v]) => `${k}=${typeof v === 'string' ? JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v) : String(v)}`)
  return `${op}(${shown.join(', ')})`
}
