import {expect} from 'chai'
import {mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {runDoctor} from '../../src/actions/doctor.js'
import {jsonDocument, jsonPieces} from '../../src/util/json-pieces.js'
import {captureIo} from '../helpers/io.js'

const FIXTURES = fileURLToPath(new URL('../../fixtures', import.meta.url))

/** A report's run times differ between two runs of the same evidence. */
function withoutTimes(text: string): string {
  return text.replace(/"(generatedAt|startedAt|durationMs|elapsedMs)": [^,\n]+/g, '"$1": 0')
}

/** Every gap and depth gives exactly JSON.stringify's text. */
function expectSame(value: unknown, label: string): void {
  for (const gap of ['', '  ', '\t']) {
    for (const levels of [0, 1, 2, 3, 6]) {
      expect([...jsonPieces(value, gap, levels)].join(''), `${label}, gap ${JSON.stringify(gap)}, ${levels} levels`)
        .to.equal(JSON.stringify(value, null, gap) ?? '')
    }
  }
}

describe('jsonPieces', () => {
  it('writes what JSON.stringify writes, for every kind of value and container', () => {
    const cases: Array<[string, unknown]> = [
      ['scalars', [1, -0, 1.5e300, 'a"b\\c\n\u0007é🚀', true, false, null]],
      ['empty containers', {a: {}, b: [], c: [[]], d: [{}], e: {f: {g: {}}}}],
      ['non-finite numbers', {a: NaN, b: Infinity, c: [-Infinity]}],
      ['left out of objects, null in arrays', {a: undefined, b: () => 1, c: Symbol('x'), d: [undefined, () => 1, Symbol('y'), 2], e: 3}],
      ['an object whose every value is left out', {a: {x: undefined, y: () => 0}, b: [{z: undefined}]}],
      ['toJSON', {when: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)), custom: {toJSON: () => ({kept: [1, 2]})}, list: [new Date(0)]}],
      ['boxed primitives', {n: Object(5) as unknown, s: Object('x') as unknown, b: Object(true) as unknown}],
      ['deep nesting', {a: [{b: [{c: [{d: 'e', f: [1, {g: null}]}]}]}]}],
      ['a bare string', 'just text'],
      ['a bare number', 42],
    ]
    for (const [label, value] of cases) expectSame(value, label)
  })

  it('writes nothing for a value JSON.stringify gives undefined for', () => {
    expect([...jsonPieces(undefined)]).to.deep.equal([])
    expect([...jsonPieces(() => 1)]).to.deep.equal([])
  })

  it("writes every fixture's doctor report and saved snapshot as JSON.stringify does", async function () {
    this.timeout(120_000)
    const dirs = readdirSync(FIXTURES, {withFileTypes: true}).filter((e) => e.isDirectory()).map((e) => join(FIXTURES, e.name))
    const tmp = mkdtempSync(join(tmpdir(), 'ciltune-pieces-'))
    try {
      for (const from of dirs) {
        const pieces: string[] = []
        const io = {...captureIo(), stdoutPieces: async (p: Iterable<string>) => void pieces.push(...p)}
        const saveSnapshot = join(tmp, 'snapshot.json')
        await runDoctor({from, output: 'json', failOn: 'none', color: false, saveSnapshot}, io)
        expect(io.out, `${from}: the report went out in pieces`).to.equal('')
        expect(pieces.length, from).to.be.greaterThan(10)
        const text = pieces.join('')
        expect(text, from).to.equal(JSON.stringify(JSON.parse(text), null, 2) + '\n')
        const saved = readFileSync(saveSnapshot, 'utf8')
        expect(saved, `${from}: snapshot`).to.equal(JSON.stringify(JSON.parse(saved)) + '\n')
        const joined = captureIo()
        await runDoctor({from, output: 'json', failOn: 'none', color: false}, joined)
        expect(withoutTimes(joined.out), `${from}: an io without pieces gets the same text`).to.equal(withoutTimes(text))
      }
    } finally {
      rmSync(tmp, {recursive: true, force: true})
    }
  })

  it('gives a document its trailing newline', () => {
    expect([...jsonDocument({a: [1]}, '  ')].join('')).to.equal('{\n  "a": [\n    1\n  ]\n}\n')
  })

  it('yields the top containers piece by piece, so no piece holds the whole document', () => {
    const report = {agents: Array.from({length: 2000}, (_, i) => ({name: `agent-${i}`, findings: [i, i + 1]}))}
    const pieces = [...jsonPieces(report, '  ')]
    const whole = JSON.stringify(report, null, 2)
    expect(pieces.join('')).to.equal(whole)
    expect(Math.max(...pieces.map((p) => p.length))).to.be.lessThan(whole.length / 100)
  })
})
