import {expect} from 'chai'
import rule from '../../rules/no-evidence.js'
import {notRecognized} from '../../src/ingest/evidence.js'
import {runRule} from '../../src/rules/engine.js'
import type {Snapshot} from '../../src/snapshot/schema.js'
import {agent, snapshot, status} from '../helpers/snapshot.js'

/* A table like the rule tester's; this rule needs no evidence kind, which the rule tester's meta check refuses. */

const skipped = (...files: Array<[string, string]>): Snapshot => {
  const s = snapshot()
  s.skipped = files.map(([path, text]) => ({path, reason: notRecognized(text)}))
  return s
}

const cases: Array<{name: string, snap: Snapshot, want?: {messageId: string, severity: string, text?: string}}> = [
  {name: 'a status was read: silent', snap: snapshot({agents: [agent('cilium-a', {status: status({})})]})},
  {name: 'a multi-line file nobody reads: the high alarm', snap: skipped(['notes.txt', 'first thought\nsecond thought\n']), want: {messageId: 'nothing-recognized', severity: 'high'}},
  {name: 'one pasted line nobody reads: not understood, quoted, info (neither a high alarm nor passed)',
    snap: skipped(['paste.txt', '\n  Is the agent running?\n']), want: {messageId: 'line-not-understood', severity: 'info', text: 'Is the agent running?'}},
  {name: 'a single line among other unread files: still the general alarm',
    snap: skipped(['paste.txt', 'Is the agent running?'], ['notes.txt', 'a\nb\n']), want: {messageId: 'nothing-recognized', severity: 'high'}},
  {name: 'no files at all', snap: snapshot(), want: {messageId: 'no-files', severity: 'high'}},
]

describe('rule no-evidence', function () {
  for (const c of cases) {
    it(c.name, function () {
      const {findings} = runRule(rule, c.snap)
      if (!c.want) return expect(findings).to.deep.equal([])
      expect(findings).to.have.length(1)
      expect(findings[0].messageId).to.equal(c.want.messageId)
      expect(findings[0].severity).to.equal(c.want.severity)
      if (c.want.text) expect(findings[0].evidence[0].text).to.equal(c.want.text)
    })
  }
})
