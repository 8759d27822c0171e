import {expect} from 'chai'
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {buildSnapshot} from '../../src/ingest/build.js'
import {collectFromPath} from '../../src/ingest/from-path.js'
import {loadRules, runRules} from '../../src/rules/engine.js'
import type {Snapshot} from '../../src/snapshot/schema.js'
import {FIXTURES_DIR, REFERENCE_DIR} from '../helpers/reference.js'

/*
 * Honest partial input: a capture cut before its end is read as far as it is valid, said to be cut (an error of
 * kind "truncated" naming the file and line), and a key or section missing only because of the cut is never a
 * finding: the rule that would have judged it is "not evaluated" with the cut as its reason. The fixtures are cut
 * copies of other fixtures (fixtures/partial/INDEX.md).
 */

interface Case {
  file: string
  /** the last line read as valid */
  line: number
  /** every finding, as rule/messageId */
  findings: string[]
  /** rules that must say the cut kept them from judging */
  notJudged?: string[]
  /** what must still have been read */
  check?: (s: Snapshot) => void
}

const CASES: Case[] = [
  {
    file: 'cilium-config-cut-mid-data.yaml', line: 40, findings: ['agent-unreachable/incomplete'],
    // whole, this ConfigMap has kube-proxy-replacement "true" and CES on: "unset (default false)" would be invented
    notJudged: ['kpr-disabled', 'endpoint-slice-off'],
    check: (s) => {
      expect(s.cluster.config?.data['bpf-map-dynamic-size-ratio']?.value).to.equal('0.0025')
      expect(s.cluster.config?.data['kube-proxy-replacement']).to.equal(undefined)
      expect(s.cluster.config?.truncation?.after).to.deep.equal(['data', 'enable-bbr-hostns-only'])
    },
  },
  {
    file: 'cilium-config-cut-in-metadata.yaml', line: 151, findings: ['agent-unreachable/incomplete'],
    // every data key was read: the rules judge as on the whole file (and pass)
    check: (s) => expect(s.cluster.config?.data['kube-proxy-replacement']?.value).to.equal('true'),
  },
  {
    file: 'helm-values-cut-sorted.yaml', line: 22, findings: ['agent-unreachable/incomplete'],
    notJudged: ['kpr-disabled'],
    check: (s) => {
      // the half-written address is not read as a value
      expect(s.cluster.helm?.values.k8sServiceHost).to.equal(undefined)
      expect(s.cluster.helm?.truncation?.after).to.deep.equal(['ipv4NativeRoutingCIDR'])
    },
  },
  {
    // a hand-written file is not in sorted order: k8sServiceHost may follow the cut, so KPR on is not "without it"
    file: 'helm-values-cut-unsorted.yaml', line: 3, findings: ['agent-unreachable/incomplete'], notJudged: ['configured-risks'],
    check: (s) => {
      expect(s.cluster.helm?.values.kubeProxyReplacement).to.equal(true)
      expect(s.cluster.helm?.truncation?.after).to.equal(undefined)
    },
  },
  {
    file: 'nodes-cut-mid-list.yaml', line: 120, findings: ['agent-unreachable/incomplete'],
    check: (s) => expect(s.cluster.nodes?.map((n) => n.name)).to.deep.equal(['mesa-cp-1', 'mesa-wk-1']),
  },
  {
    // "Cluster health:   3" is not a health daemon in trouble
    file: 'status-cut-health-summary.txt', line: 128, findings: ['agent-unreachable/incomplete'], notJudged: [],
    check: (s) => {
      expect(s.agents[0].status?.clusterHealth).to.equal(undefined)
      expect(s.agents[0].status?.bpfMaps?.maps.length).to.be.greaterThan(5)
    },
  },
  {
    // the local node shown without its probe results is not an unreachable node: its block is not read
    file: 'status-cut-mid-health.txt', line: 130, findings: ['agent-unreachable/incomplete'],
    check: (s) => expect(s.agents[0].status?.clusterHealth?.text).to.match(/^3\/3 reachable/),
  },
  {
    file: 'status-cut-mid-controllers.txt', line: 44, findings: ['agent-unreachable/incomplete'],
    check: (s) => {
      // the summary line before the table stands; no row is failing
      expect(s.agents[0].status?.controllers?.total).to.equal(46)
      expect(s.agents[0].status?.controllers?.rows).to.deep.equal([])
      expect(s.agents[0].status?.clusterHealth).to.equal(undefined)
    },
  },
  {
    file: 'cilium-agent-cut-mid-line.log', line: 5, findings: ['agent-unreachable/incomplete'],
    check: (s) => expect(s.agents[0].logs[0].lines).to.equal(5),
  },
]

