import {expect} from 'chai'
import {cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gatherSnapshot} from '../../src/actions/doctor.js'
import {FIXTURES_DIR} from '../helpers/reference.js'

/*
 * Kubernetes lists that cannot be read (a capture cut in the middle, an alias bomb) are errors naming the
 * file and line, never "no nodes" or "no pods", which the rules would take for a cluster without them.
 * Found by the fuzz test (test/fuzz): a broken nodes.yaml made the node-based findings vanish silently.
 */

const BOMB = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...'bcdefghi'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`)].join('\n')

describe('unreadable Kubernetes lists in a capture', function () {
  this.timeout(30_000)
  let dir: string
  beforeEach(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'ciltune-lists-')), 'capture')
    cpSync(join(FIXTURES_DIR, 'synthetic-bpf-host-routing'), dir, {recursive: true})
  })
  afterEach(() => rmSync(join(dir, '..'), {recursive: true, force: true}))

  it('a nodes.yaml broken in the middle: an error naming its line, not an empty node list', async () => {
    const lines = readFileSync(join(dir, 'nodes.yaml'), 'utf8').split('\n')
    lines.splice(40, 0, 'deep: [[[[')
    writeFileSync(join(dir, 'nodes.yaml'), lines.join('\n'))
    const snap = await gatherSnapshot({from: dir})
    expect(snap.cluster.nodes ?? []).to.deep.equal([])
    const err = snap.cluster.errors.find((e) => e.command.endsWith('nodes.yaml'))
    expect(err?.kind).to.equal('unparsable')
    expect(err?.message).to.match(/nodes\.yaml: line \d+: not valid YAML/)
  })

  it('a pods.yaml with an alias bomb: an error, and the bomb is not expanded', async () => {
    const text = readFileSync(join(dir, 'pods.yaml'), 'utf8')
    writeFileSync(join(dir, 'pods.yaml'), `${BOMB}\n${text}`)
    const snap = await gatherSnapshot({from: dir})
    const err = snap.cluster.errors.find((e) => e.command.endsWith('pods.yaml'))
    expect(err?.message).to.match(/pods\.yaml: .*alias/i)
  })

  it('a CiliumEndpointList whose items are an alias bomb: an error, not 9^9 endpoints counted', async () => {
    writeFileSync(join(dir, 'ciliumendpoints.yaml'), `apiVersion: v1\nkind: CiliumEndpointList\n${BOMB}\nitems: *i\n`)
    const snap = await gatherSnapshot({from: dir})
    expect(snap.cluster.counts?.ciliumEndpoints).to.equal(undefined)
    expect(snap.cluster.errors.find((e) => e.command.endsWith('ciliumendpoints.yaml'))?.message).to.match(/alias/i)
  })
})
