import {expect} from 'chai'
import rule from '../../rules/cilium-cli-status.js'
import {runRule} from '../../src/rules/engine.js'
import {parseCliStatus} from '../../src/parse/cli-status.js'
import {snapshot} from '../helpers/snapshot.js'

// Synthetic cilium-cli summaries in the shape FORMAT-NOTES §13 describes (names invented).
const logo = (cilium: string, operator: string) => [
  '    /¯¯\\',
  ` /¯¯\\__/¯¯\\    Cilium:             ${cilium}`,
  ` \\__/¯¯\\__/    Operator:           ${operator}`,
  ' /¯¯\\__/¯¯\\    Envoy DaemonSet:    OK',
  ' \\__/¯¯\\__/    Hubble Relay:       disabled',
  '    \\__/       ClusterMesh:        disabled',
  '',
]
const HEALTHY = [...logo('OK', 'OK'),
  'DaemonSet              cilium             Desired: 3, Ready: 3/3, Available: 3/3',
  'Deployment             cilium-operator    Desired: 2, Ready: 2/2, Available: 2/2',
  'Containers:            cilium             Running: 3',
  'Cluster Pods:          14/14 managed by Cilium',
  ''].join('\n')
const ALL_DOWN = [...logo('2 errors', 'OK'),
  'DaemonSet              cilium             Desired: 2, Unavailable: 2/2',
  'Deployment             cilium-operator    Desired: 1, Ready: 1/1, Available: 1/1',
  'Cluster Pods:          0/9 managed by Cilium',
  'Errors:                cilium             cilium-a1b2c    unable to retrieve cilium status: container cilium-agent is in CrashLoopBackOff',
  '                       cilium             cilium-d3e4f    unable to retrieve cilium status: container cilium-agent is in CrashLoopBackOff',
  ''].join('\n')
const WARN = [...logo('OK', '1 warnings'),
  'DaemonSet              cilium             Desired: 2, Ready: 2/2, Available: 2/2',
  'Warnings:              cilium-operator    cilium-operator-5d9c7    1 pods of Deployment cilium-operator are not ready',
  ''].join('\n')

const withCli = (text: string) => snapshot({cluster: {cliStatus: parseCliStatus(text, 'cilium-status.txt')}})

describe('rule cilium-cli-status', () => {
  it('valid: every component OK, all pods ready', () => {
    expect(runRule(rule, withCli(HEALTHY)).outcome.result).to.equal('passed')
  })

  it('invalid: all agent pods unavailable → critical, naming the pods and quoting the rows', () => {
    const r = runRule(rule, withCli(ALL_DOWN))
    expect(r.findings).to.have.length(1)
    const f = r.findings[0]
    expect(f.severity).to.equal('critical')
    expect(f.agents).to.deep.equal(['cilium-a1b2c', 'cilium-d3e4f'])
    expect(f.message).to.contain('Cilium: 2 errors').and.contain('CrashLoopBackOff')
    expect(f.evidence.some((e) => e.text.startsWith('DaemonSet') && e.line === 8)).to.equal(true)
    expect(f.fix).to.contain('cilium')
  })

  it('invalid: warnings only → medium', () => {
    const r = runRule(rule, withCli(WARN))
    expect(r.findings.map((f) => f.severity)).to.deep.equal(['medium'])
  })

  it('not evaluated without a cilium-cli summary', () => {
    expect(runRule(rule, snapshot({})).outcome.result).to.equal('not-evaluated')
  })
})
