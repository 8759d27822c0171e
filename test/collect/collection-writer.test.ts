import {expect} from 'chai'
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {emptyCollected} from '../../src/ingest/evidence.js'
import {parse as parseYaml, stringify} from 'yaml'
import {CollectionWriter, listYaml, prepareCollectionDir} from '../../src/collect/write-dir.js'
import {FIXTURES_DIR as FIXTURES} from '../helpers/reference.js'

describe('CollectionWriter (collect writes as it reads)', () => {
  let dir: string
  beforeEach(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'ciltune-writer-')), 'capture')
    prepareCollectionDir(dir)
  })
  afterEach(() => rmSync(join(dir, '..'), {recursive: true, force: true}))

  it('puts each output on disk the moment it is added, redacted and owner-only', () => {
    const w = new CollectionWriter(dir)
    w.add({path: 'pod/cilium-a1: cilium-dbg status --verbose', text: 'KVStore: Ok\nCilium: Ok 1.18.1\n', agent: 'cilium-a1', kind: 'status-text'})
    const status = join(dir, 'cilium-a1', 'status.txt')
    expect(readFileSync(status, 'utf8'), 'written before the collection ends').to.equal('KVStore: Ok\nCilium: Ok 1.18.1\n')
    expect(statSync(status).mode & 0o777).to.equal(0o600)
    w.add({path: 'pod/cilium-a1: logs', text: 'level=info msg="x" token=abcdef0123456789abcdef\n', agent: 'cilium-a1', kind: 'agent-log'})
    const log = readFileSync(join(dir, 'cilium-a1', 'cilium-agent.log'), 'utf8')
    expect(log).to.not.include('abcdef0123456789abcdef')
  })

  it('gives every agent a folder and writes the errors handed to it with the collection\'s own', () => {
    const w = new CollectionWriter(dir)
    w.agentError('cilium-b2', {command: 'cilium-dbg status --verbose', kind: 'timeout', message: 'timed out after 30 s'})
    w.skip('pod/cilium-a1: cilium-dbg map list', 'the command printed nothing')
    const c = emptyCollected('live', 'https://127.0.0.1:6443')
    c.agents.push('cilium-a1', 'cilium-b2')
    c.clusterErrors.push({command: 'list nodes', kind: 'forbidden', message: 'nodes is forbidden'})
    const written = w.finish(c)
    expect(written).to.deep.equal(['collection-errors.json'])
    expect(readdirSync(dir).sort()).to.deep.equal(['cilium-a1', 'cilium-b2', 'collection-errors.json'])
    const errors = JSON.parse(readFileSync(join(dir, 'collection-errors.json'), 'utf8')) as {agents: Record<string, Array<{kind: string}>>, cluster: unknown[], skipped: unknown[]}
    expect(Object.keys(errors.agents)).to.deep.equal(['cilium-b2'])
    expect(errors.agents['cilium-b2'][0].kind).to.equal('timeout')
    expect(errors.cluster).to.have.length(1)
    expect(errors.skipped).to.have.length(1)
    expect(c.agentErrors['cilium-b2'], 'the caller\'s summary counts what the sink received').to.have.length(1)
    expect(existsSync(join(dir, 'cilium-b2', 'status.txt'))).to.equal(false)
  })
})

describe('listYaml (a Kubernetes list as YAML, one item at a time)', () => {
  it('writes the text the yaml library writes for the whole list', () => {
    const docs: Array<Record<string, unknown> & {items: unknown[]}> = [
      {apiVersion: 'v1', items: [
        {metadata: {name: 'a', labels: {'x': '1', 'k8s.io/y': 'true'}}, spec: {list: [1, 2, [3]], e: [], o: {}, n: null}},
        {metadata: {name: 'b'}, status: {s: 'multi\n\nline\n', q: 'a: b', t: '  lead', num: '007'}},
        {},
      ], kind: 'NodeList', metadata: {resourceVersion: '5'}},
      {kind: 'List', items: []},
    ]
    for (const d of readdirSync(FIXTURES)) {
      for (const f of ['nodes.yaml', 'pods.yaml']) {
        const path = join(FIXTURES, d, f)
        if (existsSync(path)) docs.push(parseYaml(readFileSync(path, 'utf8')) as Record<string, unknown> & {items: unknown[]})
      }
    }
    const lists = docs.filter((d) => Array.isArray(d?.items))
    expect(lists.length).to.be.greaterThan(4)
    for (const d of lists) expect(listYaml(d)).to.equal(stringify(d, {lineWidth: 0}))
  })
})
