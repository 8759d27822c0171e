import {expect} from 'chai'
import {mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {basename, join} from 'node:path'
import {AGENT_COMMANDS, FEATURE_COMMANDS} from '../../src/collect/allowlist.js'
import {classify, confirmedByHead} from '../../src/ingest/classify.js'
import type {EvidenceKind} from '../../src/ingest/evidence.js'
import {collectFromPath} from '../../src/ingest/from-path.js'
import {kindSuggestedBy} from '../../src/ingest/name-hints.js'
import {FIXTURES_DIR, hasReference, REFERENCE_DIR} from '../helpers/reference.js'

/*
 * A file's name only orders the detectors: the kind it suggests is confirmed from the content first, and a
 * content that does not confirm it is classified as any file is. On every real sample and fixture, whatever
 * kind is suggested, the answer must be the one content alone gives.
 */

const HINTED: EvidenceKind[] = ['status-text', 'service-list', 'map-list', 'metrics', 'agent-log', 'encrypt-status', 'bgp-peers']

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e)
    return statSync(p).isDirectory() ? files(p) : [p]
  })
}

function texts(): Array<{path: string, text: string}> {
  const roots = [FIXTURES_DIR, ...(hasReference() ? [REFERENCE_DIR] : [])]
  return roots.flatMap(files).filter((p) => !/\.(zip|tgz|gz|md)$/.test(p)).map((path) => ({path, text: readFileSync(path, 'utf8')}))
}

describe('file names suggest a kind; content decides', function () {
  it('suggests the kind collect writes under each name, and nothing for other names', function () {
    for (const c of [...AGENT_COMMANDS, ...FEATURE_COMMANDS]) expect(kindSuggestedBy(c.file), c.file).to.equal(c.kind)
    expect(kindSuggestedBy('cilium-agent.log')).to.equal('agent-log')
    expect(kindSuggestedBy('cilium-agent-previous.log')).to.equal('agent-log')
    expect(kindSuggestedBy('metrics.prom')).to.equal('metrics')
    for (const other of ['nodes.yaml', 'status.out', 'cilium-config.yaml', 'collection-errors.json', 'status.txt.bak']) expect(kindSuggestedBy(other), other).to.equal(undefined)
  })

  it('gives every fixture and reference file the kind content alone gives, whatever kind its name suggests', function () {
    const all = texts()
    expect(all.length).to.be.greaterThan(100)
    let confirmed = 0
    for (const {path, text} of all) {
      const plain = classify(text)
      for (const k of HINTED) {
        const hinted = classify(text, k)
        expect(hinted, `${path} suggested as ${k}`).to.equal(plain)
        if (hinted === k) confirmed++
        // read from its first bytes only: what --from relies on to hand a status or service list over undecoded
        if (confirmedByHead(Buffer.from(text), k)) expect(plain, `${path} confirmed by its head as ${k}`).to.equal(k)
      }
    }
    // the suggestion is the answer for the files of those kinds: the shortcut is taken, not only harmless
    expect(confirmed).to.be.greaterThan(100)
  })

  it('reads a status saved under a service list\'s name as a status, and a log under a status name as a log', function () {
    const dir = mkdtempSync(join(tmpdir(), 'ciltune-hints-'))
    try {
      const agent = join(dir, 'cilium-abcde')
      mkdirSync(agent)
      const status = readFileSync(join(FIXTURES_DIR, 'synthetic-lb4-pressure', 'cilium-4kc6t', 'status.txt'), 'utf8')
      const log = readFileSync(join(FIXTURES_DIR, 'synthetic-lb4-pressure', 'cilium-4kc6t', 'cilium-agent.log'), 'utf8')
      writeFileSync(join(agent, 'service-list.txt'), status)
      writeFileSync(join(agent, 'status.txt'), log)
      const c = collectFromPath(dir)
      const kinds = Object.fromEntries(c.files.map((f) => [basename(f.path), f.kind]))
      expect(kinds).to.deep.equal({'service-list.txt': 'status-text', 'status.txt': 'agent-log'})
      // the same when each file goes to a sink as it is read (doctor --from), bytes or text
      const added: Record<string, string | undefined> = {}
      collectFromPath(dir, {add: (f) => void (added[basename(f.path)] = f.kind), skip: () => undefined})
      expect(added).to.deep.equal(kinds)
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })
})
