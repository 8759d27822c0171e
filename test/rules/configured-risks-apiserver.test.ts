import {expect} from 'chai'
import rule from '../../rules/configured-risks.js'
import {runRule} from '../../src/rules/engine.js'
import {snapshot} from '../helpers/snapshot.js'

// 1.18+ charts take the API-server address from k8sServiceHost, k8sServiceHostRef (a ConfigMap key) or k8s.apiServerURLs
const helm = (values: Record<string, unknown>) => snapshot({cluster: {helm: {source: 'helm get values', values: {kubeProxyReplacement: true, ...values}}}})
const ids = (values: Record<string, unknown>) => runRule(rule, helm(values)).findings.map((f) => f.messageId)

describe('configured-risks: kube-proxy replacement and the API-server address', () => {
  it('reports KPR without any API-server address', () => {
    expect(ids({})).to.deep.equal(['kpr-without-k8s-service-host'])
  })
  it('accepts k8sServiceHost, k8sServiceHostRef (1.18+) and k8s.apiServerURLs (1.18+)', () => {
    expect(ids({k8sServiceHost: '192.0.2.10', k8sServicePort: 6443})).to.deep.equal([])
    expect(ids({k8sServiceHostRef: {name: 'cluster-endpoint', key: 'host'}, k8sServicePort: 6443})).to.deep.equal([])
    expect(ids({k8s: {apiServerURLs: 'https://192.0.2.10:6443 https://192.0.2.11:6443'}})).to.deep.equal([])
  })
})
