import {expect} from 'chai'
import {join} from 'node:path'
import {shippedCatalog, shippedDiff} from '../../src/cilium/charts/index.js'
import {runUpgradeCheck} from '../../src/actions/upgrade-check.js'
import type {Report} from '../../src/report/model.js'
import {leavesOf} from '../../src/upgrade/user-values.js'
import {targetOverlay} from '../../src/upgrade/whatif.js'
import {FIXTURES_DIR} from '../helpers/reference.js'
import {captureIo} from '../helpers/io.js'

describe('upgrade-check what-if: the values in force after helm upgrade with the same values file', () => {
  const cases = [
    {name: 'an unset key takes the new default', values: {}, has: {l2NeighDiscovery: {enabled: false}}},
    {name: 'a key the user set keeps the user\'s value', values: {l2NeighDiscovery: {enabled: true}}, lacks: 'l2NeighDiscovery'},
    {name: 'a removed key stops counting: its successor takes the target default', values: {enableCiliumEndpointSlice: true}, has: {ciliumEndpointSlice: {enabled: false}}},
    {name: 'a null new default (the chart decides) is not invented', values: {}, lacks: 'enableIPv4Masquerade'},
  ]
  for (const c of cases) {
    it(`1.17 → 1.18: ${c.name}`, async () => {
      const diff = (await shippedDiff('1.17', '1.18'))!
      const to = (await shippedCatalog('1.18'))!
      const overlay = targetOverlay(leavesOf(c.values, 'values.yaml'), diff, to)
      if (c.has) expect(overlay).to.deep.include(c.has)
      if (c.lacks) expect(overlay).to.not.have.property(c.lacks)
    })
  }

  it('a healthy cluster stays healthy: no predicted finding for synthetic-healthy', async () => {
    const io = captureIo()
    const code = await runUpgradeCheck({to: '1.19', from: join(FIXTURES_DIR, 'synthetic-healthy'), output: 'json', failOn: 'medium', color: false}, io)
    const report = JSON.parse(io.out) as Report
    expect(report.coverage.outcomes.find((o) => o.id === 'upgrade-whatif')).to.deep.equal({id: 'upgrade-whatif', result: 'passed'})
    expect(report.findings.filter((f) => f.id === 'upgrade-whatif')).to.deep.equal([])
    // only the path rules speak: the fixture runs 1.18.3, behind the newest 1.18 patch
    expect(report.findings.filter((f) => f.severity !== 'info').map((f) => f.messageId)).to.deep.equal(['latest-patch'])
    expect(code).to.equal(1)
  })
})
