import {expect} from 'chai'
import {join} from 'node:path'
import {parse} from 'yaml'
import {cli} from '../helpers/cli.js'
import {FIXTURES_DIR} from '../helpers/reference.js'

const LB4 = join(FIXTURES_DIR, 'synthetic-lb4-pressure')

describe('ciltune alerts (the built CLI)', function () {
  this.timeout(120_000)

  it('prints a PrometheusRule by default and a plain rule file with -o rules, and says on stderr what it left out', async () => {
    const pr = await cli(['alerts', '--from', LB4])
    expect(pr.code, pr.stderr).to.equal(0)
    const doc = parse(pr.stdout) as {kind: string, spec: {groups: Array<{name: string}>}}
    expect(doc.kind).to.equal('PrometheusRule')
    expect(doc.spec.groups.map((g) => g.name)).to.include.members(['ciltune-cilium-bpf-maps', 'ciltune-cilium-drops', 'ciltune-cilium-health'])
    expect(pr.stderr).to.match(/^ciltune: \d+ alerts in 5 groups from files .*; encryption none \(agent status "Encryption: Disabled"\): no encryption alerts\n$/)
    const rules = await cli(['alerts', '--from', LB4, '-o', 'rules'])
    expect(rules.code, rules.stderr).to.equal(0)
    expect(Object.keys(parse(rules.stdout) as object)).to.deep.equal(['groups'])
  })

  it('bad input is one line and exit 2', async () => {
    const r = await cli(['alerts', '--from', join(FIXTURES_DIR, 'no-such-capture')])
    expect(r.code).to.equal(2)
    expect(r.stderr.trim().split('\n')).to.have.length(1)
    expect(r.stderr).to.match(/^ciltune: .*no-such-capture/)
    const bad = await cli(['alerts', '--from', LB4, '-o', 'json'])
    expect(bad.code).to.equal(2)
    expect(bad.stderr).to.match(/prometheusrule, rules/)
  })
})
