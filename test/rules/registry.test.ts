import assert from 'node:assert/strict'
import {readdirSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {RULES, type RuleId} from '../../rules/index.js'
import {loadRules} from '../../src/rules/engine.js'

const rulesDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'rules')

// compile-time: RuleId is the union of the registered ids, so a misspelt id does not type-check
const known: RuleId = 'bpf-map-pressure'
// @ts-expect-error not a rule id
const unknown: RuleId = 'bpf-map-presure'

describe('rule registry (rules/index.ts)', () => {
  it('lists every rule file in rules/ exactly once, each under its file name', () => {
    const files = readdirSync(rulesDir)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.startsWith('_') && f !== 'index.ts')
      .map((f) => f.replace(/\.ts$/, ''))
      .sort()
    const ids = RULES.map((r) => r.meta.id as string).sort()
    assert.deepEqual(ids, files, 'a rule file is missing from rules/index.ts (or registered twice)')
  })

  it('is what the engine runs', async () => {
    const rules = await loadRules()
    assert.equal(rules.length, RULES.length)
    assert.ok(rules.some((r) => r.meta.id === known))
    assert.ok(!rules.some((r) => r.meta.id === unknown))
  })
})
