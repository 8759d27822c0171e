import {expect} from 'chai'
import {REQUIREMENTS} from '../../src/cilium/charts/index.js'
import type {Node} from '../../src/snapshot/schema.js'
import {checkRequirements} from '../../src/upgrade/requirements.js'
import {agent, at, snapshot, status} from '../helpers/snapshot.js'

function node(name: string, kernel: string | undefined, line: number): Node {
  return {name, ...(kernel ? {kernel} : {}), podCIDRs: [], labels: {}, src: at(`name: ${name}`, line, 'nodes.yaml')}
}

function k8sAgent(version: string) {
  return agent('cilium-a', {status: status({kubernetes: {state: 'Ok', message: `${version} (v${version}.4) [linux/amd64]`, src: at(`Kubernetes:   Ok   ${version} (v${version}.4) [linux/amd64]`, 2, 'cilium-a/status.txt')}})})
}

interface Case {
  name: string
  target: string
  kernels: Array<string | undefined>
  k8s?: string
  messages: string[]
  result: 'fired' | 'passed' | 'not-evaluated'
}

const cases: Case[] = [
  {name: 'kernels and Kubernetes within 1.19\'s needs', target: '1.19.6', kernels: ['6.8.0-1021-aws', '5.15.0-119-generic'], k8s: '1.33', messages: [], result: 'passed'},
  {name: 'one node below 1.19\'s 5.10 floor', target: '1.19', kernels: ['6.8.0-1021-aws', '5.4.0-1103-aws'], k8s: '1.33', messages: ['kernel-too-old'], result: 'fired'},
  {name: '1.17 still runs on 5.4', target: '1.17', kernels: ['5.4.0-1103-aws'], messages: [], result: 'passed'},
  {name: 'a RHEL 8 kernel is not "older than 5.10": the docs accept it from a RHEL release, said as info', target: '1.19', kernels: ['4.18.0-553.el8_10.x86_64'], k8s: '1.34', messages: ['kernel-rhel'], result: 'fired'},
  {name: 'Kubernetes outside the versions 1.18 is tested against', target: '1.18', kernels: ['6.1.0-18-amd64'], k8s: '1.29', messages: ['kubernetes-untested'], result: 'fired'},
  {name: 'no kernel versions in the NodeList and no agent status: not evaluated, never passed', target: '1.19', kernels: [undefined], messages: [], result: 'not-evaluated'},
]

describe('upgrade-check: requirements of the target against the NodeList', () => {
  for (const c of cases) {
    it(c.name, () => {
      const s = snapshot({cluster: {nodes: c.kernels.map((k, i) => node(`node-${i}`, k, i * 10 + 1))}, agents: c.k8s ? [k8sAgent(c.k8s)] : []})
      const r = checkRequirements(s, c.target)
      expect(r.findings.map((f) => f.messageId)).to.deep.equal(c.messages)
      expect(r.outcome.result).to.equal(c.result)
      for (const f of r.findings) {
        expect(f.evidence.length).to.be.greaterThan(0)
        expect(f.message).to.match(/Source: https:\/\//)
      }
    })
  }

  it('the old node is named with its NodeList line, and the source of the requirement is given', () => {
    const s = snapshot({cluster: {nodes: [node('node-new', '6.8.0-1021-aws', 1), node('node-old', '5.4.0-1103-aws', 11)]}})
    const f = checkRequirements(s, '1.19').findings[0]
    expect(f.evidence).to.deep.equal([{source: 'nodes.yaml', line: 11, text: 'node-old: kernelVersion 5.4.0-1103-aws'}])
    expect(f.message).to.include(REQUIREMENTS['1.19'].kernel!.url)
  })

  it('every shipped minor has a kernel floor with a source; each Kubernetes list names its source', () => {
    for (const minor of ['1.14', '1.15', '1.16', '1.17', '1.18', '1.19', '1.20']) {
      const r = REQUIREMENTS[minor]
      expect(r?.kernel?.min, minor).to.match(/^\d+\.\d+/)
      expect(r.kernel!.url, minor).to.match(/^https:\/\//)
      if (r.kubernetes) expect(r.kubernetes.url, minor).to.match(/^https:\/\//)
    }
  })
})
