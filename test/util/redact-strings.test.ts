import {expect} from 'chai'
import {redactStrings, REDACTED} from '../../src/util/redact.js'

describe('redactStrings', () => {
  const secret = 'token=' + 'Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5d2FsZG8K'

  it('replaces secret-shaped runs at any depth and leaves the input as it was', () => {
    const input = {findings: [{evidence: [{text: `--${secret}`}, {text: 'plain line'}]}], n: 3, ok: true, none: null}
    const before = JSON.stringify(input)
    const out = redactStrings(input)
    expect(JSON.stringify(input), 'input unchanged').to.equal(before)
    expect(out.findings[0].evidence[0].text).to.include(REDACTED).and.not.include('Zm9vYmFy')
    expect(out.findings[0].evidence[1].text).to.equal('plain line')
    expect(out.n).to.equal(3)
    expect(out.ok).to.equal(true)
    expect(out.none).to.equal(null)
  })

  it('copies only the objects and arrays on the way to a changed string', () => {
    const clean = {evidence: [{text: 'a'}, {text: 'b'}]}
    const dirty = {evidence: [{text: secret}, {text: 'c'}]}
    const input = {findings: [clean, dirty], agents: [{name: 'x'}]}
    const out = redactStrings(input)
    expect(out, 'a changed string below: a new root').to.not.equal(input)
    expect(out.findings).to.not.equal(input.findings)
    expect(out.findings[0], 'nothing changed below: the same object').to.equal(clean)
    expect(out.agents).to.equal(input.agents)
    expect(out.findings[1]).to.not.equal(dirty)
    expect(out.findings[1].evidence[1], 'an unchanged sibling is shared').to.equal(dirty.evidence[1])
  })

  it('returns the very input when no string in it changes', () => {
    const input = {a: [{b: 'c'}, 'd', 1], e: {f: 'g'}}
    expect(redactStrings(input)).to.equal(input)
  })
})
