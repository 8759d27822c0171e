import {expect} from 'chai'
import rule from '../../rules/endpoint-regeneration.js'
import {agent, snapshot} from '../helpers/snapshot.js'
import {metrics, prometheus, trend} from './_builders.js'
import {ruleTester} from './_rule-tester.js'

const R = 'cilium_endpoint_regenerations_total'
const S = 'cilium_endpoint_state'
const T = 'cilium_endpoint_regeneration_time_stats_seconds'

ruleTester(rule, {messagesCarryNumbers: true, 
  valid: [
    {name: 'only successful regenerations, all endpoints ready', snap: () => snapshot({agents: [agent('cilium-a', {metrics: metrics([
      [`${R}{outcome="success"}`, 120], [`${R}{outcome="fail"}`, 0], [`${S}{endpoint_state="ready"}`, 30], [`${S}{endpoint_state="not-ready"}`, 0],
    ])})]})},
    {name: 'two endpoints waiting for identity in one scrape is pod churn', snap: () => snapshot({agents: [agent('cilium-a', {metrics: metrics([[`${S}{endpoint_state="waiting-for-identity"}`, 2], [`${R}{outcome="success"}`, 10]])})]})},
    {name: 'p99 regeneration 9.9 s (below 10 s), from metrics list quantiles', snap: () => snapshot({agents: [agent('cilium-a', {metrics: metrics([
      [`${T}{scope="total",status="success",quantile="0.99"}`, 9.9], [`${R}{outcome="success"}`, 10],
    ])})]})},
  ],
  invalid: [
    {
      name: 'failures rising by trend on one agent → high', messageIds: ['regeneration-failures'],
      snap: () => snapshot({
        agents: [agent('cilium-a')],
        prometheus: prometheus(metrics([[`${R}{outcome="fail",pod="cilium-a"}`, 25], [`${R}{outcome="success",pod="cilium-a"}`, 475]]).samples,
          [trend(R, {outcome: 'fail', pod: 'cilium-a'}, 25, 12)]),
      }),
      expect(f) {
        expect(f).to.have.length(1)
        expect(f[0].severity).to.equal('high')
        expect(f[0].agents).to.deep.equal(['cilium-a'])
        expect(f[0].message).to.contain('rising 12/h').and.contain('5.0 % of 500')
        expect(f[0].evidence[0]).to.include({line: 1, text: `${R}{outcome="fail",pod="cilium-a"} 25`})
      },
    },
    {
      name: 'failures without trend → medium; 6 waiting-for-identity in one scrape → info', messageIds: ['regeneration-failures', 'endpoints-not-ready'],
      snap: () => snapshot({agents: [agent('cilium-a', {metrics: metrics([[`${R}{outcome="fail"}`, 3], [`${S}{endpoint_state="waiting-for-identity"}`, 6]])})]}),
      expect(f) {
        expect(f.map((x) => x.severity)).to.deep.equal(['medium', 'info'])
        expect(f[1].message).to.contain('may be pod churn')
      },
    },
    {
      name: 'invalid endpoints → high', messageIds: ['endpoints-not-ready'],
      snap: () => snapshot({agents: [agent('cilium-a', {metrics: metrics([[`${S}{endpoint_state="invalid"}`, 1]])})]}),
      expect(f) {
        expect(f[0].severity).to.equal('high')
        expect(f[0].message).to.contain('1 invalid')
      },
    },
    {
      name: 'mean regeneration 14 s from exposition _sum/_count → medium', messageIds: ['regeneration-slow'],
      snap: () => snapshot({agents: [agent('cilium-a', {metrics: metrics([[`${T}_sum{scope="total",status="success"}`, 140], [`${T}_count{scope="total",status="success"}`, 10]])})]}),
      expect(f) {
        expect(f[0].severity).to.equal('medium')
        expect(f[0].message).to.contain('mean 14.0 s')
      },
    },
  ],
  notEvaluated: [
    {name: 'endpoint metrics absent', snap: () => snapshot({agents: [agent('cilium-a', {metrics: metrics([['cilium_policy', 3]])})]})},
  ],
})
