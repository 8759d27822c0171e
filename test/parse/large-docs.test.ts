import {expect} from 'chai'
import fc from 'fast-check'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {parseDocument, stringify} from 'yaml'
import {LazyJsonLines} from '../../src/parse/json-lazy-lines.js'
import {parseJsonWithLines} from '../../src/parse/json-lines.js'
import {LARGE_DOC, readGeneral, type PathSeg} from '../../src/parse/k8s-object.js'
import {parseNodes} from '../../src/parse/nodes.js'
import {readBlockYaml} from '../../src/parse/yaml-block.js'
import {filesUnder} from '../fuzz/inputs.js'
import {applyMutation, mutation} from '../fuzz/mutations.js'
import {FIXTURES_DIR, hasReference, REFERENCE_DIR} from '../helpers/reference.js'

/*
 * Large Kubernetes documents are read the fast way (native JSON.parse with lines found on demand; kubectl's
 * YAML by a line reader); small ones by the general readers. The fast readers must give the same values and
 * the same line of every key and item as the general ones, or give up so the general reader decides.
 */

const samples = (ext: RegExp) => [...filesUnder(FIXTURES_DIR), ...(hasReference() ? filesUnder(REFERENCE_DIR) : [])].filter((f) => ext.test(f))

/** Every path to a key or item in a value. */
function paths(v: unknown, at: PathSeg[] = [], out: PathSeg[][] = []): PathSeg[][] {
  const entries: Array<[PathSeg, unknown]> = Array.isArray(v) ? v.map((x, i) => [i, x]) : typeof v === 'object' && v !== null ? Object.entries(v) : []
  for (const [k, x] of entries) {
    out.push([...at, k])
    paths(x, [...at, k], out)
  }
  return out
}

/** The general readers' document (the yaml library's, not the line reader's), or undefined when it refuses the text. */
function general(text: string) {
  try {
    return readGeneral(text)
  } catch {
    return undefined
  }
}

function sameAsGeneral(text: string, where: string): boolean {
  const fast = readBlockYaml(text.split('\n'))
  if (!fast) return false
  const ref = general(text)
  expect(ref, `${where}: the line reader read a document the yaml library refuses`).to.not.equal(undefined)
  expect(fast.value, where).to.deep.equal(ref!.value)
  for (const p of paths(ref!.value)) expect(fast.lineOf(p), `${where} ${p.join('.')}`).to.equal(ref!.lineOf(p))
  return true
}

/** `kubectl get nodes -o yaml` of n nodes, from the scale fixture, with the image lists kubectl prints. */
function nodeListYaml(n: number): string {
  const list = parseDocument(readFileSync(join(FIXTURES_DIR, 'synthetic-scale-hygiene', 'nodes.yaml'), 'utf8')).toJS() as {items: Array<Record<string, any>>}
  const images = Array.from({length: 12}, (_, i) => ({names: [`registry.example.test/team/image-${i}:v1.${i}.0`], sizeBytes: 10_000_000 + i}))
  const items = Array.from({length: n}, (_, i) => {
    const node = structuredClone(list.items[i % list.items.length])
    node.metadata.name = `node-${i}`
    node.status.images = images
    return node
  })
  return stringify({...list, items}, {lineWidth: 0, aliasDuplicateObjects: false, indentSeq: false})
}

describe('large Kubernetes documents: the fast readers agree with the general ones', function () {
  this.timeout(120_000)

  it('kubectl-style YAML: the line reader gives the yaml library\'s value and lines, or gives up', () => {
    let read = 0
    const files = samples(/\.ya?ml$/)
    for (const f of files) if (sameAsGeneral(readFileSync(f, 'utf8'), f)) read++
    // every NodeList kubectl wrote in the fixtures is in the subset: the fast path is what big ones take
    for (const f of files.filter((x) => /\/nodes\.yaml$/.test(x))) expect(readBlockYaml(readFileSync(f, 'utf8').split('\n')), f).to.not.equal(undefined)
    expect(read).to.be.greaterThan(20)
  })

  it('mutated YAML samples: the line reader never reads a document differently from the yaml library', () => {
    const files = samples(/\/(nodes|pods|operator|cilium-config)\.yaml$/)
    fc.assert(fc.property(fc.nat({max: files.length - 1}), fc.array(mutation, {minLength: 1, maxLength: 2}), (i, ms) => {
      const text = ms.reduce<Buffer>((b, m) => applyMutation(b, m), readFileSync(files[i])).toString('utf8')
      if (text.length > 300_000) return // a huge long-line case costs the library seconds and adds nothing here
      sameAsGeneral(text, `${files[i]} ${JSON.stringify(ms).slice(0, 200)}`)
    }), {numRuns: 300, seed: 42})
  })

  it('the line reader leaves skipped keys out, and everything else as it was', () => {
    const text = nodeListYaml(3)
    const doc = readBlockYaml(text.split('\n'), new Set(['images']))!
    const ref = parseDocument(text).toJS() as {items: Array<{status: Record<string, unknown>}>}
    for (const item of ref.items) delete item.status.images
    expect(doc.value).to.deep.equal(ref)
  })

  it('JSON: lines found on demand are the lines the line-tracking reader records', () => {
    let checked = 0
    for (const f of samples(/\.json$/)) {
      const text = readFileSync(f, 'utf8')
      let ref
      try {
        ref = parseJsonWithLines(text)
      } catch {
        continue
      }
      const lazy = new LazyJsonLines(text)
      for (const p of paths(ref.value)) expect(lazy.lineOf(p), `${f} ${p.join('.')}`).to.equal(ref.lineOf(p))
      expect(lazy.lineOf(['no-such-key'])).to.equal(0)
      checked++
    }
    expect(checked).to.be.greaterThan(3)
  })

  it(`a NodeList over ${LARGE_DOC / 1024 / 1024} MiB reads as the general reader reads it, lines and quoted text included`, () => {
    const yaml = nodeListYaml(500)
    const small = nodeListYaml(3) // the same first three nodes on the same lines, below the large-document threshold
    expect(yaml.length).to.be.greaterThan(LARGE_DOC)
    expect(small.length).to.be.below(LARGE_DOC)
    for (const [big, head, file] of [[yaml, small, 'nodes.yaml'], [JSON.stringify(parseDocument(yaml).toJS(), null, 4), JSON.stringify(parseDocument(small).toJS(), null, 4), 'nodes.json']]) {
      const nodes = parseNodes(big, file)
      expect(nodes).to.have.length(500)
      expect(nodes.slice(0, 3), file).to.deep.equal(parseNodes(head, file))
      const lines = big.split('\n')
      for (const n of [nodes[199], nodes[499]]) {
        expect(lines[n.src.line - 1].trim().replace(/,$/, ''), file).to.be.oneOf([`name: ${n.name}`, `"name": "${n.name}"`])
        expect(n.src.text).to.equal(lines[n.src.line - 1].trim())
      }
    }
  })
})
