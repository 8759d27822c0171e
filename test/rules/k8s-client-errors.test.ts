import {expect} from 'chai'
import rule from '../../rules/k8s-client-errors.js'
import {agent, config, snapshot} from '../helpers/snapshot.js'
import {metrics, prometheus, trend} from './_builders.js'
import {ruleTester} from './_rule-tester.js'

const C = 'cilium_k8s_client_api_calls_total'
const L = 'cilium_k8s_client_rate_limiter_duration_seconds'
const ok: Array<[string, number]> = [[`${C}{host="10.0.0.1:6443",method="GET",return_code="200"}`, 9000]]

ruleTester(rule, {messagesCarryNumbers: true, 
  valid: [
    {name: '200s, 404s and 409s only', snap: () => snapshot({agents: [agent('cilium-a', {metrics: metrics([...ok,
      [`${C}{host="10.0.0.1:6443",method="GET",return_code="404"}`, 40], [`${C}{host="10.0.0.1:6443",method="PUT",return_code="409"}`, 12]])})]})},
    {name: 'rate limiter mean 0.05 s (below 0.1 s)', snap: () => snapshot({agents: [agent('cilium-a', {metrics: metrics([...ok,
      [`${L}_sum{method="GET",path="/api/v1/nodes"}`, 5], [`${L}_count{method="GET",path="/api/v1/nodes"}`, 100]])})]})},
  ],
  invalid: [
    {
      name: '429s rising on two agents → high, share of calls in the message', messageIds: ['client-errors'],
      snap: () => snapshot({
        agents: [agent('cilium-a'), agent('cilium-b')],
        prometheus: prometheus(metrics([
          [`${C}{method="PATCH",pod="cilium-a",return_code="429"}`, 300], [`${C}{method="GET",pod="cilium-a",return_code="200"}`, 2700],
          [`${C}{method="PATCH",pod="cilium-b",return_code="429"}`, 10],
        ]).samples, [trend(C, {method: 'PATCH', return_code: '429', pod: 'cilium-a'}, 300, 40)]),
      }),
      expect(f) {
        expect(f).to.have.length(1)
        expect(f[0].severity).to.equal('high')
        expect(f[0].agents).to.deep.equal(['cilium-a', 'cilium-b'])
        expect(f[0].message).to.contain('310 calls on 2/2 agents').and.contain('rising 40/h').and.contain('10.0 % of its 3,000')
        expect(f[0].evidence[0]).to.include({line: 1, text: `${C}{method="PATCH",pod="cilium-a",return_code="429"} 300`})
        expect(f[0].fix).to.contain('raising the agent QPS makes it worse')
      },
    },
    {
      name: '403s since agent start → high', messageIds: ['client-errors'],
      snap: () => snapshot({agents: [agent('cilium-a', {metrics: metrics([...ok, [`${C}{host="10.0.0.1:6443",method="LIST",return_code="403"}`, 15]])})]}),
      expect(f) {
        expect(f[0].severity).to.equal('high')
        expect(f[0].message).to.contain('since agent start')
      },
    },
    {
      name: 'limiter p99 2.5 s at configured qps 5 → medium, qps 10 / burst 20', messageIds: ['rate-limiter-wait'],
      snap: () => snapshot({
        agents: [agent('cilium-a', {metrics: metrics([...ok, [`${L}{method="PUT",path="/apis/cilium.io/v2/ciliumendpoints",quantile="0.99"}`, 2.5]])})],
        cluster: {config: config({'k8s-client-qps': '5', 'k8s-client-burst': '10'})},
      }),
      expect(f) {
        expect(f[0].severity).to.equal('medium')
        expect(f[0].message).to.contain('p99 2.50 s')
        expect(f[0].helm[0]).to.include({path: 'k8sClientRateLimit.qps', value: 10})
        expect(f[0].helm[1]).to.include({path: 'k8sClientRateLimit.burst', value: 20})
      },
    },
  ],
  notEvaluated: [
    {name: 'no k8s client metrics', snap: () => snapshot({agents: [agent('cilium-a', {metrics: metrics([['cilium_endpoint', 3]])})]})},
  ],
})
