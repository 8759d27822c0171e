import {expect} from 'chai'
import rule from '../../rules/identity-limit.js'
import {agent, at, config, snapshot} from '../helpers/snapshot.js'
import {metrics, prometheus, trend} from './_builders.js'
import {ruleTester} from './_rule-tester.js'

const counts = (ciliumIdentities: number, ciliumEndpoints?: number) => ({ciliumIdentities, ...(ciliumEndpoints ? {ciliumEndpoints} : {}), src: at(`ciliumidentities: ${ciliumIdentities}`, 1, 'counts.txt')})

ruleTester(rule, {messagesCarryNumbers: true, 
  valid: [
    {name: '120 identities for 3000 endpoints', snap: () => snapshot({cluster: {counts: counts(120, 3000)}})},
    {name: 'borderline: 32000 identities is 49 % of 65280', snap: () => snapshot({cluster: {counts: counts(32000)}})},
    {name: 'many node-local identities do not count', snap: () => snapshot({agents: [agent('cilium-a', {metrics: metrics([['cilium_identity{type="node_local"}', 60000], ['cilium_identity{type="cluster_local"}', 40]])})]})},
    {name: 'one identity per endpoint in a small cluster', snap: () => snapshot({cluster: {counts: counts(90, 100)}})},
  ],
  invalid: [
    {
      name: '60000 identities → high (92 %), labels suggestion', messageIds: ['near-limit'],
      snap: () => snapshot({cluster: {counts: counts(60000)}}),
      expect(f) {
        expect(f).to.have.length(1)
        expect(f[0].severity).to.equal('high')
        expect(f[0].message).to.contain('60,000').and.contain('92 %').and.contain('65,280')
        expect(f[0].evidence[0]).to.include({line: 1, text: 'ciliumidentities: 60000'})
        expect(f[0].helm[0].path).to.equal('labels')
      },
    },
    {
      name: 'max-connected-clusters 511 halves the space: 31500 → critical', messageIds: ['near-limit'],
      snap: () => snapshot({cluster: {counts: counts(31500), config: config({'max-connected-clusters': '511'})}}),
      expect(f) {
        expect(f[0].severity).to.equal('critical')
        expect(f[0].message).to.contain('32,512').and.contain('halves')
      },
    },
    {
      name: 'nearly one identity per endpoint → medium', messageIds: ['per-pod-labels'],
      snap: () => snapshot({cluster: {counts: counts(2400, 2600)}}),
      expect(f) {
        expect(f[0].severity).to.equal('medium')
        expect(f[0].message).to.contain('0.92 per endpoint').and.contain('no labels filter')
      },
    },
    {
      name: 'identity metric growing 10 %/h by trend → medium', messageIds: ['growing'],
      snap: () => snapshot({
        agents: [agent('cilium-a')],
        prometheus: prometheus(metrics([['cilium_identity{pod="cilium-a",type="cluster_local"}', 5000]]).samples,
          [trend('cilium_identity', {type: 'cluster_local', pod: 'cilium-a'}, 5000, 500, 7200)]),
      }),
      expect(f) {
        expect(f[0].severity).to.equal('medium')
        expect(f[0].message).to.contain('rising 500/h over 2 h').and.contain('10 %/h')
        expect(f[0].agents).to.deep.equal(['cilium-a'])
      },
    },
  ],
  notEvaluated: [
    {name: 'no identity count and no metric', snap: () => snapshot({agents: [agent('cilium-a', {metrics: metrics([['cilium_endpoint', 3]])})]})},
  ],
})
