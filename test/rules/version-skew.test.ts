import {expect} from 'chai'
import rule, {imageVersion} from '../../rules/version-skew.js'
import {agent, at, snapshot, status} from '../helpers/snapshot.js'
import {ruleTester} from './_rule-tester.js'

const ag = (name: string, v: string) => agent(name, {status: status({cilium: {state: 'Ok', message: `${v} (v${v}-2adae214)`, version: v, src: at(`Cilium:   Ok   ${v} (v${v}-2adae214)`, 9, `${name}/status`)}})})
const operator = (image: string) => ({desired: 2, ready: 2, image, src: at(`image: ${image}`, 30, 'cilium-operator-deployment.yaml')})

describe('imageVersion', () => {
  it('reads the tag, ignoring registry ports, account ids and digests', () => {
    expect(imageVersion('quay.io/cilium/cilium:v1.18.7@sha256:abc')).to.equal('1.18.7')
    expect(imageVersion('123456789012.dkr.ecr.us-east-1.amazonaws.com/cilium/operator-aws:v1.17.4')).to.equal('1.17.4')
    expect(imageVersion('registry.local:5000/cilium/cilium')).to.equal(undefined)
    expect(imageVersion('quay.io/cilium/cilium:v1.18.9007199254740993')).to.equal(undefined) // a damaged capture (found by the fuzz)
  })
  it('keeps a pre-release suffix and drops a git hash', () => {
    expect(imageVersion('quay.io/cilium/cilium:v1.15.0-pre.2')).to.equal('1.15.0-pre.2')
    expect(imageVersion('quay.io/cilium/cilium:v1.16.0-rc.1@sha256:abc')).to.equal('1.16.0-rc.1')
  })
})

// Status field that lost the suffix: the raw Cilium message still carries it.
const agRaw = (name: string, parsed: string, message: string) => agent(name, {status: status({cilium: {state: 'Ok', message, version: parsed, src: at(`Cilium:   Ok   ${message}`, 7, `${name}/status`)}})})

ruleTester(rule, {
  valid: [
    {name: 'same version everywhere, operator same minor', snapshot: snapshot({agents: [ag('cilium-a', '1.18.7'), ag('cilium-b', '1.18.7')], cluster: {operator: operator('quay.io/cilium/operator-generic:v1.18.7')}})},
  ],
  invalid: [
    {
      // field trial: 1.15.0-pre.2 was printed and compared as 1.15.0
      name: 'pre-release vs release of the same patch → two versions, suffix kept', messageIds: ['agent-versions'],
      snapshot: snapshot({agents: [ag('cilium-a', '1.15.0'), ag('cilium-b', '1.15.0'), ag('cilium-c', '1.15.0-pre.2')]}),
      expect: {count: 1, severity: 'medium', agents: ['cilium-c'], message: /2 Cilium versions: 1\.15\.0 \(2 agents: cilium-a, cilium-b\), 1\.15\.0-pre\.2 \(cilium-c\).*pre-release/},
    },
    {
      name: 'parsed version without the suffix: the raw message is used', messageIds: ['agent-versions'],
      snapshot: snapshot({agents: [ag('cilium-a', '1.15.0'), agRaw('cilium-b', '1.15.0', '1.15.0-pre.2 (v1.15.0-pre.2-91bc81c9)')]}),
      expect: {count: 1, message: /1\.15\.0-pre\.2 \(cilium-b\)/},
    },
    {
      name: 'operator is a pre-release of the agents\' minor → medium', messageIds: ['operator-version'],
      snapshot: snapshot({agents: [ag('cilium-a', '1.15.0')], cluster: {operator: operator('quay.io/cilium/operator-generic:v1.15.0-pre.2')}}),
      expect: {count: 1, severity: 'medium', message: /cilium-operator runs 1\.15\.0-pre\.2 while most agents run 1\.15\.0/},
    },
    {
      name: 'patch rollout in progress → medium, minority named', messageIds: ['agent-versions'],
      snapshot: snapshot({agents: [ag('cilium-a', '1.18.7'), ag('cilium-b', '1.18.7'), ag('cilium-c', '1.18.6')]}),
      expect: {count: 1, severity: 'medium', agents: ['cilium-c'], message: /2 Cilium versions: 1\.18\.7 \(2 agents: cilium-a, cilium-b\), 1\.18\.6 \(cilium-c\)/, evidence: {line: 9}},
    },
    {
      name: 'two minors apart → high', messageIds: ['agent-versions'],
      snapshot: snapshot({agents: [ag('cilium-a', '1.18.7'), ag('cilium-b', '1.16.4')]}),
      expect: {count: 1, severity: 'high', message: /2 minor versions apart/},
    },
    {
      name: 'operator one minor behind', messageIds: ['operator-version'],
      snapshot: snapshot({agents: [ag('cilium-a', '1.18.7')], cluster: {operator: operator('quay.io/cilium/operator-generic:v1.17.4@sha256:00')}}),
      expect: {count: 1, severity: 'medium', message: /cilium-operator runs 1\.17\.4 while most agents run 1\.18\.7/, evidence: {line: 30}},
    },
    {
      name: 'pod images when status is missing', messageIds: ['agent-versions'],
      snapshot: snapshot({cluster: {pods: [
        {name: 'cilium-aaaaa', restarts: 0, image: 'quay.io/cilium/cilium:v1.17.4', src: at('image: quay.io/cilium/cilium:v1.17.4', 3, 'k8s-pods.yaml')},
        {name: 'cilium-bbbbb', restarts: 0, image: 'quay.io/cilium/cilium:v1.18.1', src: at('image: quay.io/cilium/cilium:v1.18.1', 9, 'k8s-pods.yaml')},
      ]}}),
      expect: {count: 1, severity: 'medium', message: /1\.17\.4.*1\.18\.1/},
    },
  ],
  notEvaluated: [{name: 'no version anywhere', snapshot: snapshot({agents: [agent('cilium-a', {status: status({})})]})}],
})
