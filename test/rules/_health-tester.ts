import {expect} from 'chai'
import type {Agent, Snapshot} from '../../src/snapshot/schema.js'
import {runRule} from '../../src/rules/engine.js'
import type {Finding, HelmSuggestion, Rule, Severity} from '../../src/rules/types.js'

/*
 * Table-driven rule tests in the ESLint RuleTester spirit: `valid` snapshots must not fire,
 * `invalid` ones must fire with the stated facts, `notEvaluated` ones must report "not evaluated".
 */

export interface Expected {
  count?: number // number of findings (default: at least one)
  severity?: Severity // of the first matching finding (or every finding when `all`)
  agents?: string[] // exact, order-insensitive
  message?: RegExp
  evidence?: {text?: RegExp | string, line?: number}
  helm?: Partial<HelmSuggestion> & {path: string}
  noHelm?: boolean
  fix?: RegExp
}

export interface Case {name: string, snapshot: Snapshot, version?: string}
export interface InvalidCase extends Case {expect: Expected | Expected[]}

function matches(f: Finding, e: Expected): string[] {
  const bad: string[] = []
  if (e.severity && f.severity !== e.severity) bad.push(`severity ${f.severity} ≠ ${e.severity}`)
  if (e.agents && JSON.stringify([...f.agents].sort()) !== JSON.stringify([...e.agents].sort())) bad.push(`agents ${JSON.stringify(f.agents)} ≠ ${JSON.stringify(e.agents)}`)
  if (e.message && !e.message.test(f.message)) bad.push(`message "${f.message}" !~ ${e.message}`)
  if (e.fix && !(f.fix && e.fix.test(f.fix))) bad.push(`fix "${f.fix}" !~ ${e.fix}`)
  if (e.evidence) {
    const want = e.evidence
    const ok = f.evidence.some((x) => (want.line === undefined || x.line === want.line) &&
      (want.text === undefined || (typeof want.text === 'string' ? x.text === want.text : want.text.test(x.text))))
    if (!ok) bad.push(`no evidence ${String(want.text)}@${want.line} in ${JSON.stringify(f.evidence)}`)
  }
  if (e.helm) {
    const want = e.helm
    const h = f.helm.find((x) => x.path === want.path)
    if (!h) bad.push(`no helm ${want.path} in ${JSON.stringify(f.helm)}`)
    else {
      if ('value' in want && h.value !== want.value) bad.push(`helm ${want.path}=${JSON.stringify(h.value)} ≠ ${JSON.stringify(want.value)}`)
      if (want.cost !== undefined && h.cost !== want.cost) bad.push(`helm cost "${h.cost}" ≠ "${want.cost}"`)
      if (want.prerequisites && JSON.stringify(h.prerequisites) !== JSON.stringify(want.prerequisites)) bad.push(`helm prerequisites ${JSON.stringify(h.prerequisites)}`)
    }
  }
  if (e.noHelm && f.helm.length > 0) bad.push(`unexpected helm ${JSON.stringify(f.helm)}`)
  return bad
}

export function ruleTester(rule: Rule, cases: {valid: Case[], invalid: InvalidCase[], notEvaluated?: Case[]}): void {
  describe(`rule ${rule.meta.id}`, () => {
    it('has a consistent meta block', () => {
      expect(rule.meta.id).to.match(/^[a-z0-9-]+$/)
      expect(rule.meta.needs.length).to.be.greaterThan(0)
      expect(rule.meta.sources.length).to.be.greaterThan(0)
      expect(rule.meta.catalog).to.be.an('array')
      for (const c of rule.meta.catalog) expect(c).to.match(/^R-[A-Z]+-\d+$/)
    })
    for (const c of cases.valid) {
      it(`valid: ${c.name}`, () => {
        const r = runRule(rule, c.snapshot, c.version)
        expect(r.outcome.result, `${JSON.stringify(r.findings)} ${r.outcome.reason ?? ''}`).to.equal('passed')
        expect(r.findings).to.deep.equal([])
      })
    }
    for (const c of cases.invalid) {
      it(`invalid: ${c.name}`, () => {
        const r = runRule(rule, c.snapshot, c.version)
        expect(r.outcome.result, r.outcome.reason).to.equal('fired')
        const wants = Array.isArray(c.expect) ? c.expect : [c.expect]
        const first = wants[0]
        if (first.count !== undefined) expect(r.findings, JSON.stringify(r.findings, null, 1)).to.have.length(first.count)
        for (const w of wants) {
          const problems = r.findings.map((f) => matches(f, w))
          if (!problems.some((p) => p.length === 0)) {
            expect.fail(`no finding matches ${JSON.stringify(w, (_k, v) => (v instanceof RegExp ? String(v) : v))}: ${problems.map((p) => p.join('; ')).join(' | ')}`)
          }
        }
        for (const f of r.findings) expect(f.message.length).to.be.greaterThan(10)
      })
    }
    for (const c of cases.notEvaluated ?? []) {
      it(`not evaluated: ${c.name}`, () => {
        const r = runRule(rule, c.snapshot, c.version)
        expect(r.outcome.result).to.equal('not-evaluated')
        expect(r.outcome.reason).to.be.a('string').and.not.equal('')
        expect(r.outcome.reason ?? '').not.to.match(/^rule error/)
      })
    }
  })
}

/** An agent whose status (and optionally service list) is parsed from a real sample in ../shared/reference (read in place). */
export async function referenceAgent(name: string, files: {status?: string, services?: string}): Promise<Agent> {
  const {readReference} = await import('../helpers/reference.js')
  const {parseStatusText} = await import('../../src/parse/status-text.js')
  const {parseServiceList} = await import('../../src/parse/service-list.js')
  const a: Agent = {name, logs: [], errors: []}
  if (files.status) a.status = parseStatusText(readReference(files.status), files.status)
  if (files.services) a.services = parseServiceList(readReference(files.services), files.services)
  return a
}
