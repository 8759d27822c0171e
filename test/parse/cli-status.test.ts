import {expect} from 'chai'
import {CliStatus, parseCliStatus} from '../../src/parse/cli-status.js'
import {readReference, requireReference} from '../helpers/reference.js'

function parse(text: string, file = 'cli-status.txt'): CliStatus {
  const r = parseCliStatus(text, file)
  CliStatus.parse(r)
  return r
}

const states = (r: CliStatus) => Object.fromEntries(r.components.map((c) => [c.name, c.state]))

describe('parseCliStatus: real samples', function () {
  before(function () { requireReference(this) })

  it('1.19.5 healthy: every component OK but ClusterMesh, four workloads, image versions with digests', function () {
    const f = 'cilium-cli-status_1.19.5_hubble-relay.txt'
    const r = parse(readReference(f), f)
    expect(states(r)).to.deep.equal({
      'Cilium': 'ok', 'Operator': 'ok', 'Envoy DaemonSet': 'ok', 'Hubble Relay': 'ok', 'ClusterMesh': 'disabled',
    })
    expect(r.components[3].src).to.deep.include({line: 6})
    expect(r.workloads.map((w) => [w.kind, w.name, w.desired, w.ready, w.available])).to.deep.equal([
      ['DaemonSet', 'cilium', 3, 3, 3],
      ['DaemonSet', 'cilium-envoy', 3, 3, 3],
      ['Deployment', 'cilium-operator', 2, 2, 2],
      ['Deployment', 'hubble-relay', 1, 1, 1],
    ])
    expect(r.clusterPods).to.include({managed: 4, total: 4})
    expect(r.helmChartVersion!.value).to.equal('1.19.5')
    expect(r.images.map((i) => [i.name, i.version, i.count])).to.deep.equal([
      ['cilium', '1.19.5', 3],
      ['cilium-envoy', '1.34.10-1761014632-c360e8557eb41011dfb5210f8fb53fed6c0b3222', 3],
      ['cilium-operator', '1.19.5', 2],
      ['hubble-relay', '1.19.5', 1],
    ])
    expect(r.images[0].image).to.match(/^quay\.tencentcloudcr\.com\/cilium\/cilium:v1\.19\.5@sha256:5649db45/)
    expect(r.errors).to.deep.equal([])
    expect(r.warnings).to.deep.equal([])
    // the documentation author's marker lines are not cilium-cli output
    expect(r.unrecognized.map((u) => u.text)).to.deep.equal(['# highlight-next-line', '# highlight-next-line'])
  })

  it('1.17.0-dev with a Notices section: dev images without a version, Hubble Relay disabled', function () {
    const r = parse(readReference('cilium-cli-status_1.17.0-dev_pr34986-notices-degraded-TRUNCATED.txt'))
    expect(states(r)).to.include({'Cilium': 'ok', 'Hubble Relay': 'disabled'})
    expect(r.workloads).to.have.length(3)
    expect(r.workloads[2]).to.include({kind: 'Deployment', name: 'cilium-operator', desired: 1, ready: 1, available: 1})
    expect(r.helmChartVersion!.value).to.equal('1.17.0-dev')
    expect(r.images.find((i) => i.name === 'cilium')).to.include({image: 'quay.io/cilium/cilium-ci:latest', count: 2})
    expect(r.images.find((i) => i.name === 'cilium')!.version).to.equal(undefined)
    expect(r.unrecognized).to.deep.equal([])
  })

  it('1.17.2 garbled Errors row: raw bytes and an embedded newline stay in one message', function () {
    const r = parse(readReference('cilium-cli-status_1.17.2_issue38516-errors-controller-failing-garbled.txt'), 'e.txt')
    expect(r.errors).to.have.length(1)
    const e = r.errors[0]
    expect(e).to.include({component: 'cilium', pod: 'cilium-pcp54'})
    expect(e.message).to.match(/^controller sync-lb-maps-with-k8s-services is failing since 7s \(4x\): Unable to remove service/)
    expect(e.message).to.match(/Unable to delete maglev lookup table 120: delete: key does not exist$/)
    expect(e.message.split('\n')).to.have.length(2)
    expect(e.src.line).to.equal(1)
    expect(r.unrecognized).to.deep.equal([])
  })

  it('kubeasz #1422: apiserver unreachable, error and warning counts, 3+3 rows, trailing check failure', function () {
    const r = parse(readReference('cilium-cli-status_unknown_kubeasz1422-errors-apiserver-unreachable-TRUNCATED.txt'))
    expect(r.components.map((c) => [c.name, c.state, c.errors, c.warnings])).to.deep.equal([
      ['Cilium', 'degraded', 1, 0],
      ['Operator', 'degraded', 1, 0],
      ['Envoy DaemonSet', 'degraded', 1, 0],
      ['Hubble Relay', 'degraded', 0, 1],
      ['ClusterMesh', 'degraded', 0, 1],
    ])
    expect(r.workloads).to.deep.equal([])
    expect(r.clusterPods).to.include({managed: 0, total: 0})
    expect(r.helmChartVersion!.value).to.equal('')
    expect(r.errors.map((e) => [e.component, e.pod])).to.deep.equal([
      ['cilium-operator', 'cilium-operator'], ['cilium', 'cilium'], ['cilium-envoy', 'cilium-envoy'],
    ])
    expect(r.errors[1].message).to.equal('Get "http://localhost:8080/apis/apps/v1/namespaces/kube-system/daemonsets/cilium": dial tcp 127.0.0.1:8080: connect: connection refused')
    expect(r.warnings.map((w) => w.message)).to.deep.equal([
      'hubble relay is not deployed', 'hubble ui is not deployed', 'clustermesh is not deployed',
    ])
    expect(r.checkFailed!.text).to.match(/^status check failed: \[Get "http:\/\/localhost:8080\/api\/v1\/namespaces\/kube-system\/pods/)
    expect(r.unrecognized).to.deep.equal([])
  })
})

describe('parseCliStatus: synthetic', function () {
  it('ANSI colours, unavailable pods, mixed error/warning counts; a component name inside a message is not a component', function () {
    const text = [
      '    /¯¯\\',
      ' /¯¯\\__/¯¯\\    Cilium:             \x1b[31m2 errors\x1b[0m, \x1b[33m1 warnings\x1b[0m',
      ' \\__/¯¯\\__/    Operator:           \x1b[32mOK\x1b[0m',
      '',
      'DaemonSet              cilium             Desired: 3, Ready: 1/3, Available: 1/3, Unavailable: 2/3',
      'Containers:            cilium             Running: 1, Pending: 2',
      'Errors:                cilium             cilium-abcde    controller k8s-heartbeat is failing since 1m (12x): Operator: refused',
      '                       cilium             cilium-fghij    unable to reach apiserver',
      'Warnings:              cilium             cilium-abcde    1 endpoints are not ready',
    ].join('\n')
    const r = parse(text)
    expect(r.components.map((c) => [c.name, c.state, c.errors, c.warnings])).to.deep.equal([
      ['Cilium', 'degraded', 2, 1], ['Operator', 'ok', 0, 0],
    ])
    expect(r.workloads[0]).to.include({desired: 3, ready: 1, available: 1, unavailable: 2})
    expect(r.errors.map((e) => e.pod)).to.deep.equal(['cilium-abcde', 'cilium-fghij'])
    expect(r.errors[0].message).to.equal('controller k8s-heartbeat is failing since 1m (12x): Operator: refused')
    expect(r.warnings).to.have.length(1)
    expect(r.unrecognized).to.deep.equal([])
  })

  it('never throws on garbage', function () {
    for (const input of ['', '\u0000\u00ff\ufffd', 'Errors:', 'Image versions', 'DaemonSet x', 'Errors:   a\nb\n   c']) {
      expect(() => parse(input)).to.not.throw()
    }
  })
})