function read(path: string) {
  return buildSnapshot(collectFromPath(path))
}

describe('captures cut before their end (fixtures/partial)', function () {
  this.timeout(30_000)
  for (const c of CASES) {
    it(c.file, async () => {
      const snap = read(join(FIXTURES_DIR, 'partial', c.file))
      const errors = [...snap.cluster.errors, ...snap.agents.flatMap((a) => a.errors)]
      const cut = errors.find((e) => e.kind === 'truncated')
      expect(cut?.message, JSON.stringify(errors)).to.match(new RegExp(`${c.file.replace(/\./g, '\\.')}: cut at line ${c.line}: `))
      const {findings, outcomes} = runRules(await loadRules(), snap)
      expect(findings.map((f) => `${f.id}/${f.messageId}`).sort()).to.deep.equal([...c.findings].sort())
      for (const id of c.notJudged ?? []) {
        const o = outcomes.find((x) => x.id === id)
        expect(o?.result, id).to.equal('not-evaluated')
        expect(o?.reason, id).to.match(/was cut at line|were cut at line/)
      }
      c.check?.(snap)
    })
  }

  it('every fixture in fixtures/partial is listed in its INDEX.md and has a case here', () => {
    const index = readFileSync(join(FIXTURES_DIR, 'partial', 'INDEX.md'), 'utf8')
    for (const c of CASES) expect(index).to.include(`| ${c.file} |`)
    const listed = [...index.matchAll(/^\| ([\w.-]+\.(?:yaml|json|txt|log)) \|/gm)].map((m) => m[1])
    expect(listed.sort()).to.deep.equal(CASES.map((c) => c.file).sort())
  })
})

describe('the released chart values.yaml cut in memory', function () {
  const file = join(REFERENCE_DIR, 'helm', 'cilium-1.19.6', 'values.yaml')
  before(function () {
    if (!existsSync(file)) {
      console.log(`      skipped: ${file} not present (../shared/reference)`)
      this.skip()
    }
  })

  it('is read up to the cut, and without sorted order no missing key counts as absent', async () => {
    const {mkdtempSync, writeFileSync, rmSync} = await import('node:fs')
    const {tmpdir} = await import('node:os')
    const text = readFileSync(file, 'utf8')
    const at = text.indexOf('\nkubeProxyReplacement:')
    expect(at).to.be.greaterThan(0)
    const dir = mkdtempSync(join(tmpdir(), 'ciltune-cut-'))
    try {
      // cut in the middle of the line after kubeProxyReplacement's comment block starts
      const cutText = text.slice(0, at + 12)
      const path = join(dir, 'values.yaml')
      writeFileSync(path, cutText)
      const snap = read(path)
      const helm = snap.cluster.helm
      expect(helm?.truncation?.line).to.equal(cutText.split('\n').length - 1)
      expect(helm?.truncation?.after).to.equal(undefined)
      expect(helm?.values.kubeProxyReplacement).to.equal(undefined)
      expect(Object.keys(helm?.values ?? {}).length).to.be.greaterThan(10)
      const {outcomes} = runRules(await loadRules(), snap)
      expect(outcomes.find((o) => o.id === 'configured-risks')?.result).to.not.equal('fired')
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })
})
