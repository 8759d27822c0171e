import {expect} from 'chai'
import fc from 'fast-check'
import {parseJsonWithLines} from '../../src/parse/json-lines.js'

describe('parseJsonWithLines', function () {
  it('gives the same value as JSON.parse for any JSON, compact or indented', function () {
    fc.assert(fc.property(fc.jsonValue(), fc.constantFrom(0, 2, 4, '\t'), (v, indent) => {
      const text = JSON.stringify(v, null, indent)
      expect(parseJsonWithLines(text).value).to.deep.equal(JSON.parse(text))
    }), {numRuns: 300})
  })

  it('accepts exactly what JSON.parse accepts', function () {
    const odd = fc.constantFrom('"a\\tb"', '"a\tb"', '"\\x"', '01', '-', '1.', '.5', '[1,]', '{"a":1,}', ' {} ', '"\\u00e9"', '"\u0001"')
    fc.assert(fc.property(fc.oneof(fc.string(), fc.string().map((s) => `"${s}"`), odd, fc.json().map((j) => j.slice(0, Math.max(0, j.length - 1)))), (text) => {
      let native = true
      try {
        JSON.parse(text)
      } catch {
        native = false
      }
      let ours = true
      try {
        parseJsonWithLines(text)
      } catch (e) {
        expect(e).to.be.instanceOf(SyntaxError)
        ours = false
      }
      expect(ours).to.equal(native)
    }), {numRuns: 500})
  })

  it('lines of keys and array items; escapes and __proto__ keys are plain data', function () {
    const text = '{\n  "a": {\n    "b": [\n      1,\n      {"c": "x\\"y\\n"}\n    ]\n  },\n  "__proto__": {"polluted": true}\n}'
    const r = parseJsonWithLines(text)
    expect(r.lineOf(['a'])).to.equal(2)
    expect(r.lineOf(['a', 'b'])).to.equal(3)
    expect(r.lineOf(['a', 'b', 1])).to.equal(5)
    expect(r.lineOf(['a', 'b', 1, 'c'])).to.equal(5)
    expect(r.lineOf(['a', 'b', 2])).to.equal(0)
    expect(r.lineOf(['zz'])).to.equal(0)
    expect(((r.value as any).a.b[1]).c).to.equal('x"y\n')
    expect(Object.keys(r.value as object)).to.deep.equal(['a', '__proto__'])
    expect(({} as any).polluted).to.equal(undefined)
  })
})
