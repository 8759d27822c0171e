import {expect} from 'chai'
import fc from 'fast-check'
import {copiesOf, detach, detachJoined, lineViews, splitLines} from '../../src/parse/text.js'

/*
 * lineViews is splitLines without the per-line copy, for parsers that keep few lines and detach() what they
 * return: both must give the same lines, and detach must change no value it copies.
 */

const piece = fc.constantFrom('\n', '\r\n', '\r', '  ', '\t', '\x1b[31m', '\x1b[0m', 'Defaulted container "cilium-agent" out of: a, b\n',
  'KVStore:   Ok', '├── ', '│', 'x', 'a longer line of text than thirteen', '"', '\\', '\u0001')

describe('lineViews and detach', function () {
  it('lineViews gives the lines splitLines gives, for any mix of CR, ANSI, kubectl notices and indentation', function () {
    fc.assert(fc.property(fc.array(piece, {maxLength: 60}), (parts) => {
      const text = parts.join('')
      expect(lineViews(text)).to.deep.equal(splitLines(text))
    }), {numRuns: 500})
  })

  it('an indented paste loses its common indentation in both', function () {
    expect(lineViews('    a: 1\n      b: 2\n\n    c: 3\n')).to.deep.equal(['a: 1', '  b: 2', '', 'c: 3'])
  })

  it('detach keeps every value, key and array order of a parse result, nested arrays included', function () {
    const text = 'Cluster health:   1/2 reachable   (2026-03-12T08:41:07Z)\n  node-a   192.0.2.1   0/1   1/1\n'
    const [header, row] = lineViews(text)
    const file = 'cilium-x/status-verbose.txt'
    const result = {
      text: header.slice(18),
      nodes: [{name: row.slice(2, 8), src: {file, line: 2, text: row.trim()}, ips: [[row.slice(11, 20)]]}],
      count: 2, ok: false, none: null, short: 'ok',
    }
    const before = structuredClone(result)
    const out = detach(result, file)
    expect(out).to.equal(result) // in place
    expect(out).to.deep.equal(before)
    expect(out.nodes[0].src.file).to.equal(file)
  })

  it('detach of a bare string is that string', function () {
    const s = lineViews('  a line that is longer than thirteen characters\n  b\n')[0]
    expect(detach(s)).to.equal('a line that is longer than thirteen characters')
  })
})

describe('copiesOf and detachJoined', function () {
  it('copiesOf gives the same strings, for any lines (empty, one, with newlines of their own)', function () {
    fc.assert(fc.property(fc.array(fc.string({maxLength: 40})), (views) => {
      expect(copiesOf(views)).to.deep.equal(views)
    }), {numRuns: 2000})
  })

  it('detachJoined leaves every value as it was: strings at any depth, arrays, numbers, the file name', function () {
    const text = `time=x level=error msg="map is full" subsys=datapath\n${'filler line\n'.repeat(50)}`
    const [line] = lineViews(text)
    const value = {file: 'a/cilium-agent.log', entries: [{msg: line.slice(20, 33), src: {file: 'a/cilium-agent.log', line: 1, text: line}, n: 3}], levels: {error: 1}, tags: [line, 'short']}
    const expected = JSON.parse(JSON.stringify(value)) as unknown
    expect(detachJoined(value, 'a/cilium-agent.log')).to.equal(value)
    expect(value).to.deep.equal(expected)
    expect(detach(structuredClone(value), 'a/cilium-agent.log')).to.deep.equal(expected)
  })
})
