import {expect} from 'chai'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {buildSnapshot} from '../../src/ingest/build.js'
import {collectFromPath} from '../../src/ingest/from-path.js'
import {loadRules, runRules} from '../../src/rules/engine.js'

/*
 * The corpus index is the table: one row per pasted sample with the findings an expert would give.
 * A finding is named rule[/messageId]@severity; the set given must equal the set expected.
 */

const DIR = join(import.meta.dirname, '..', '..', 'fixtures', 'corpus')
const ERROR_LINE = /level=(error|fatal|crit)\b|"level":"(error|fatal)"|\s(ERROR|FATAL)\s/i

interface Row {file: string, url: string, reading: string, expected: string[]}

function rows(): Row[] {
  return readFileSync(join(DIR, 'INDEX.md'), 'utf8').split('\n')
    .filter((l) => /^\| [^ |]+\.(txt|log|yaml|json|md|prom) \|/.test(l))
    .map((l) => {
      const [file, url, reading, expected] = l.split('|').slice(1, 5).map((c) => c.trim())
      return {file, url, reading, expected: expected === 'none' ? [] : expected.split(';').map((e) => e.trim())}
    })
}

function matches(spec: string, f: {id: string, messageId?: string, severity: string}): boolean {
  const [name, severity] = spec.split('@')
  const [id, messageId] = name.split('/')
  return f.id === id && f.severity === severity && (messageId === undefined || f.messageId === messageId)
}

describe('corpus: pasted public samples judged as an expert would', function () {
  const table = rows()

  it('the index lists at least the cases on disk, each with a public URL', function () {
    expect(table.length).to.be.greaterThan(0)
    for (const r of table) expect(r.url, r.file).to.match(/^https:\/\/(github\.com|docs\.cilium\.io)\//)
  })

  for (const r of table) {
    it(`${r.file}: ${r.reading}`, async function () {
      const snapshot = buildSnapshot(collectFromPath(join(DIR, r.file)))
      const {findings} = runRules(await loadRules(), snapshot)
      const given = findings.map((f) => `${f.id}${f.messageId ? `/${f.messageId}` : ''}@${f.severity}`)
      for (const spec of r.expected) expect(findings.some((f) => matches(spec, f)), `expected ${spec}, given ${given.join('; ')}`).to.equal(true)
      for (const f of findings) expect(r.expected.some((spec) => matches(spec, f)), `unexpected ${f.id}/${f.messageId}@${f.severity}`).to.equal(true)
      // a paste holding an error or fatal log line never ends in "No findings", unless the index names the
      // line benign (a message the log catalog claims and an expert reads past, such as a lease-update race)
      if (!/\bbenign\b/.test(r.reading) && ERROR_LINE.test(readFileSync(join(DIR, r.file), 'utf8'))) expect(findings, 'an error/fatal line with no finding').to.not.have.length(0)
    })
  }
})
