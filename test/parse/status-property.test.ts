import {expect} from 'chai'
import fc from 'fast-check'
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {CliStatus, parseCliStatus} from '../../src/parse/cli-status.js'
import {parseStatusJson} from '../../src/parse/status-json.js'
import {parseStatusText} from '../../src/parse/status-text.js'
import {splitLines} from '../../src/parse/text.js'
import {AgentStatus} from '../../src/snapshot/schema.js'
import {FIXTURES_DIR, REFERENCE_DIR, hasReference} from '../helpers/reference.js'

/*
 * Mutated real and synthetic samples: whatever the capture looks like (cut, reordered, corrupted),
 * the parsers return a schema-valid result, never throw, never hit their internal catch-all,
 * and every `src` they return points at a line that really holds the quoted text.
 */

function samples(prefixes: RegExp): string[] {
  const own = readdirSync(join(FIXTURES_DIR, 'parse', 'status'))
    .filter((f) => prefixes.test(f))
    .map((f) => readFileSync(join(FIXTURES_DIR, 'parse', 'status', f), 'utf8'))
  const real = hasReference()
    ? readdirSync(REFERENCE_DIR).filter((f) => prefixes.test(f)).map((f) => readFileSync(join(REFERENCE_DIR, f), 'utf8'))
    : []
  return [...own, ...real]
}

const NOISE = ['\u0000', '\t', ' ', ':', '/', '(', ')', '[', ']', '├', '└', '│', '─', '\r', '\n', '\x1b[31m', '9', 'x', '\ufffd', '"', '{', '}', ',']

type Mutation =
  | {kind: 'drop', picks: number[]}
  | {kind: 'truncate', at: number}
  | {kind: 'shuffle', keys: number[]}
  | {kind: 'flip', edits: Array<[number, number]>}
  | {kind: 'duplicate', picks: number[]}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({kind: fc.constant('drop' as const), picks: fc.array(fc.nat(), {maxLength: 20})}),
  fc.record({kind: fc.constant('truncate' as const), at: fc.nat()}),
  fc.record({kind: fc.constant('shuffle' as const), keys: fc.array(fc.nat(), {minLength: 1, maxLength: 300})}),
  fc.record({kind: fc.constant('flip' as const), edits: fc.array(fc.tuple(fc.nat(), fc.nat({max: NOISE.length - 1})), {minLength: 1, maxLength: 40})}),
  fc.record({kind: fc.constant('duplicate' as const), picks: fc.array(fc.nat(), {maxLength: 10})}),
)

function mutate(text: string, m: Mutation): string {
  const lines = text.split('\n')
  switch (m.kind) {
    case 'drop': {
      const drop = new Set(m.picks.map((p) => p % Math.max(lines.length, 1)))
      return lines.filter((_, i) => !drop.has(i)).join('\n')
    }
    case 'truncate':
      return text.slice(0, m.at % (text.length + 1))
    case 'shuffle': {
      const keyed = lines.map((l, i) => [m.keys[i % m.keys.length] * 1000 + i, l] as const)
      return keyed.sort((a, b) => a[0] - b[0]).map(([, l]) => l).join('\n')
    }
    case 'flip': {
      const chars = [...text]
      for (const [pos, n] of m.edits) if (chars.length > 0) chars[pos % chars.length] = NOISE[n]
      return chars.join('')
    }
    case 'duplicate': {
      const out = [...lines]
      for (const p of m.picks) out.splice(p % (out.length + 1), 0, lines[p % Math.max(lines.length, 1)] ?? '')
      return out.join('\n')
    }
  }
}

function sources(v: unknown, acc: Array<{line: number, text: string}> = []): Array<{line: number, text: string}> {
  if (Array.isArray(v)) for (const x of v) sources(x, acc)
  else if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>
    if (typeof o.file === 'string' && typeof o.line === 'number' && typeof o.text === 'string') acc.push({line: o.line, text: o.text})
    else for (const x of Object.values(o)) sources(x, acc)
  }
  return acc
}

function checkSources(input: string, result: unknown): void {
  const lines = splitLines(input)
  for (const s of sources(result)) {
    if (s.line === 0) continue
    expect(s.line, `src line ${s.line} beyond input`).to.be.within(1, lines.length)
    expect(lines[s.line - 1], `line ${s.line}`).to.include(s.text)
  }
}

const noCatchAll = (u: Array<{text: string}>) => expect(u.filter((x) => x.text.startsWith('parser error')), 'internal parser error').to.deep.equal([])

