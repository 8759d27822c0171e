import {expect} from 'chai'
import type {Agent, Snapshot} from '../../src/snapshot/schema.js'
import {declared, runRule} from '../../src/rules/engine.js'
import type {Finding, HelmSuggestion, Rule, RuleOutcome, Severity} from '../../src/rules/types.js'

/*
 * The one rule tester, in the style of ESLint's RuleTester: a rule's test is a table of cases, evidence in and
 * findings out. `valid` cases must pass; `invalid` cases must fire exactly the listed messageIds, in order, and
 * each `expect` object must match one of the findings; `notEvaluated` cases must say why they could not run.
 */

export interface Expected {
  messageId?: string
  count?: number // number of findings
  severity?: Severity
  agents?: string[] // exact, order-insensitive
  message?: RegExp // the measured facts in the text (numbers, names); the kind of finding is its messageId
  evidence?: {text?: RegExp | string, line?: number}
  helm?: Partial<HelmSuggestion> & {path: string}
  noHelm?: boolean
  fix?: RegExp
}

type Check = (findings: Finding[], outcome: RuleOutcome) => void

export interface Case {
  name: string
  snapshot?: Snapshot
  snap?: () => Snapshot
  version?: string
  /** Facts to match (objects), or a function for what a table cannot say. */
  expect?: Expected | Expected[] | Check
}
export interface InvalidCase extends Case {
  /** The messageIds of the findings, in the order the rule reports them. */
  messageIds: string[]
}

function matches(f: Finding, e: Expected): string[] {
  const bad: string[] = []
  if (e.messageId && f.messageId !== e.messageId) bad.push(`messageId ${f.messageId} ≠ ${e.messageId}`)
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
  if (e.helm) bad.push(...helmProblems(f, e.helm))
  if (e.noHelm && f.helm.length > 0) bad.push(`unexpected helm ${JSON.stringify(f.helm)}`)
  return bad
}

function helmProblems(f: Finding, want: Partial<HelmSuggestion> & {path: string}): string[] {
  const h = f.helm.find((x) => x.path === want.path)
  if (!h) return [`no helm ${want.path} in ${JSON.stringify(f.helm)}`]
  const bad: string[] = []
  if ('value' in want && h.value !== want.value) bad.push(`helm ${want.path}=${JSON.stringify(h.value)} ≠ ${JSON.stringify(want.value)}`)
  if (want.cost !== undefined && h.cost !== want.cost) bad.push(`helm cost "${h.cost}" ≠ "${want.cost}"`)
  if (want.prerequisites && JSON.stringify(h.prerequisites) !== JSON.stringify(want.prerequisites)) bad.push(`helm prerequisites ${JSON.stringify(h.prerequisites)}`)
  return bad
}

function run(rule: Rule, c: Case) {
  const snapshot = c.snapshot ?? c.snap?.()
  if (!snapshot) throw new Error(`case ${c.name}: give snapshot or snap`)
  return runRule(rule, snapshot, c.version)
}

function checkExpected(c: Case, findings: Finding[], outcome: RuleOutcome): void {
  if (typeof c.expect === 'function') return c.expect(findings, outcome)
  if (!c.expect) return
  const wants = Array.isArray(c.expect) ? c.expect : [c.expect]
  if (wants[0]?.count !== undefined) expect(findings, JSON.stringify(findings, null, 1)).to.have.length(wants[0].count)
  for (const w of wants) {
    const problems = findings.map((f) => matches(f, w))
    if (!problems.some((p) => p.length === 0)) {
      expect.fail(`no finding matches ${JSON.stringify(w, (_k, v) => (v instanceof RegExp ? String(v) : v))}: ${problems.map((p) => p.join('; ')).join(' | ')}`)
    }
  }
}

export interface Cases {
  valid: Case[]
  invalid: InvalidCase[]
  notEvaluated?: Case[]
  /** Every message states what was measured (the capacity rules). */
  messagesCarryNumbers?: boolean
}

export function ruleTester(rule: Rule, cases: Cases): void {
  describe(`rule ${rule.meta.id}`, () => {
    it('has a consistent meta block', () => {
      expect(rule.meta.id).to.match(/^[a-z0-9-]+$/)
      expect(rule.meta.needs.length).to.be.greaterThan(0)
      expect(rule.meta.sources.length).to.be.greaterThan(0)
      expect(Object.keys(rule.meta.messages).length).to.be.greaterThan(0)
      for (const id of Object.keys(rule.meta.messages)) expect(id).to.match(/^[a-z][a-z0-9-]*\*?$/)
      for (const s of rule.meta.sources) expect(s).to.match(/^https:\/\//)
    })
    it('every declared messageId is exercised by an invalid case', () => {
      const used = new Set(cases.invalid.flatMap((c) => c.messageIds))
      const unused = Object.keys(rule.meta.messages).filter((id) => ![...used].some((u) => declared({[id]: ''}, u)))
      expect(unused, 'messageIds without a test case').to.deep.equal([])
    })
    for (const c of cases.valid) {
      it(`valid: ${c.name}`, () => {
        const r = run(rule, c)
        expect(r.outcome.result, `${JSON.stringify(r.findings)} ${r.outcome.reason ?? ''}`).to.equal('passed')
        expect(r.findings).to.deep.equal([])
        checkExpected(c, r.findings, r.outcome)
      })
    }
    for (const c of cases.invalid) {
      it(`invalid: ${c.name}`, () => {
        const r = run(rule, c)
        expect(r.outcome.result, r.outcome.reason).to.equal('fired')
        if (process.env.RECORD_MESSAGE_IDS) console.log(`RECORD\t${rule.meta.id}\t${c.name}\t${JSON.stringify(r.findings.map((f) => f.messageId))}`)
        expect(r.findings.map((f) => f.messageId), 'messageIds').to.deep.equal(c.messageIds)
        for (const f of r.findings) {
          expect(f.id).to.equal(rule.meta.id)
          expect(f.message.length).to.be.greaterThan(10)
          if (cases.messagesCarryNumbers) expect(f.message).to.match(/\d/)
        }
        checkExpected(c, r.findings, r.outcome)
      })
    }
    for (const c of cases.notEvaluated ?? []) {
      it(`not evaluated: ${c.name}`, () => {
        const r = run(rule, c)
        expect(r.findings).to.deep.equal([])
        expect(r.outcome.result).to.equal('not-evaluated')
        expect(r.outcome.reason).to.be.a('string').and.not.equal('')
        expect(r.outcome.reason ?? '').not.to.match(/^rule error/)
        checkExpected(c, r.findings, r.outcome)
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