describe('status parsers: properties over mutated samples', function () {
  this.timeout(120_000) // generous for loaded CI machines; nothing here asserts on time
  const text = samples(/^(status(-verbose)?_|synthetic-.*\.txt$)/)
  const json = samples(/^(status-json_|synthetic-.*\.json$)/)
  const cli = samples(/^cilium-cli-status_/)

  it('has samples to mutate', function () {
    expect(text.length).to.be.greaterThan(1)
    expect(json.length).to.be.greaterThan(0)
  })

  it('parseStatusText: never throws, schema-valid, src lines quote the input', function () {
    fc.assert(fc.property(fc.constantFrom(...text), mutation, (base, m) => {
      const input = mutate(base, m)
      const r = parseStatusText(input, 'm.txt')
      expect(AgentStatus.safeParse(r).success).to.equal(true)
      noCatchAll(r.unrecognized)
      checkSources(input, r)
    }), {numRuns: 400})
  })

  it('parseStatusText: arbitrary strings and line soup of known labels', function () {
    const labels = ['KVStore:', 'Cilium:', 'Controller Status:', 'BPF Maps:', 'Cluster health:', 'Modules Health:', 'KubeProxyReplacement:', 'IPAM:', '  Name   Size', '  ', '├── x   [OK] y (1s, x1)']
    const soup = fc.array(fc.oneof(fc.constantFrom(...labels), fc.string({maxLength: 40})), {maxLength: 60}).map((a) => a.join('\n'))
    fc.assert(fc.property(fc.oneof(fc.string({maxLength: 400}), soup), (input) => {
      const r = parseStatusText(input, 's.txt')
      expect(AgentStatus.safeParse(r).success).to.equal(true)
      noCatchAll(r.unrecognized)
    }), {numRuns: 400})
  })

  it('parseStatusJson: never throws, schema-valid on mutated documents', function () {
    fc.assert(fc.property(fc.constantFrom(...json), mutation, (base, m) => {
      const r = parseStatusJson(mutate(base, m), 'm.json')
      expect(AgentStatus.safeParse(r).success).to.equal(true)
      noCatchAll(r.unrecognized)
    }), {numRuns: 300})
  })

  it('parseStatusJson: arbitrary JSON values are handled', function () {
    fc.assert(fc.property(fc.jsonValue(), (v) => {
      const r = parseStatusJson(JSON.stringify(v, null, 2), 'v.json')
      expect(AgentStatus.safeParse(r).success).to.equal(true)
      noCatchAll(r.unrecognized)
    }), {numRuns: 300})
  })

  // Regression for quadratic regexes (a lazy group before \s+ takes seconds on one 40k-blank line):
  // these inputs finish within mocha's timeout only if every line pattern is linear.
  it('pathological 100k blank and digit runs in every section are parsed, not hung on', function () {
    const B = ' '.repeat(100_000)
    const D = '9'.repeat(100_000)
    const text = [
      `KVStore:${B}Ok${B}x`, `KubeProxyReplacement:   True   [${B}x`, `Device Mode:  a${B}b`, `ClusterMesh:   ${D}x`,
      `NodeMonitor:   ${D} x`, `IPAM:   IPv4: ${D}/${D} x`, 'Controller Status:   1/2 healthy', `  a${B}b${B}5s ago${B}x`,
      'KubeProxyReplacement Details:', `  ${B}x`, `  a${B}b`, 'BPF Maps:   dynamic sizing: on', `  a${B}b`, `  a${B}${D}`,
      'Cluster health:   1/2 reachable', `  a${B}b`, `  a${B}(localhost)${B}c`, 'Modules Health:', '  agent',
      `  ├── a${B}[OK]${B}(${B}x`, `  ├── a${B}b${B}(1s,${B}`, `Hubble:   Ok   Current/Max Flows: ${D}/${D}`,
    ].join('\n')
    const r = parseStatusText(text, 'p.txt')
    expect(AgentStatus.safeParse(r).success).to.equal(true)
    expect(r.modulesHealth!).to.deep.include({ok: 1, modules: []})
    const j = parseStatusJson(JSON.stringify({hubble: {state: 'Ok', observer: {uptime: `${D}s${D}`}}, ipam: {status: text}}), 'p.json')
    expect(AgentStatus.safeParse(j).success).to.equal(true)
    const c = parseCliStatus(` /¯¯\\   Cilium: ${D} errors${D}\nErrors:${B}a${B}b${B}c\nImage versions${B}a${B}b:${B}1`, 'p.txt')
    expect(c.errors).to.have.length(1)
  })

  it('parseCliStatus: never throws, schema-valid on mutated samples', function () {
    if (cli.length === 0) this.skip()
    fc.assert(fc.property(fc.constantFrom(...cli), mutation, (base, m) => {
      const input = mutate(base, m)
      const r = parseCliStatus(input, 'c.txt')
      expect(CliStatus.safeParse(r).success).to.equal(true)
      noCatchAll(r.unrecognized)
      checkSources(input, r)
    }), {numRuns: 300})
  })
})
